"""Reads of the events that other pages show: a pole's next event, its workshops and its events."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils import timezone

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
