"""Registrations: created, confirmed, cancelled, promoted from the waiting list. Seats are taken by
:mod:`events.services.seats` (the one definition), while the event row is locked."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from ..models import EmailRecord, Event, Registration, RegistrationState
from .outbox import SEAT_KINDS, Kind, Status, emails_create, emails_skip_pending
from .questions import answers_save
from .seats import event_lock, seat_take, seats_fill

logger = logging.getLogger(__name__)


class RegistrationError(ValidationError):
    """A registration request that the rules refuse; its message is shown to the visitor."""


class RegistrationExists(RegistrationError):
    """The address already holds an active registration for the event (``registration``)."""

    def __init__(self, registration: Registration):
        super().__init__(_("This email address is already registered for this event."), code="duplicate")
        self.registration = registration


# --------------------------------------------------------------------------------------------------
# Registrations


def registration_create(
    *,
    event: Event,
    full_name: str,
    email: str,
    organisation=None,
    organisation_name: str = "",
    language: str | None = None,
    answers: dict | None = None,
    members_code: str = "",
    now: datetime | None = None,
) -> Registration:
    """Register someone (pending until they confirm by email) and email them the confirmation link;
    ``answers`` (question → text) are stored with the registration.

    Raises :class:`RegistrationExists` when the address already holds an active registration for the
    event, :class:`RegistrationError` when registration is not open or a members-only event's
    membership check fails (:func:`membership_check`).
    """
    now = now or timezone.now()
    email = BaseUserManager.normalize_email(email.strip())
    state = event.registration_state(now)
    if state not in (RegistrationState.OPEN, RegistrationState.FULL):
        raise RegistrationError(
            _("Registration is not possible for this event: %(state)s.") % {"state": state.label},
            code="closed",
        )
    membership_check(event=event, organisation=organisation, members_code=members_code)
    existing = Registration.objects.active().not_anonymised().of_email(email).filter(event=event).first()
    if existing:
        raise RegistrationExists(existing)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                full_name=full_name.strip(),
                email=email,
                organisation=organisation,
                organisation_name="" if organisation else organisation_name.strip(),
                language=language or translation.get_language() or settings.LANGUAGE_CODE,
                consent_at=now,
            )
            answers_save(registration=registration, answers=answers or {})
            emails_create([registration], kind=Kind.CONFIRMATION_REQUEST)
    except IntegrityError:
        existing = Registration.objects.active().not_anonymised().of_email(email).filter(event=event).first()
        if existing is None:
            raise
        raise RegistrationExists(existing) from None
    return registration


def membership_check(*, event: Event, organisation, members_code: str = "") -> None:
    """For a members-only event: the organisation must be a member of the event's pole and, when the
    pole set a members' code for the event, the code typed must be it (see docs/decisions.md)."""
    if not event.is_members_only:
        return
    if organisation is None or organisation.pole_id != event.pole_id:
        raise RegistrationError(
            _("This event is for member organisations only: choose your organisation in the list."),
            code="members_only",
        )
    if event.members_code and not constant_time_compare(
        members_code.strip().casefold(), event.members_code.strip().casefold()
    ):
        raise RegistrationError(
            _("The members' code is not the right one: ask your pole for it."), code="members_code"
        )


def registration_resend_link(*, registration: Registration) -> EmailRecord | None:
    """Email the link of an existing registration again (someone registered twice).

    At most one such email waits in the outbox at a time, so a repeated form cannot flood a mailbox.
    """
    with transaction.atomic():
        waiting = EmailRecord.objects.filter(
            registration=registration, kind=Kind.LINK, status=EmailRecord.Status.PENDING
        ).exists()
        if waiting:
            return None
        count = EmailRecord.objects.filter(registration=registration, kind=Kind.LINK).count()
        rows = emails_create([registration], kind=Kind.LINK, key=str(count + 1))
    return rows[0] if rows else None


def _lock(registration: Registration) -> tuple[Event, Registration]:
    """Lock the event row, then the registration row, and return fresh copies of both."""
    event = event_lock(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    registration.event = event
    return event, registration


def registration_confirm(*, registration: Registration, now: datetime | None = None) -> Registration:
    """Confirm the email address: take a seat if one is free, else join the waiting list.

    Idempotent: confirming a registration that is no longer pending changes nothing. Raises
    :class:`RegistrationError` once the event is cancelled or has started.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event, registration = _lock(registration)
        if registration.status != Status.PENDING:
            return registration
        if not event.seats_can_change(now):
            raise RegistrationError(
                _("This registration can no longer be confirmed: the event is cancelled or has started."),
                code="closed",
            )
        status = seat_take(event=event, registration=registration, now=now)
        kind = Kind.CONFIRMED if status == Status.CONFIRMED else Kind.WAITLISTED
        emails_create([registration], kind=kind)
    return registration


def waiting_list_advance(event: Event, now: datetime) -> list[Registration]:
    """Give the free seats of a locked event to the oldest people waiting, and email them."""
    promoted = seats_fill(event, now)
    emails_create(promoted, kind=Kind.PROMOTED)
    return promoted


def registration_cancel(
    *, registration: Registration, notify: bool = True, now: datetime | None = None
) -> Registration:
    """Cancel a registration; a freed seat goes to the oldest person on the waiting list.

    Idempotent. Raises :class:`RegistrationError` once the event has started. ``notify=False`` sends
    no acknowledgement (erasure on request).
    """
    now = now or timezone.now()
    with transaction.atomic():
        event, registration = _lock(registration)
        if registration.status == Status.CANCELLED:
            return registration
        if event.starts_at <= now:
            raise RegistrationError(
                _("The event has started: the registration can no longer be cancelled."), code="started"
            )
        freed_seat = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        emails_skip_pending([registration], SEAT_KINDS | {Kind.LINK})
        if notify:
            emails_create([registration], kind=Kind.CANCELLED)
        if freed_seat:
            waiting_list_advance(event, now)
    return registration


def registration_promote(*, registration: Registration, now: datetime | None = None) -> Registration:
    """A coordinator gives a seat to someone on the waiting list, beyond the capacity if need be.

    Raises :class:`RegistrationError` when the registration is not on the waiting list.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event, registration = _lock(registration)
        if registration.status != Status.WAITLISTED:
            raise RegistrationError(_("Only someone on the waiting list can be promoted."), code="status")
        seat_take(event=event, registration=registration, now=now, beyond_capacity=True)
        emails_create([registration], kind=Kind.PROMOTED)
    return registration


def registrations_mark_attendance(*, registrations: QuerySet, attended: bool | None) -> int:
    """Record who came (or not) for a selection of registrations; returns the number updated."""
    return registrations.exclude(status=Status.CANCELLED).update(attended=attended, updated_at=timezone.now())
