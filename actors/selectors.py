"""Reads of the directory list, kept per data version so that an uncached page costs no query at all.

The directory is small (thousands of organisations) and changes a few times a day, while the same
searches are paged through again and again. A page of ``/acteurs/`` is assembled from three things, all
computed from the database once per data version in each process and dropped when the data changes:

* the *search*: the query string's filters once validated by the FilterSet (errors are shown by the
  filter form, itself kept per data version, language and filters: ``jinja2/actors/actor_list.html``);
* the *matches* of a search: every matching organisation id, in display order (with the distance when
  sorted by it), read with the one FilterSet (``actors.filters.ActorFilter``) that also serves the map
  data and the CSV export, so the three still agree; the page count is their number;
* the *rows*: what a line of the list shows about an organisation, and its HTML, read for the ids a
  page needs the first time they are shown (two queries: columns and sectors; the sectors' names once)
  and kept per language; a row showing a distance is kept per distance too.

The page around them (layout, counts, pagination) is rendered for every request.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.template import engines
from django.urls import reverse
from django.utils.translation import get_language, gettext
from markupsafe import Markup

from core.jinja2 import html_is_kept
from core.maps import km
from core.public_cache import LocalLRU, per_version

from .filters import ActorFilter, distance_km
from .models import Actor, LegalForm, Sector

ROW_TEMPLATE = "includes/directory_row.html"
ROW_COLUMNS = (
    "pk",
    "name",
    "slug",
    "acronym",
    "legal_form",
    "commune__name",
    "pole__name",
    "logo_thumbnail",
    "logo_alt",
)
#: Matches each process keeps (an LRU bounded by their total number of ids: 8 bytes each, 16 with
#: distances): about ten unfiltered lists of 10,000 organisations beside hundreds of narrower searches.
MATCHES_KEPT = 200_000


@dataclass(frozen=True, slots=True)
class DirectoryRow:
    """One organisation as a row of the directory shows it."""

    name: str
    acronym: str
    url: str
    legal_form: str
    commune: str
    membership: str
    distance: str
    sectors: tuple[str, ...]
    #: The thumbnail's URL ("" without a logo) and its text alternative (``includes/directory_row_logo.html``).
    logo: str = ""
    logo_alt: str = ""
    #: The row's ``<li>``, rendered once (``jinja2/includes/directory_row.html``).
    html: Markup = Markup()

    def rendered(self) -> DirectoryRow:
        return replace(self, html=Markup(engines["jinja2"].env.get_template(ROW_TEMPLATE).render(actor=self)))


class Matches(Sequence):
    """The ids of a search's organisations in display order, and their squared distances if sorted by it.

    A sequence of ``(id, distance_sq)`` pairs, compact (two arrays) and cheap to slice: Django's
    ``Paginator`` pages through it and counts it with ``len()``.
    """

    def __init__(self, ids: array, distances: array | None = None):
        self._ids = ids
        self._distances = distances

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            ids = self._ids[index]
            distances = self._distances[index] if self._distances is not None else [None] * len(ids)
            return list(zip(ids, distances, strict=True))
        return (self._ids[index], self._distances[index] if self._distances is not None else None)


NO_MATCHES = Matches(array("q"))


@dataclass(frozen=True, slots=True)
class Search:
    """A query string of the directory once validated by the FilterSet: what the list needs of it."""

    valid: bool
    #: ``ActorFilter.meaning()``: the same for every query string that lists the same organisations.
    meaning: str
    #: Whether a filter (not the sort) narrows the list: the empty state then suggests widening it.
    active: bool
    q: str


# Keyed on (data version, …): a change to the data is never served stale.
_searches = LocalLRU(1024)
_matches = LocalLRU(MATCHES_KEPT, weight=lambda matches: len(matches) + 1)


def directory_search(typed: str, filterset: Callable[[], ActorFilter], *, version: str) -> Search:
    """The validated search for the filters as typed (``typed``: their canonical query string).

    ``filterset`` builds the bound FilterSet; it is only called the first time these filters are seen
    for this data version (the validity of a pole, sector or commune depends on the data).
    """
    found = _searches.get((version, typed))
    if found is None:
        bound = filterset()
        valid = bound.is_valid()
        found = Search(
            valid=valid,
            meaning=bound.meaning() if valid else "",
            active=valid and bound.active_filters,
            q=(bound.form.cleaned_data.get("q") or "") if valid else "",
        )
        _searches.put((version, typed), found)
    return found


def directory_matches(search: Search, filterset: Callable[[], ActorFilter], *, version: str) -> Matches:
    """Every organisation matching a valid search, in its order; read once per data version and search."""
    found = _matches.get((version, search.meaning))
    if found is None:
        queryset = filterset().qs
        if "distance_sq" in queryset.query.annotations:
            pairs = list(queryset.values_list("pk", "distance_sq"))
            found = Matches(
                array("q", (pk for pk, _ in pairs)),
                array("d", (float("nan") if d is None else d for _, d in pairs)),
            )
        else:
            # Only the ids: PostgreSQL reads them from the (is_published, name, id) index.
            found = Matches(array("q", queryset.values_list("pk", flat=True)))
        _matches.put((version, search.meaning), found)
    return found


#: Rows each process keeps, per data version, language and organisation (about 1.2 KB each): every row of
#: 10,000 organisations in both languages.
ROWS_KEPT = 20_000
_rows = LocalLRU(ROWS_KEPT)


def _sector_table() -> dict[int, tuple[int, str]]:
    return {pk: (rank, name) for rank, (pk, name) in enumerate(Sector.objects.values_list("pk", "name"))}


def _sectors_of(actor_ids: list[int], version: str) -> dict[int, tuple[str, ...]]:
    table = per_version("sector-table", _sector_table, version=version)
    links: dict[int, list[tuple[int, str]]] = {}
    for actor_id, sector_id in Actor.sectors.through.objects.filter(actor_id__in=actor_ids).values_list(
        "actor_id", "sector_id"
    ):
        if sector_id in table:
            links.setdefault(actor_id, []).append(table[sector_id])
    return {actor_id: tuple(name for _rank, name in sorted(found)) for actor_id, found in links.items()}


def _read_rows(ids: list[int], version: str) -> dict[int, DirectoryRow]:
    """Rows of some organisations, without distance, in two queries: columns and sector links (the
    sectors' names are read once per data version)."""
    sectors = _sectors_of(ids, version)
    prefix, _placeholder, suffix = reverse("actors:detail", kwargs={"slug": "slug"}).rpartition("slug")
    legal_forms = {value: str(label) for value, label in LegalForm.choices}
    member_of = gettext("member of %(pole)s")
    rows = {}
    storage = Actor._meta.get_field("logo_thumbnail").storage
    for pk, name, slug, acronym, legal_form, commune, pole, logo, logo_alt in Actor.objects.filter(
        pk__in=ids
    ).values_list(*ROW_COLUMNS):
        rows[pk] = DirectoryRow(
            name=name,
            acronym=acronym if acronym != name else "",
            url=f"{prefix}{slug}{suffix}",
            legal_form=legal_forms.get(legal_form, legal_form),
            commune=commune,
            membership=member_of % {"pole": pole} if pole else "",
            distance="",
            sectors=sectors.get(pk, ()),
            logo=storage.url(logo) if logo else "",
            logo_alt=logo_alt or name,
        ).rendered()
    return rows


def directory_rows(page: list[tuple[int, float | None]], *, version: str) -> list[DirectoryRow]:
    """The rows of one page of matches, read from the database only for organisations not seen yet."""
    if not page:
        return []
    language = get_language() or ""
    rows = {pk: row for pk, _distance_sq in page if (row := _rows.get((version, language, pk))) is not None}
    missing = [pk for pk, _distance_sq in page if pk not in rows]
    if missing:
        read = _read_rows(missing, version)
        if html_is_kept():
            for pk, row in read.items():
                _rows.put((version, language, pk), row)
        rows.update(read)
    away = gettext("%(distance)s away")
    result = []
    for pk, distance_sq in page:
        row = rows.get(pk)
        if row is None:  # deleted between the two reads: the next data version drops it from the matches
            continue
        if distance_sq is not None and distance_sq == distance_sq:  # NaN: no position, no distance
            distance = away % {"distance": km(distance_km(distance_sq))}
            key = (version, language, pk, distance)
            if (with_distance := _rows.get(key)) is None:
                with_distance = replace(row, distance=distance).rendered()
                if html_is_kept():
                    _rows.put(key, with_distance)
            row = with_distance
        result.append(row)
    return result


#: Published organisations listed per page of a pole's page.
POLE_MEMBERS_SHOWN = 30


def pole_member_count() -> dict:
    """``public_poles()``'s annotation: the number of published organisations of each pole."""
    return {"member_count": Count("actors", filter=Q(actors__is_published=True), distinct=True)}


def pole_member_counts_by_commune(pole) -> dict[int, int]:
    """The territory coverage's counts (``poles.coverage``): published members of ``pole`` per commune."""
    rows = Actor.objects.published().in_pole(pole).order_by().values("commune_id").annotate(n=Count("pk"))
    return {row["commune_id"]: row["n"] for row in rows if row["commune_id"] is not None}


def pole_members(pole) -> dict:
    """A pole page's section: its published organisations in French order, paged (``?page=``): the
    template asks the paginator for the page it shows, so every member is reachable."""
    members = Actor.objects.published().in_pole(pole).select_related("commune").in_french_order()
    return {
        "members_paginator": Paginator(
            members.only("pk", "name", "slug", "commune__name"), POLE_MEMBERS_SHOWN
        )
    }
