"""The one FilterSet of the directory.

``ActorFilter`` drives the HTML list, the map data (``/api/acteurs.geojson``) and the CSV export, so the
three always return the same organisations for the same query string.
"""

from __future__ import annotations

import copy
from math import cos, radians

import django_filters
from django import forms
from django.db.models import ExpressionWrapper, F, FloatField, QuerySet, TextChoices, Value
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core import local_caches
from core.geojson import BBoxField
from core.public_cache import per_version
from core.public_widgets import FastSelect, FastTextInput
from core.queries import canonical_query
from core.text import search_words, sort_key
from poles.models import Commune, Pole

from .models import Actor, LegalFamily, Sector, forms_of_family

DEPARTMENTS = [
    ("22", "Côtes-d’Armor"),
    ("29", "Finistère"),
    ("35", "Ille-et-Vilaine"),
    ("44", "Loire-Atlantique"),
    ("56", "Morbihan"),
]

KM_PER_DEGREE = 111.195


class SortChoices(TextChoices):
    NAME = "name", _("Name")
    DISTANCE = "distance", _("Distance from a commune")


def name_key(name: str) -> str:
    """A commune name without case, accents or separators: "Saint-Malo", "saint malo" -> "saintmalo"."""
    return "".join(search_words(name))


def _communes_by_name() -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for pk, name in Commune.objects.values_list("pk", "name"):
        index.setdefault(name_key(name), []).append(pk)
    return index


class CommuneField(forms.CharField):
    """A commune given by its INSEE code or its name (accents and case do not matter)."""

    widget = FastTextInput

    default_error_messages = {
        "unknown": _("No commune is called “%(value)s”. Type its name or its INSEE code."),
        "ambiguous": _("Several communes are called “%(value)s”: type the INSEE code instead."),
    }

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return None
        if len(value) == 5 and value[:2].isalnum() and value[2:].isdigit():
            commune = Commune.objects.filter(insee_code=value.upper()).first()
            if commune:
                return commune
        pks = per_version("communes-by-name", _communes_by_name).get(name_key(value), [])
        candidates = list(Commune.objects.filter(pk__in=pks)[:2]) if pks else []
        if len(candidates) == 1:
            return candidates[0]
        code = "ambiguous" if candidates else "unknown"
        raise forms.ValidationError(self.error_messages[code], code=code, params={"value": value})


class CommuneFilter(django_filters.Filter):
    field_class = CommuneField


class BBoxFilter(django_filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if not value:
            return qs
        west, south, east, north = value
        return qs.with_map_position().filter(
            map_longitude__gte=west, map_longitude__lte=east, map_latitude__gte=south, map_latitude__lte=north
        )


#: The form class of each FilterSet class, built once per process (``core.local_caches`` forgets them).
_form_classes: dict[type, type] = {}
local_caches.register(_form_classes.clear)


class ActorFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("sort") == SortChoices.DISTANCE
            and not cleaned.get("near")
            and "near" not in self.errors
        ):
            self.add_error("near", _("Choose the commune to measure distances from."))
        near = cleaned.get("near")
        if near is not None and not near.has_position:
            self.add_error("near", _("The position of this commune is unknown: choose a neighbouring one."))
        return cleaned


def _model_choices() -> dict[str, list[tuple[str, str]]]:
    """Options of the pole and sector selects, in French order ("Éco-construction" among the E's)."""
    return {
        name: sorted(
            ((str(obj.slug), str(obj)) for obj in ActorFilter.base_filters[name].queryset.all()),
            key=lambda choice: (sort_key(choice[1]), choice[0]),
        )
        for name in ("pole", "sector")
    }


class ActorFilter(django_filters.FilterSet):
    """Search and filters of the directory; also the sort (by name, or by distance from a commune)."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=200,
        widget=FastTextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Name, description, sector, pole, commune or postal code."),
    )
    pole = django_filters.ModelChoiceFilter(
        label=_("Pole"),
        queryset=Pole.objects.only("pk", "slug", "name", "acronym"),
        to_field_name="slug",
        empty_label=_("All poles"),
        widget=FastSelect,
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        field_name="sectors",
        queryset=Sector.objects.only("pk", "slug", "name"),
        to_field_name="slug",
        empty_label=_("All sectors"),
        widget=FastSelect,
    )
    family = django_filters.ChoiceFilter(
        label=_("Legal family"),
        choices=LegalFamily.choices,
        method="filter_family",
        empty_label=_("All families"),
        widget=FastSelect,
    )
    department = django_filters.ChoiceFilter(
        label=_("Department"),
        field_name="commune__department_code",
        choices=DEPARTMENTS,
        empty_label=_("All departments"),
        widget=FastSelect,
    )
    commune = CommuneFilter(label=_("Commune"), help_text=_("Name or INSEE code."))
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SortChoices.choices,
        method="filter_noop",
        empty_label=None,
        widget=FastSelect,
    )
    near = CommuneFilter(label=_("Distance from"), method="filter_noop", help_text=_("Name or INSEE code."))
    bbox = BBoxFilter(label=_("Bounding box"))

    #: The public data version when the view has already read it (saves a cache read per request).
    data_version: str | None = None

    class Meta:
        model = Actor
        fields = ["q", "pole", "sector", "family", "department", "commune", "sort", "near", "bbox"]
        form = ActorFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        """As django-filter's, except that each filter is copied shallowly rather than deeply.

        No filter attribute (label, queryset, choices) changes per request: only ``model``, ``parent``
        and the method binding are set, on the copy. The deep copies were a fifth of an uncached
        directory page.
        """
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: copy.copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # binds a new FilterMethod to this copy, not the original

    def get_form_class(self):
        """The form class, built once per process: django-filter builds a new class for every request."""
        form_class = _form_classes.get(type(self))
        if form_class is None:
            form_class = _form_classes[type(self)] = super().get_form_class()
        return form_class

    @property
    def form(self):
        """The filter form, its pole and sector options read once per process and data version."""
        if not hasattr(self, "_form"):
            form = super().form
            choices_by_field = per_version("directory-choices", _model_choices, version=self.data_version)
            for name, choices in choices_by_field.items():
                field = form.fields[name]
                field.widget.choices = [("", field.empty_label), *choices]
        return self._form

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value else queryset

    def filter_family(self, queryset, name, value):
        return queryset.filter(legal_form__in=forms_of_family(value)) if value else queryset

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = getattr(self.form, "cleaned_data", {})
        near = data.get("near")
        sort = data.get("sort") or (SortChoices.DISTANCE if near else SortChoices.NAME)
        if sort == SortChoices.DISTANCE and near is not None and near.has_position:
            return order_by_distance(queryset, near)
        return queryset.in_french_order()

    def meaning(self) -> str:
        """The valid filters and sort as one string, the same for every URL that lists the same
        organisations in the same order: paging, display switches and unknown parameters are left out.

        Their canonical query string (``canonical_query``, encoded): a value holding ``&`` or ``=``
        cannot pass for other filters."""
        data = self.form.cleaned_data
        values = QueryDict(mutable=True)
        for name in self._meta.fields:
            value = data.get(name)
            if value not in (None, ""):
                values[name] = str(getattr(value, "pk", value))
        return canonical_query(values)

    @property
    def active_filters(self) -> bool:
        """Whether any filter (not the sort) narrows the list: the empty state suggests widening it."""
        data = getattr(self.form, "cleaned_data", {})
        return any(
            data.get(name) for name in ("q", "pole", "sector", "family", "department", "commune", "bbox")
        )


def order_by_distance(queryset: QuerySet, origin: Commune) -> QuerySet:
    """Sort by distance from a commune, nearest first, those without a position last.

    An equirectangular approximation in plain SQL arithmetic, so it runs unchanged on SQLite and
    PostgreSQL; ``distance_km`` is computed from the annotated squared distance.
    """
    scale = cos(radians(origin.latitude))
    d_lat = F("map_latitude") - Value(origin.latitude)
    d_lon = (F("map_longitude") - Value(origin.longitude)) * Value(scale)
    return (
        queryset.with_map_position()
        .annotate(distance_sq=ExpressionWrapper(d_lat * d_lat + d_lon * d_lon, output_field=FloatField()))
        .order_by(F("distance_sq").asc(nulls_last=True), "sort_name", "pk")
    )


def distance_km(distance_sq: float | None) -> float | None:
    """Kilometres from the squared degree distance annotated by ``order_by_distance``."""
    if distance_sq is None:
        return None
    return (distance_sq**0.5) * KM_PER_DEGREE


def actor_filter(params, *, queryset: QuerySet | None = None) -> ActorFilter:
    """The directory's FilterSet bound to a query string (``request.GET``)."""
    return ActorFilter(params, queryset=queryset if queryset is not None else Actor.objects.published())
