"""The registrations' email outbox (rows of :class:`~events.models.EmailRecord`, sent by the shared
sender of ``core.outbox``: batches, leases, retries), and the reminders written when they fall due."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.outbox import (  # noqa: F401  (the sender's rules, re-exported for the registrations' callers)
    MAX_ATTEMPTS,
    SEND_BATCH_SIZE,
    Outbox,
    _backoff,
    _with_reconnect,
    outbox_send_batch,
)
from core.publish import publish_task

from ..emails import build_message
from ..models import EmailRecord, Event, Registration

logger = logging.getLogger(__name__)

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


def _registration_outbox() -> Outbox:
    return Outbox(model=EmailRecord, load=_load, still_wanted=_still_wanted, build_message=build_message)


def _send_batch(*, ids: Iterable[int] | None, now: datetime) -> tuple[int, int]:
    """Claim one batch of the registrations' outbox and send it; returns (rows claimed, emails sent)."""
    return outbox_send_batch(_registration_outbox(), ids=ids, now=now)


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
