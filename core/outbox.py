"""The generic email outbox: one row per message, sent exactly once by the worker.

Any table with the sending columns (``status``, ``due_at``, ``attempts``, ``last_error``,
``claim_token``, ``sent_at``, the :class:`EmailStatus` values) and a ``due(now)`` queryset method is an
outbox: :func:`outbox_send_batch` claims its due rows under a lease (so that two senders never send the
same row), checks each one is still this sender's just before sending it, sends the batch over one SMTP
connection, retries temporary failures with a back-off and marks permanent ones failed. What a row says
and whether it is still wanted is the table's business (:class:`Outbox`): the registrations' emails
(``events``), the account emails (``accounts``), the proposals' emails (``actors``).
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .publish import publish_task

logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 200
FIRST_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
#: Attempts before an email that keeps failing temporarily is marked failed (the waits add up to ~a day).
MAX_ATTEMPTS = 10
#: Seconds between attempts to run a step of the sweep again after the database connection dropped.
RECONNECT_PAUSES = (0.1, 0.5, 1, 2, 4)


def outbox_publish(task_name: str, ids: list[int]) -> None:
    """Hand outbox rows to a worker (the task ``task_name`` takes their ids); never retry here: a
    broker outage is the beat sweep's business. A broker that is down or hangs costs at most
    ``REDIS_TIMEOUT`` (the transport's connect and read timeouts), then the rows wait for the sweep."""
    try:
        publish_task(task_name, ids, retry=False)
    except Exception as exc:  # kombu and redis raise several kinds; none may reach the person
        logger.warning(
            "Broker unavailable (%s): %d email(s) of %s left to the sweep", exc, len(ids), task_name
        )


class EmailStatus(TextChoices):
    PENDING = "pending", _("To send")
    SENT = "sent", _("Sent")
    MISSED = "missed", _("Missed")
    SKIPPED = "skipped", _("Not needed any more")
    FAILED = "failed", _("Failed")


def _backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 5 minutes, then doubling, at most 6 hours."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _lease_end(now: datetime) -> datetime:
    return max(now, timezone.now()) + timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)


def _with_reconnect(operation, *args, **kwargs):
    """Run one short database step of the sweep; if the connection dropped (failover, restart,
    ``pg_terminate_backend``), reconnect and run it again, so that the sweep goes on instead of aborting
    with an email sent but not marked. Every step given here can safely run twice."""
    for pause in (*RECONNECT_PAUSES, None):
        try:
            return operation(*args, **kwargs)
        except (OperationalError, InterfaceError):
            if pause is None or connection.in_atomic_block:
                raise
            logger.warning("Database connection lost by the outbox sweep; reconnecting", exc_info=True)
            connection.close()
            time.sleep(pause)


def _claim(*, now: datetime, ids: Iterable[int] | None, limit: int, token: str, model: type) -> list[int]:
    """Reserve due rows for this sender: lock them (skipping rows another sender holds), give them this
    sender's ``token`` and push their ``due_at`` past the lease, then release the locks by committing.

    A row this sender has not reached when its lease lapses may be claimed by another sender, with
    another token; :func:`_take` then leaves it to that one."""
    with transaction.atomic():
        rows = model.objects.due(now).order_by("due_at", "pk")
        if ids is not None:
            rows = rows.filter(pk__in=list(ids))
        skip_locked = connection.features.has_select_for_update_skip_locked
        rows = rows.select_for_update(skip_locked=skip_locked) if skip_locked else rows.select_for_update()
        claimed = list(rows.values_list("pk", flat=True)[:limit])
        if claimed:
            model.objects.filter(pk__in=claimed).update(due_at=_lease_end(now), claim_token=token)
    return claimed


def _take(record, *, token: str, now: datetime) -> bool:
    """The check just before sending one email: it is still pending and still this sender's. Renews the
    lease for this one email and counts the attempt; False leaves it alone (another sender took it
    after this sender's claim lapsed, or it was cancelled meanwhile)."""
    taken = (
        type(record)
        .objects.filter(pk=record.pk, claim_token=token, status=EmailStatus.PENDING)
        .update(due_at=_lease_end(now), attempts=F("attempts") + 1)
    )
    if taken:
        record.attempts += 1
    return bool(taken)


class SmtpUnavailable(Exception):
    """The SMTP connection of a batch could not be opened (the cause is chained): a temporary failure."""


class _SmtpSession:
    """The one SMTP connection of a batch, opened for its first email. After the server drops it (a
    timeout, a 421), it is opened again for the next email; once it cannot be opened, every later email
    of the batch fails at once with the same cause instead of waiting for the timeout again."""

    def __init__(self):
        self.backend = mail.get_connection()
        self.is_open = False
        self.unavailable: Exception | None = None

    def send(self, message) -> None:
        if self.unavailable is not None:
            raise SmtpUnavailable(str(self.unavailable)) from self.unavailable
        if not self.is_open:
            try:
                self.backend.open()
            except (smtplib.SMTPException, OSError) as exc:
                self.unavailable = exc
                raise SmtpUnavailable(str(exc)) from exc
            self.is_open = True
        message.connection = self.backend
        try:
            message.send()
        except Exception as exc:
            smtp = getattr(self.backend, "connection", None)
            if _smtp_reply(exc) is None or (smtp is not None and getattr(smtp, "sock", None) is None):
                # A timeout or a hang-up (smtplib closes on a 421): the connection cannot carry the
                # next email, which opens a new one.
                self.close()
            raise

    def close(self) -> None:
        if self.is_open:
            self.is_open = False
            try:
                self.backend.close()
            except (smtplib.SMTPException, OSError):
                logger.warning("Closing the SMTP connection failed", exc_info=True)


def _smtp_reply(exc: BaseException) -> tuple[int, str] | None:
    """The server's answer that made sending fail (code, text), or None for any other error."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        code, text = next(iter(exc.recipients.values()))
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, text = exc.smtp_code, exc.smtp_error
    else:
        return None
    return code, text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def _failure_reason(exc: BaseException) -> str:
    reply = _smtp_reply(exc)
    if reply:
        return f"SMTP {reply[0]} {reply[1]}"[:2000]
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def _record_failure(record, exc: BaseException, *, token: str, now: datetime) -> None:
    """A failed attempt. A 5xx answer to the email itself is final (failed, with the reason); anything
    else (4xx, timeout, no connection) is retried after the back-off, until ``MAX_ATTEMPTS``."""
    cause = exc.__cause__ if isinstance(exc, SmtpUnavailable) else exc
    reason = _failure_reason(cause)
    reply = None if isinstance(exc, SmtpUnavailable) else _smtp_reply(exc)
    rows = type(record).objects.filter(pk=record.pk, claim_token=token, status=EmailStatus.PENDING)
    if (reply and 500 <= reply[0] < 600) or record.attempts >= MAX_ATTEMPTS:
        logger.warning(
            "Email %s (%s) failed after %d attempt(s): %s", record.pk, record.kind, record.attempts, reason
        )
        rows.update(status=EmailStatus.FAILED, last_error=reason)
    else:
        logger.warning("Email %s (%s) not sent, will retry: %s", record.pk, record.kind, reason)
        rows.update(due_at=max(now, timezone.now()) + _backoff(record.attempts), last_error=reason)


def _mark_sent(record) -> None:
    type(record).objects.filter(pk=record.pk).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), last_error=""
    )


def _set_status(record, status: str, *, token: str) -> None:
    type(record).objects.filter(pk=record.pk, claim_token=token, status=EmailStatus.PENDING).update(
        status=status
    )


@dataclass(frozen=True)
class Outbox:
    """One outbox table and its rules, for the shared sender (:func:`outbox_send_batch`).

    ``model`` has the columns of :class:`~events.models.EmailRecord`'s sending (``status``, ``due_at``,
    ``attempts``, ``last_error``, ``claim_token``, ``sent_at``) with the same status values and a
    ``due(now)`` queryset method; ``load`` reads claimed rows, ``still_wanted`` says whether a row should
    still go out (None) or which status to give it instead, ``build_message`` renders it.
    """

    model: type
    load: Callable[[list[int]], list]
    still_wanted: Callable[[object, datetime], str | None]
    build_message: Callable[[object], object]


def outbox_send_batch(outbox: Outbox, *, ids: Iterable[int] | None, now: datetime) -> tuple[int, int]:
    """Claim one batch of ``outbox``'s due rows (only ``ids`` when given) and send it over one SMTP
    connection, with every rule of this module's docstring; returns (rows claimed, emails sent)."""
    token = secrets.token_hex(8)
    claimed = _with_reconnect(
        _claim, now=now, ids=ids, limit=SEND_BATCH_SIZE, token=token, model=outbox.model
    )
    if not claimed:
        return 0, 0
    sent = 0
    session = _SmtpSession()
    try:
        for record in _with_reconnect(outbox.load, claimed):
            outcome = outbox.still_wanted(record, max(now, timezone.now()))
            if outcome:
                _with_reconnect(_set_status, record, outcome, token=token)
                continue
            if not _with_reconnect(_take, record, token=token, now=now):
                continue
            try:
                session.send(outbox.build_message(record))
            except Exception as exc:  # one bad message (SMTP refusal, template error) must not stop the batch
                _with_reconnect(_record_failure, record, exc, token=token, now=now)
                continue
            _with_reconnect(_mark_sent, record)
            sent += 1
    finally:
        session.close()
    return len(claimed), sent


def outbox_send_due(outbox: Outbox, *, now: datetime | None = None) -> int:
    """The beat sweep of one outbox: every due row, batch by batch; returns the number sent."""
    now = now or timezone.now()
    total = 0
    while True:
        claimed, sent = outbox_send_batch(outbox, ids=None, now=now)
        total += sent
        if claimed < SEND_BATCH_SIZE:
            return total
