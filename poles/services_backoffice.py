"""Back-office services of the poles app (``poles/services.py`` holds the reference and demo data loads)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.db import transaction

from .models import COORDINATOR_GROUP, Pole


def coordinators_sync_role(*, users: Iterable) -> None:
    """Give the coordinator role to exactly the users who coordinate at least one pole.

    Assigning a pole to someone (on the pole's page or on the user's "Pôles coordonnés") is meant to let
    them work on it: they become staff and join the "Coordinateurs" group, whose permissions
    ``setup_roles`` maintains. Someone who no longer coordinates any pole leaves the group (their staff
    status is left alone: they may have another role).
    """
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=COORDINATOR_GROUP)
        for user in users:
            if Pole.objects.filter(coordinators=user).exists():  # not a possibly prefetched cache
                if not user.is_staff:
                    user.is_staff = True
                    user.save(update_fields=["is_staff"])
                user.groups.add(group)
            else:
                user.groups.remove(group)
