"""Writes of the events app, one module per concern: ``outbox`` (the emails and reminders),
``registrations`` (registrations and seats), ``changes`` (event changes) and ``personal_data`` (a
person's data: export, erasure, the retention purge).

Rules that hold in every function here:

- Seats are counted and taken while the event row is locked (``select_for_update``; SQLite serialises
  writers with ``transaction_mode=IMMEDIATE``), so concurrent confirmations never exceed the capacity.
- Every email is an :class:`~events.models.EmailRecord` row written in the same transaction as the
  change it announces; a Celery task is published only once that transaction commits
  (``transaction.on_commit(..., robust=True)``). A dead broker therefore delays mail, never loses it:
  the beat sweep (:func:`emails_send_due`) sends whatever is due and unsent.
- Sending (the "Outbox" section) claims due rows with ``select_for_update(skip_locked=True)`` where the
  database has it, gives them the sender's token and moves their ``due_at`` past a lease
  (``EMAIL_CLAIM_SECONDS``) before the locks are released, so two sweeps never take the same row. Just
  before each email, the sender checks the row is still pending and still carries its token, and renews
  the lease for that one email: a sweep slower than its lease leaves the rows it has not reached to
  whoever claimed them since, and never sends them twice, however slow the SMTP server. The lease must
  only outlast one email (each SMTP exchange is bounded by ``EMAIL_TIMEOUT``).
- One SMTP connection per batch. A 5xx answer to an email is final: the row is marked failed with the
  server's answer, shown to the coordinators in the admin. Other failures (4xx, timeouts, no connection)
  are retried after 5 minutes, then 10, 20… (at most 6 hours apart), and the row is marked failed after
  ``MAX_ATTEMPTS`` attempts (about a day).
- Every database step of a sweep reconnects and runs again when the connection drops, so the sweep goes
  on and an email it has sent is marked sent. Only an email in flight when the sender dies (or the
  database stays unreachable) can be sent twice, once its lease has lapsed.
"""
