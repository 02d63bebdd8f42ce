"""The regional team's warning on the admin index: poles left without an active coordinator."""

from django import template
from django.db.models import Count, Q

from poles.models import Pole, is_regional

register = template.Library()


@register.simple_tag
def poles_without_coordinator(user) -> list[Pole]:
    """Poles none of whose coordinators can log in (none, or all deactivated); [] for a coordinator."""
    if not is_regional(user):
        return []
    return list(
        Pole.objects.annotate(active=Count("coordinators", filter=Q(coordinators__is_active=True)))
        .filter(active=0)
        .order_by("name")
    )
