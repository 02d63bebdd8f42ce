"""What a listing update changes, field by field (old → new), as the coordinators read it in the admin
and in the review email."""

from __future__ import annotations

from django.utils.translation import gettext as _

from poles.models import Commune

from ..models import Actor, Sector

EMPTY = "—"


def _display(name: str, value, communes: dict, sectors: dict) -> str:
    if value in (None, "", []):
        return EMPTY
    if name == "commune":
        return communes.get(value, str(value))
    if name == "sectors":
        return ", ".join(sectors.get(pk, str(pk)) for pk in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def change_lines(change) -> list[tuple[str, str, str]]:
    """(field label, old value, new value) for each field the change touches, the logo included."""
    values, previous = change.values, change.previous
    commune_ids = {v for v in (values.get("commune"), previous.get("commune")) if v}
    sector_ids = {*values.get("sectors", []), *previous.get("sectors", [])}
    communes = dict(Commune.objects.filter(pk__in=commune_ids).values_list("pk", "name"))
    sectors = dict(Sector.objects.filter(pk__in=sector_ids).values_list("pk", "name"))
    lines = []
    for name, new in values.items():
        label = str(Actor._meta.get_field(name).verbose_name)
        old = previous.get(name)
        lines.append(
            (
                label[:1].upper() + label[1:],
                _display(name, old, communes, sectors),
                _display(name, new, communes, sectors),
            )
        )
    if change.logo:
        lines.append((_("Logo or photo"), _("current image") if change.actor.logo else EMPTY, _("new image")))
    return lines
