"""Back-office services of the poles app (``poles/services.py`` holds the reference and demo data loads):
who coordinates a pole, and a pole's territory with its derived outline."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.public_cache import bump_data_version

from .contours import communes_outline
from .models import COORDINATOR_GROUP, Commune, Epci, Pole

#: How many conflicting communes a refusal names (the rest are counted).
CONFLICTS_SHOWN = 8


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


def territory_validate(*, pole: Pole, epcis: Iterable[Epci], communes: Iterable[Commune]) -> None:
    """Refuse (``ValidationError``, in French) a territory that takes a commune of another pole's territory.

    Territories do not overlap, so that a commune's proposals, suggestions and imports have one pole.
    ``pole`` may be unsaved (a pole being created).
    """
    epci_ids = [epci.pk for epci in epcis]
    commune_ids = [commune.pk for commune in communes]
    wanted = Commune.objects.filter(Q(pk__in=commune_ids) | Q(epci__in=epci_ids))
    others = Pole.objects.exclude(pk=pole.pk) if pole.pk else Pole.objects.all()
    conflicts = []
    for other in others.order_by("name"):
        names = Commune.objects.in_territory_of(other).filter(pk__in=wanted).order_by("name")
        conflicts += [f"{name} ({other.name})" for name in names.values_list("name", flat=True)]
    if not conflicts:
        return
    shown = ", ".join(conflicts[:CONFLICTS_SHOWN])
    if len(conflicts) > CONFLICTS_SHOWN:
        shown = _("%(names)s and %(count)d more") % {
            "names": shown,
            "count": len(conflicts) - CONFLICTS_SHOWN,
        }
    raise ValidationError(
        _(
            "Part of this territory already belongs to the territory of another pole: %(communes)s. A "
            "commune can belong to one pole’s territory only."
        )
        % {"communes": shown},
        code="territory_overlap",
    )


def pole_territory_set(*, pole: Pole, epcis: Iterable[Epci], communes: Iterable[Commune]) -> bool:
    """Set a pole's territory: its intercommunalities, and the communes listed besides theirs.

    This is what the regional team does on a pole's admin page (``PoleAdmin.save_related``). A territory
    that overlaps another pole's is refused with nothing changed (``territory_validate``; every pole row
    is locked first, so two concurrent changes cannot both take the same commune). When the territory
    changed, the pole's outline is derived again once this is committed (``poles_outline_refresh``).
    Returns whether the territory changed.
    """
    epcis, communes = list(epcis), list(communes)
    with transaction.atomic():
        list(Pole.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        territory_validate(pole=pole, epcis=epcis, communes=communes)
        before = (
            set(pole.epcis.values_list("pk", flat=True)),
            set(pole.communes.values_list("pk", flat=True)),
        )
        if before == ({epci.pk for epci in epcis}, {commune.pk for commune in communes}):
            return False
        pole.epcis.set(epcis)
        pole.communes.set(communes)
        transaction.on_commit(partial(poles_outline_refresh, pole_ids=[pole.pk]), robust=True)
    return True


def poles_outline_refresh(*, pole_ids: Iterable[int] | None = None) -> int:
    """Derive the outline of these poles (all by default) from their territories; return how many changed.

    The outline is the union of the outlines of the territory's communes (``poles.contours``); a pole
    without communes has none. Each pole's row is locked while its outline is computed, so the last
    territory committed is the one its outline shows. Called after commit by ``pole_territory_set``, by
    the demo data, and by ``manage.py refresh_pole_outlines`` after the contours file is updated.
    """
    poles = Pole.objects.all() if pole_ids is None else Pole.objects.filter(pk__in=list(pole_ids))
    changed = 0
    for pole_id in poles.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            pole = Pole.objects.select_for_update().only("pk", "outline").get(pk=pole_id)
            codes = Commune.objects.in_territory_of(pole).values_list("insee_code", flat=True)
            outline = communes_outline(codes)
            if outline != pole.outline:
                Pole.objects.filter(pk=pole.pk).update(outline=outline)
                changed += 1
                # update() sends no signal: the public pages and maps learn of the new outline here.
                transaction.on_commit(bump_data_version)
    return changed
