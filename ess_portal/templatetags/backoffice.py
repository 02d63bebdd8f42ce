"""The coordinator dashboard on the admin index: a few counts over the user's poles, in constant queries."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from actors.models import Actor, ErrorReport
from events.models import Event, Registration
from poles.models import Pole

register = template.Library()

UPCOMING_EVENTS_SHOWN = 8


@dataclass
class Dashboard:
    poles: list
    proposals_waiting: int
    error_reports_open: int
    upcoming_events: list
    registrations_pending: int


def dashboard_for(user) -> Dashboard:
    """Member counts per pole, proposals waiting, open error reports, the next events with seats taken, pending registrations."""
    now = timezone.now()
    poles = list(
        Pole.objects.for_user(user)
        .annotate(
            member_count=Count("actors", distinct=True),
            published_count=Count("actors", filter=Q(actors__is_published=True), distinct=True),
        )
        .order_by("name")
    )
    proposals = Actor.objects.for_user(user).filter(review_status=Actor.Review.PENDING).count()
    error_reports = ErrorReport.objects.for_user(user).open().count()
    events = list(
        Event.objects.for_user(user)
        .upcoming(now)
        .select_related("pole")
        .annotate(
            seats_taken=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
            pending_count=Count("registrations", filter=Q(registrations__status=Registration.Status.PENDING)),
        )[:UPCOMING_EVENTS_SHOWN]
    )
    pending = (
        Registration.objects.for_user(user)
        .filter(status=Registration.Status.PENDING, event__ends_at__gte=now)
        .count()
    )
    return Dashboard(
        poles=poles,
        proposals_waiting=proposals,
        error_reports_open=error_reports,
        upcoming_events=events,
        registrations_pending=pending,
    )


@register.simple_tag
def backoffice_dashboard(user) -> Dashboard | None:
    """``{% backoffice_dashboard request.user as dashboard %}``; None for a user without any pole in scope."""
    if not getattr(user, "is_staff", False):
        return None
    return dashboard_for(user)
