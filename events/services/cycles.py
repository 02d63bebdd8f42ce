"""Workshop cycles: register once for several sessions of a co-production workshop, confirm them with
one link, and get one email for the cycle.

Decision (docs/decisions.md, "Workshop cycles"): a cycle registration is **one registration per
session** (``Registration``), tied together by a :class:`~events.models.CycleBooking`. Seats, the
waiting list, reminders, cancellation and attendance therefore stay per session and follow the one set
of rules of :mod:`events.services.registrations`, whose functions are called here for each session.
What the cycle changes is the mail: the per-session confirmation request and confirmation written by
those functions are skipped in the same transaction, and one email for the whole cycle is written
instead, on the registration of the first session (outbox key ``cycle-<booking id>``: the unique
(registration, kind, key) constraint makes it exactly once). Reminders, promotions from a waiting list
and cancellations stay per session: they concern one date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import CycleBooking, Event, Registration, RegistrationState, Workshop
from . import registrations
from .outbox import Kind, Status, emails_create, emails_skip_pending


@dataclass(frozen=True)
class SessionState:
    """A session of a cycle as its workshop's page shows it."""

    event: Event
    state: RegistrationState
    seats_left: int | None

    @property
    def can_register(self) -> bool:
        return self.state in (RegistrationState.OPEN, RegistrationState.FULL)


def cycle_sessions(workshop: Workshop, *, now: datetime | None = None) -> list[SessionState]:
    """Every published session of the workshop, in date order, with its state (one query)."""
    now = now or timezone.now()
    sessions = (
        workshop.events.published().select_related("pole", "commune").with_seat_counts().order_by("starts_at")
    )
    return [SessionState(event, event.registration_state(now), event.seats_left()) for event in sessions]


def cycle_register(
    *,
    workshop: Workshop,
    events: list[Event],
    full_name: str,
    email: str,
    organisation=None,
    organisation_name: str = "",
    language: str | None = None,
    now: datetime | None = None,
) -> CycleBooking | None:
    """Register someone for the chosen sessions of a workshop and email them one confirmation link.

    All or nothing: a session that refuses the registration (closed meanwhile, members only) raises
    :class:`~events.services.registrations.RegistrationError` and nothing is recorded. Sessions the
    address is already registered for are left as they are; when it is registered for all of them, the
    link to one of those registrations is emailed again and None is returned (the answer to the visitor
    is the same either way).
    """
    if not events:
        raise registrations.RegistrationError(_("Choose at least one session."), code="no_session")
    if any(event.workshop_id != workshop.pk for event in events):
        raise registrations.RegistrationError(_("This session is not part of the workshop."), code="session")
    now = now or timezone.now()
    created: list[Registration] = []
    existing: list[Registration] = []
    with transaction.atomic():
        booking = CycleBooking.objects.create(workshop=workshop)
        for event in sorted(events, key=lambda event: event.starts_at):
            try:
                created.append(
                    registrations.registration_create(
                        event=event,
                        full_name=full_name,
                        email=email,
                        organisation=organisation,
                        organisation_name=organisation_name,
                        language=language,
                        now=now,
                    )
                )
            except registrations.RegistrationExists as exc:
                existing.append(exc.registration)
        if not created:
            transaction.set_rollback(True)
        else:
            Registration.objects.filter(pk__in=[r.pk for r in created]).update(cycle=booking)
            # One confirmation request for the cycle instead of one per session.
            emails_skip_pending(created, {Kind.CONFIRMATION_REQUEST})
            emails_create(created[:1], kind=Kind.CONFIRMATION_REQUEST, key=booking.email_key)
    if not created:
        registrations.registration_resend_link(registration=existing[0])
        return None
    return booking


@dataclass(frozen=True)
class CycleConfirmation:
    confirmed: list[Registration]
    waitlisted: list[Registration]
    refused: list[Registration]


def cycle_confirm(*, booking: CycleBooking, now: datetime | None = None) -> CycleConfirmation:
    """Confirm every pending session of a cycle: each takes a seat or joins its waiting list, under its
    own event's lock. One email sums the cycle up (once, however often this runs). A session that can no
    longer be confirmed (cancelled or started) is left pending and reported in ``refused``."""
    now = now or timezone.now()
    confirmed, waitlisted, refused = [], [], []
    with transaction.atomic():
        for registration in booking.registrations_in_order().filter(status=Status.PENDING):
            try:
                registration = registrations.registration_confirm(registration=registration, now=now)
            except registrations.RegistrationError:
                refused.append(registration)
                continue
            (confirmed if registration.status == Status.CONFIRMED else waitlisted).append(registration)
        done = confirmed + waitlisted
        if done:
            emails_skip_pending(
                Registration.objects.filter(pk__in=[r.pk for r in done]), {Kind.CONFIRMED, Kind.WAITLISTED}
            )
            anchor = min(done, key=lambda r: (r.event.starts_at, r.pk))
            emails_create([anchor], kind=Kind.CONFIRMED, key=booking.email_key)
    return CycleConfirmation(confirmed=confirmed, waitlisted=waitlisted, refused=refused)


def cycle_cancel(*, booking: CycleBooking, now: datetime | None = None) -> list[Registration]:
    """Cancel every session of the cycle that has not started: each frees its seat (offered to its
    waiting list); one email acknowledges the cancellation of the cycle. Returns the registrations
    cancelled."""
    now = now or timezone.now()
    cancelled = []
    with transaction.atomic():
        for registration in booking.registrations_in_order().exclude(status=Status.CANCELLED):
            if registration.event.starts_at <= now:
                continue
            cancelled.append(
                registrations.registration_cancel(registration=registration, notify=False, now=now)
            )
        if cancelled:
            emails_create(cancelled[:1], kind=Kind.CANCELLED, key=booking.email_key)
    return cancelled
