"""Several people of one member organisation registered in one go (the group form).

Each person gets their own registration, pending until they confirm it from their own email (the
double opt-in of :func:`~events.services.registrations.registration_create`, one confirmation
request each, exactly once through the outbox); their seat is taken when they confirm, by the one
definition of :mod:`events.services.seats`. A person already registered gets the link to their
registration again, as on the single form, so the answer never tells who was registered. All or
nothing: one refusal (registration closed, membership) registers nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from ..models import Event, Registration
from .registrations import RegistrationExists, registration_create, registration_resend_link

#: The most people one group form registers.
GROUP_MAX = 10


@dataclass(frozen=True)
class GroupResult:
    created: list[Registration]
    already_registered: int


def group_register(
    *,
    event: Event,
    organisation,
    people: list[tuple[str, str]],
    members_code: str = "",
    language: str | None = None,
) -> GroupResult:
    """Register each ``(full_name, email)`` of ``people`` for ``event`` on behalf of ``organisation``.

    Raises :class:`~events.services.registrations.RegistrationError` (and registers nobody) when the
    event refuses one of them."""
    created, existing = [], []
    with transaction.atomic():
        for full_name, email in people:
            try:
                created.append(
                    registration_create(
                        event=event,
                        full_name=full_name,
                        email=email,
                        organisation=organisation,
                        members_code=members_code,
                        language=language,
                    )
                )
            except RegistrationExists as exc:
                existing.append(exc.registration)
        for registration in existing:
            registration_resend_link(registration=registration)
    return GroupResult(created=created, already_registered=len(existing))
