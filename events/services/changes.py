"""Changes to an event (schedule, place, cancellation) and the emails that announce them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..models import Event, Registration
from .outbox import SEAT_KINDS, Kind, Status, emails_create, emails_skip_pending
from .registrations import waiting_list_advance

logger = logging.getLogger(__name__)

SCHEDULE_FIELDS = ("starts_at", "ends_at")
PLACE_FIELDS = ("venue", "address", "commune_id", "latitude", "longitude")


# --------------------------------------------------------------------------------------------------
# Events


@dataclass
class EventChanges:
    """What :func:`event_update` detected and did."""

    rescheduled: bool = False
    moved: bool = False
    cancelled: bool = False
    promoted: list[Registration] = field(default_factory=list)
    notified: int = 0

    @property
    def changed_for_calendars(self) -> bool:
        return self.rescheduled or self.moved or self.cancelled


def event_update(*, event: Event, now: datetime | None = None) -> EventChanges:
    """Save an event edited in memory and act on what changed compared with the stored row.

    A new date, time or place of a published event raises its iCalendar SEQUENCE and emails the
    confirmed and waiting people an updated .ics; cancelling it emails everyone still registered;
    a larger capacity promotes as many waiting people as now fit. A new event is simply saved.
    """
    now = now or timezone.now()
    changes = EventChanges()
    with transaction.atomic():
        if event.pk is None:
            event.save()
            return changes
        stored = Event.objects.select_for_update().get(pk=event.pk)
        changes.rescheduled = any(getattr(stored, f) != getattr(event, f) for f in SCHEDULE_FIELDS)
        changes.moved = any(getattr(stored, f) != getattr(event, f) for f in PLACE_FIELDS)
        changes.cancelled = stored.status != Event.Status.CANCELLED and event.status == Event.Status.CANCELLED
        was_public = stored.status == Event.Status.PUBLISHED
        if changes.changed_for_calendars:
            event.sequence = stored.sequence + 1
        event.save()
        registrations = event.registrations.not_anonymised()
        if changes.cancelled and was_public:
            people = list(registrations.active())
            emails_skip_pending(people, SEAT_KINDS | {Kind.LINK})
            changes.notified = len(emails_create(people, kind=Kind.EVENT_CANCELLED, key=str(event.sequence)))
        elif (changes.rescheduled or changes.moved) and event.status == Event.Status.PUBLISHED:
            if changes.rescheduled:
                emails_skip_pending(registrations, [Kind.REMINDER])
            people = list(registrations.filter(status__in=[Status.CONFIRMED, Status.WAITLISTED]))
            changes.notified = len(emails_create(people, kind=Kind.EVENT_CHANGED, key=str(event.sequence)))
        capacity_raised = stored.capacity is not None and (
            event.capacity is None or event.capacity > stored.capacity
        )
        if capacity_raised or (event.status == Event.Status.PUBLISHED and not was_public):
            changes.promoted = waiting_list_advance(event, now)
    return changes


def event_cancel(*, event: Event, now: datetime | None = None) -> EventChanges:
    """Cancel an event and tell everyone registered (the event stays visible, marked cancelled)."""
    event.status = Event.Status.CANCELLED
    return event_update(event=event, now=now)


def event_reschedule(
    *, event: Event, starts_at: datetime, ends_at: datetime, now: datetime | None = None
) -> EventChanges:
    """Move an event to a new date or time and send the registrants an updated .ics."""
    event.starts_at = starts_at
    event.ends_at = ends_at
    return event_update(event=event, now=now)
