"""A pole's territory coverage: how many members each of its communes has, and where it has none yet.

Shown on the pole's admin page and, for a constituted pole, on its public page: a map of the territory's
communes shaded by number of members (``poles.choropleth``), the same numbers in a table, and the
communes and intercommunalities without a member — where the pole should go next.

A member is a *published* organisation of the pole, the organisations the public pages count
(``member_count``): so the coordinator and the visitor read the same numbers. ``poles`` does not import
``actors``: the actors app contributes the count per commune from its ``ready()``
(``contribute_member_counts``). The coverage is derived from public data only, so it is kept per data
version in each process (``core.public_cache.per_version``) and recomputed after any change.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.public_cache import per_version

from .choropleth import MAP_CLASSES, class_label, members_map, members_map_alt
from .models import Commune, Pole

#: Outlines simplified to this many pixels of the 640 px drawing: invisible on a screen, a third of the
#: print version's weight.
WEB_DETAIL = 0.75

#: Returns {commune id: number of published members of the pole} (the actors app contributes it).
_MEMBER_COUNTS: list[Callable[[Pole], dict[int, int]]] = []


def contribute_member_counts(counts: Callable[[Pole], dict[int, int]]) -> None:
    """Tell the coverage how to count a pole's published members per commune (an app's ``ready()``)."""
    if counts not in _MEMBER_COUNTS:
        _MEMBER_COUNTS.append(counts)


@dataclass(frozen=True)
class CommuneCoverage:
    name: str
    insee_code: str
    epci: str
    members: int


@dataclass(frozen=True)
class Coverage:
    """What the coverage section shows; picklable, so that it can be kept in the shared cache."""

    communes: list[CommuneCoverage] = field(default_factory=list)
    #: Names of the territory's intercommunalities none of whose communes has a member.
    epcis_without_member: list[str] = field(default_factory=list)
    #: Members of the pole located outside its territory (they are not on the map).
    members_outside: int = 0
    svg: str = ""
    alt: str = ""
    #: (class index, label) of each colour class, for the page's legend (``coverage-class-<index>``).
    legend: list[tuple[int, str]] = field(default_factory=list)

    @property
    def image(self) -> str:
        """The map as a ``data:`` address for an ``<img>`` (allowed by the Content Security Policy)."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")

    @property
    def with_members(self) -> list[CommuneCoverage]:
        return sorted((row for row in self.communes if row.members), key=lambda row: (-row.members, row.name))

    @property
    def without_member(self) -> list[CommuneCoverage]:
        return [row for row in self.communes if not row.members]

    @property
    def members_in_territory(self) -> int:
        return sum(row.members for row in self.communes)


def _member_counts(pole: Pole) -> dict[int, int]:
    counts: dict[int, int] = {}
    for contribution in _MEMBER_COUNTS:
        for commune_id, count in contribution(pole).items():
            counts[commune_id] = counts.get(commune_id, 0) + count
    return counts


def _legend() -> list[tuple[int, str]]:
    return [(index, class_label(low, high)) for index, (low, high, _colour) in enumerate(MAP_CLASSES)]


def coverage_compute(pole: Pole) -> Coverage:
    """The coverage of ``pole``'s territory now (three queries and the outlines of its communes)."""
    communes = list(
        Commune.objects.in_territory_of(pole)
        .select_related("epci")
        .only("pk", "name", "insee_code", "epci__name")
        .order_by("name", "insee_code")
    )
    counts = _member_counts(pole)
    rows = [
        CommuneCoverage(
            name=commune.name,
            insee_code=commune.insee_code,
            epci=commune.epci.name if commune.epci else "",
            members=counts.get(commune.pk, 0),
        )
        for commune in communes
    ]
    by_epci: dict[str, int] = {}
    for row in rows:
        if row.epci:
            by_epci[row.epci] = by_epci.get(row.epci, 0) + row.members
    inside = {commune.pk for commune in communes}
    codes = [row.insee_code for row in rows]
    by_code = {row.insee_code: row.members for row in rows}
    names = {row.insee_code: row.name for row in rows}
    title = _("Members per commune of %(territory)s") % {"territory": pole.territory_name or pole.name}
    return Coverage(
        communes=rows,
        epcis_without_member=sorted(name for name, total in by_epci.items() if not total),
        members_outside=sum(count for commune_id, count in counts.items() if commune_id not in inside),
        svg=members_map(title, by_code, codes, names, legend=False, detail=WEB_DETAIL) if rows else "",
        alt=members_map_alt(by_code, names) if rows else "",
        legend=_legend(),
    )


def pole_coverage(pole: Pole) -> Coverage:
    """The coverage of ``pole``'s territory, computed once per data version and language."""
    return per_version(f"pole-coverage:{pole.pk}:{get_language()}", lambda: coverage_compute(pole))
