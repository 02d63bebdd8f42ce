"""At the door and after the meeting: who came, walk-ins, and the documents that prove it.

- Attendance is recorded per person (:func:`registration_set_attendance`) from the check-in page or the
  registrations list; only active registrations can be marked.
- A walk-in (:func:`walk_in_add`) is a confirmed registration created by the coordinator at the door,
  already marked present, with no email sent (the person is in the room; their consent to the
  processing of their name is given orally and timestamped). The person is in the room, so a full event
  does not turn them away: the seat is taken beyond the capacity and the page says by how many. If the
  email given already holds an active registration for the event, that registration is marked present
  instead of a second one being created.
- The attendance sheet and certificates are rendered by :mod:`events.pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.base_user import BaseUserManager
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Event, Registration
from .registrations import RegistrationError
from .seats import event_lock, seat_take

Status = Registration.Status


@dataclass(frozen=True)
class CheckInCounts:
    """The counts at the top of the check-in page."""

    confirmed: int
    present: int
    absent: int
    unmarked: int
    waitlisted: int
    walk_ins: int
    capacity: int | None

    @property
    def over_capacity(self) -> int:
        if self.capacity is None:
            return 0
        return max(self.confirmed - self.capacity, 0)


def checkin_counts(*, event: Event) -> CheckInCounts:
    """Confirmed, present, absent, not yet marked, waiting and walk-ins of one event, in one query."""
    confirmed = Q(status=Status.CONFIRMED)
    counts = event.registrations.aggregate(
        confirmed=Count("pk", filter=confirmed),
        present=Count("pk", filter=Q(attended=True) & ~Q(status=Status.CANCELLED)),
        absent=Count("pk", filter=Q(attended=False) & ~Q(status=Status.CANCELLED)),
        unmarked=Count("pk", filter=confirmed & Q(attended__isnull=True)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
        walk_ins=Count("pk", filter=confirmed & Q(walk_in=True)),
    )
    return CheckInCounts(capacity=event.capacity, **counts)


def registration_set_attendance(*, registration: Registration, attended: bool | None) -> Registration:
    """Mark one person present (True), absent (False) or not yet marked (None).

    Raises :class:`~events.services.registrations.RegistrationError` for a cancelled registration.
    """
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            raise RegistrationError(_("A cancelled registration cannot be marked."), code="cancelled")
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
    return registration


def walk_in_add(
    *,
    event: Event,
    full_name: str,
    email: str = "",
    organisation=None,
    organisation_name: str = "",
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Seat someone who came without registering: a confirmed registration, marked present.

    Returns ``(registration, created)``; ``created`` is False when the email already held an active
    registration for the event, which is then confirmed if need be and marked present. Takes a seat
    even beyond the capacity (see the module's docstring). Sends no email.
    """
    now = now or timezone.now()
    email = BaseUserManager.normalize_email(email.strip()) if email.strip() else ""
    if event.status == Event.Status.CANCELLED:
        raise RegistrationError(_("This event is cancelled."), code="cancelled")
    with transaction.atomic():
        event = event_lock(event.pk)
        existing = None
        if email:
            existing = (
                Registration.objects.active().not_anonymised().of_email(email).filter(event=event).first()
            )
        if existing is not None:
            existing.attended = True
            existing.save(update_fields=["attended", "updated_at"])
            if existing.status != Status.CONFIRMED:
                seat_take(event=event, registration=existing, now=now, beyond_capacity=True)
            return existing, False
        registration = Registration(
            event=event,
            full_name=full_name.strip(),
            email=email,
            organisation=organisation,
            organisation_name="" if organisation else organisation_name.strip(),
            consent_at=now,
            attended=True,
            walk_in=True,
        )
        seat_take(event=event, registration=registration, now=now, beyond_capacity=True)
    return registration, True
