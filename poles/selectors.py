"""Reads of the public pole pages: poles with their member count and next event."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from events.models import Event

from .models import Pole


def public_poles() -> QuerySet:
    """Every pole with ``member_count`` (published organisations) and its next public event, in one query.

    The next event is annotated as ``next_event_title``, ``next_event_slug`` and ``next_event_starts_at``.
    """
    next_events = (
        Event.objects.published()
        .upcoming(timezone.now())
        .filter(pole=OuterRef("pk"))
        .order_by("starts_at", "pk")
    )
    return Pole.objects.annotate(
        member_count=Count("actors", filter=Q(actors__is_published=True), distinct=True),
        next_event_title=Subquery(next_events.values("title")[:1]),
        next_event_slug=Subquery(next_events.values("slug")[:1]),
        next_event_starts_at=Subquery(next_events.values("starts_at")[:1]),
    )
