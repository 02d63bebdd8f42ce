"""The listings' upkeep on the coordinator's dashboard: updates sent by the organisations waiting for a
decision, and listings not confirmed for ``FRESHNESS_STALE_DAYS`` (two counts over the user's poles)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.conf import settings

from actors.models import Actor, ActorChange

register = template.Library()


@dataclass
class Upkeep:
    changes_waiting: int
    stale: int
    months: int


@register.simple_tag
def listing_upkeep(user) -> Upkeep | None:
    """``{% listing_upkeep request.user as upkeep %}``; None for a user who is not staff."""
    if not getattr(user, "is_staff", False):
        return None
    return Upkeep(
        changes_waiting=ActorChange.objects.for_user(user).filter(status=ActorChange.Status.PENDING).count(),
        stale=Actor.objects.for_user(user).stale().count(),
        months=round(settings.FRESHNESS_STALE_DAYS / 30.44),
    )
