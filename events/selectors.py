"""Reads of the events that other pages show: a pole's next event, its workshops and its events; a
person's place on a waiting list."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext

from .models import Event

#: Upcoming public events listed on a pole's page.
POLE_EVENTS_SHOWN = 10


def pole_next_event() -> dict:
    """``public_poles()``'s annotations: the title, slug and start of each pole's next public event."""
    next_events = (
        Event.objects.published()
        .upcoming(timezone.now())
        .filter(pole=OuterRef("pk"))
        .order_by("starts_at", "pk")
    )
    return {
        "next_event_title": Subquery(next_events.values("title")[:1]),
        "next_event_slug": Subquery(next_events.values("slug")[:1]),
        "next_event_starts_at": Subquery(next_events.values("starts_at")[:1]),
    }


def pole_events(pole) -> dict:
    """A pole page's sections: its active workshops and its next public events."""
    return {
        "workshops": pole.workshops.filter(is_active=True).order_by("title"),
        "events": Event.objects.published()
        .upcoming()
        .filter(pole=pole)
        .select_related("commune")[:POLE_EVENTS_SHOWN],
    }


def waiting_list_position(registration) -> int | None:
    """1 for the first person on the waiting list (the next seat is theirs), None when not waiting."""
    if registration.status != registration.Status.WAITLISTED or registration.waitlisted_at is None:
        return None
    ahead = registration.event.registrations.waitlisted().filter(
        Q(waitlisted_at__lt=registration.waitlisted_at)
        | Q(waitlisted_at=registration.waitlisted_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def ordinal(number: int, language: str | None = None) -> str:
    """``number`` as an ordinal in the active language: 1ʳᵉ, 2ᵉ… (French, for « place »), 1st, 2nd…"""
    language = (language or translation.get_language() or "fr").lower()
    if language.startswith("fr"):
        return f"{number}ʳᵉ" if number == 1 else f"{number}ᵉ"
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def waiting_list_text(registration) -> str:
    """« Vous êtes 3ᵉ sur la liste d'attente. », or "" when the person is not waiting."""
    position = waiting_list_position(registration)
    if position is None:
        return ""
    return gettext("You are %(position)s on the waiting list.") % {"position": ordinal(position)}
