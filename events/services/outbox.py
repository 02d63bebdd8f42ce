"""The email outbox: one row per message, sent exactly once by the worker (batches, leases,
retries), and the reminders written when they fall due. The rules are in ``events.services``."""

from __future__ import annotations

import logging
import secrets
import smtplib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import mail
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core.publish import publish_task

from ..emails import build_message
from ..models import EmailRecord, Event, Registration

logger = logging.getLogger(__name__)

SEND_BATCH_SIZE = 200
FIRST_BACKOFF = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
#: Attempts before an email that keeps failing temporarily is marked failed (the waits add up to ~a day).
MAX_ATTEMPTS = 10
#: Seconds between attempts to run a step of the sweep again after the database connection dropped.
RECONNECT_PAUSES = (0.1, 0.5, 1, 2, 4)
REMINDER_LOOKBACK = timedelta(hours=24)

Status = Registration.Status
Kind = EmailRecord.Kind
#: Emails that concern a seat: they are not sent once the registration is cancelled.
SEAT_KINDS = {Kind.CONFIRMATION_REQUEST, Kind.CONFIRMED, Kind.WAITLISTED, Kind.PROMOTED, Kind.REMINDER}


# --------------------------------------------------------------------------------------------------
# Outbox


def emails_create(
    registrations: Iterable[Registration],
    *,
    kind: str,
    key: str = "",
    due_at: datetime | None = None,
    send_before: datetime | None = None,
) -> list[EmailRecord]:
    """Write outbox rows (at most one per registration, kind and key) and publish them on commit."""
    now = timezone.now()
    rows = [
        EmailRecord(
            registration=registration,
            kind=kind,
            key=key,
            due_at=due_at or now,
            send_before=send_before,
        )
        for registration in registrations
        if registration.anonymised_at is None and registration.email  # a walk-in may have given none
    ]
    if not rows:
        return []
    EmailRecord.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(
        EmailRecord.objects.filter(
            registration__in=[row.registration for row in rows],
            kind=kind,
            key=key,
            status=EmailRecord.Status.PENDING,
        ).values_list("pk", flat=True)
    )
    emails_publish_on_commit(ids)
    return rows


def emails_publish_on_commit(record_ids: list[int]) -> None:
    if record_ids:
        transaction.on_commit(lambda: _publish(record_ids), robust=True)


def _publish(record_ids: list[int]) -> None:
    """Hand the rows to a worker; never retry here: a broker outage is the sweep's business.

    A broker that is down or hangs costs at most ``REDIS_TIMEOUT`` (the transport's connect and read
    timeouts), then the emails wait in the outbox for the beat sweep."""
    try:
        publish_task("events.send_emails", record_ids, retry=False)
    except Exception as exc:  # kombu and redis raise several kinds; none may reach the person
        logger.warning("Broker unavailable (%s): %d email(s) left to the sweep", exc, len(record_ids))


def emails_skip_pending(registrations: QuerySet | Iterable[Registration], kinds: Iterable[str]) -> int:
    return EmailRecord.objects.filter(
        registration__in=registrations, kind__in=list(kinds), status=EmailRecord.Status.PENDING
    ).update(status=EmailRecord.Status.SKIPPED)


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


def _claim(
    *, now: datetime, ids: Iterable[int] | None, limit: int, token: str, model: type = EmailRecord
) -> list[int]:
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


def _take(record: EmailRecord, *, token: str, now: datetime) -> bool:
    """The check just before sending one email: it is still pending and still this sender's. Renews the
    lease for this one email and counts the attempt; False leaves it alone (another sender took it
    after this sender's claim lapsed, or it was cancelled meanwhile)."""
    taken = (
        type(record)
        .objects.filter(pk=record.pk, claim_token=token, status=EmailRecord.Status.PENDING)
        .update(due_at=_lease_end(now), attempts=F("attempts") + 1)
    )
    if taken:
        record.attempts += 1
    return bool(taken)


def _still_wanted(record: EmailRecord, now: datetime) -> str | None:
    """None when the email should go out, else the status to give it instead."""
    registration = record.registration
    event = registration.event
    if registration.anonymised_at is not None:
        return EmailRecord.Status.SKIPPED
    if record.send_before and now >= record.send_before:
        return EmailRecord.Status.MISSED
    if record.kind in SEAT_KINDS and registration.status == Status.CANCELLED:
        return EmailRecord.Status.SKIPPED
    if record.kind == Kind.CONFIRMATION_REQUEST and registration.status != Status.PENDING:
        return EmailRecord.Status.SKIPPED
    if record.kind == Kind.REMINDER and (
        registration.status != Status.CONFIRMED
        or event.status != Event.Status.PUBLISHED
        or record.key != _reminder_key(record.key.split("h@")[0], event)
    ):
        return EmailRecord.Status.SKIPPED
    return None


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


def _record_failure(record: EmailRecord, exc: BaseException, *, token: str, now: datetime) -> None:
    """A failed attempt. A 5xx answer to the email itself is final (failed, with the reason); anything
    else (4xx, timeout, no connection) is retried after the back-off, until ``MAX_ATTEMPTS``."""
    cause = exc.__cause__ if isinstance(exc, SmtpUnavailable) else exc
    reason = _failure_reason(cause)
    reply = None if isinstance(exc, SmtpUnavailable) else _smtp_reply(exc)
    rows = type(record).objects.filter(pk=record.pk, claim_token=token, status=EmailRecord.Status.PENDING)
    if (reply and 500 <= reply[0] < 600) or record.attempts >= MAX_ATTEMPTS:
        logger.warning(
            "Email %s (%s) failed after %d attempt(s): %s", record.pk, record.kind, record.attempts, reason
        )
        rows.update(status=EmailRecord.Status.FAILED, last_error=reason)
    else:
        logger.warning("Email %s (%s) not sent, will retry: %s", record.pk, record.kind, reason)
        rows.update(due_at=max(now, timezone.now()) + _backoff(record.attempts), last_error=reason)


def _mark_sent(record: EmailRecord) -> None:
    type(record).objects.filter(pk=record.pk).update(
        status=EmailRecord.Status.SENT, sent_at=timezone.now(), last_error=""
    )


def _set_status(record: EmailRecord, status: str, *, token: str) -> None:
    type(record).objects.filter(pk=record.pk, claim_token=token, status=EmailRecord.Status.PENDING).update(
        status=status
    )


def _load(ids: list[int]) -> list[EmailRecord]:
    return list(
        EmailRecord.objects.filter(pk__in=ids)
        .select_related(
            "registration__event__pole", "registration__event__commune", "registration__organisation"
        )
        .order_by("due_at", "pk")
    )


def emails_send(*, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Send the due, unsent outbox rows (only ``ids`` when given) over one SMTP connection.

    Returns the number of emails sent. A temporary failure leaves the row pending with a later
    ``due_at`` (back-off) and its error, a permanent one marks it failed with the reason; a reminder
    that cannot leave before its event starts is marked missed. Safe to run twice at once, and with
    a server however slow: each row is claimed by one sender, who checks it is still theirs just before
    sending it.
    """
    return _send_batch(ids=ids, now=now or timezone.now())[1]


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


def _registration_outbox() -> Outbox:
    return Outbox(model=EmailRecord, load=_load, still_wanted=_still_wanted, build_message=build_message)


def _send_batch(*, ids: Iterable[int] | None, now: datetime) -> tuple[int, int]:
    """Claim one batch of the registrations' outbox and send it; returns (rows claimed, emails sent)."""
    return outbox_send_batch(_registration_outbox(), ids=ids, now=now)


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


def emails_send_due(*, now: datetime | None = None) -> int:
    """The beat sweep: create the reminders that fell due, then send every due row, batch by batch."""
    now = now or timezone.now()
    _with_reconnect(reminders_schedule, now=now)
    total = 0
    while True:
        claimed, sent = _send_batch(ids=None, now=now)
        total += sent
        if claimed < SEND_BATCH_SIZE:
            return total


# --------------------------------------------------------------------------------------------------
# Reminders


def _reminder_key(offset_hours, event: Event) -> str:
    """``<offset>h@<start in UTC>``: one reminder per offset and per schedule of the event."""
    start = event.starts_at.astimezone(UTC)
    return f"{int(offset_hours)}h@{start:%Y%m%dT%H%MZ}"


def reminders_schedule(*, now: datetime | None = None) -> int:
    """Write the reminder rows that fell due (``settings.REMINDER_OFFSETS_HOURS`` before the start).

    Only for confirmed registrations of published events, confirmed before the reminder fell due. The
    unique (registration, kind, key) constraint makes this safe to run from two beats at once. A
    reminder that fell due after the event started (sweep down for too long) is written as missed.
    """
    now = now or timezone.now()
    offsets = sorted({int(h) for h in settings.REMINDER_OFFSETS_HOURS if int(h) > 0})
    if not offsets:
        return 0
    horizon = now + timedelta(hours=max(offsets))
    candidates = list(
        Registration.objects.confirmed()
        .not_anonymised()
        .filter(
            event__status=Event.Status.PUBLISHED,
            event__starts_at__gt=now - REMINDER_LOOKBACK,
            event__starts_at__lte=horizon,
        )
        .select_related("event")
    )
    if not candidates:
        return 0
    existing = set(
        EmailRecord.objects.filter(registration__in=candidates, kind=Kind.REMINDER).values_list(
            "registration_id", "key"
        )
    )
    rows = []
    for registration in candidates:
        event = registration.event
        for offset in offsets:
            due_at = event.starts_at - timedelta(hours=offset)
            key = _reminder_key(offset, event)
            if due_at > now or (registration.pk, key) in existing:
                continue
            if registration.confirmed_at is None or registration.confirmed_at > due_at:
                continue
            rows.append(
                EmailRecord(
                    registration=registration,
                    kind=Kind.REMINDER,
                    key=key,
                    due_at=due_at,
                    send_before=event.starts_at,
                    status=EmailRecord.Status.MISSED
                    if now >= event.starts_at
                    else EmailRecord.Status.PENDING,
                )
            )
    created = EmailRecord.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)
