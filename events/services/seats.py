"""How a seat is taken: the one definition used by every path that gives or frees a seat.

A seat is taken while the event row is locked (:func:`event_lock`; ``select_for_update``, SQLite
serialises writers with ``transaction_mode=IMMEDIATE``), so concurrent takers never exceed the capacity:

- :func:`seat_take` confirms a registration if a seat is free, else puts it on the waiting list
  (confirming an email address, a group member confirming theirs); ``beyond_capacity=True`` confirms
  whatever the count (a coordinator promoting someone, a walk-in who is in the room);
- :func:`seats_fill` gives the free seats to the oldest people on the waiting list, one
  :func:`seat_take` each (a cancellation, a larger capacity, an event published late).

The callers write the emails that announce the outcome; nothing here sends mail.
"""

from __future__ import annotations

from datetime import datetime

from ..models import Event, Registration

Status = Registration.Status


def event_lock(event_id: int) -> Event:
    """Lock an event's row (inside the caller's transaction) and return a fresh copy."""
    return Event.objects.select_for_update().get(pk=event_id)


def seat_take(
    *, event: Event, registration: Registration, now: datetime, beyond_capacity: bool = False
) -> str:
    """Confirm ``registration`` if a seat of the locked ``event`` is free (or ``beyond_capacity``),
    else put it on the waiting list; saves it (creating it if new) and returns its new status."""
    free = None if beyond_capacity else event.seats_left(confirmed=event.registrations.confirmed().count())
    if free is None or free > 0:
        registration.status = Status.CONFIRMED
        registration.confirmed_at = now
    elif registration.status != Status.WAITLISTED:
        registration.status = Status.WAITLISTED
        registration.waitlisted_at = now
    if registration.pk is None:
        registration.save()
    else:
        registration.save(update_fields=["status", "confirmed_at", "waitlisted_at", "updated_at"])
    return registration.status


def seats_fill(event: Event, now: datetime) -> list[Registration]:
    """Give the free seats of a locked event to the oldest people waiting; returns those promoted."""
    if not event.seats_can_change(now):
        return []
    promoted = []
    for registration in event.registrations.waitlisted().select_for_update():
        if seat_take(event=event, registration=registration, now=now) != Status.CONFIRMED:
            break
        promoted.append(registration)
    return promoted
