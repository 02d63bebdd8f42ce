"""Filters of the poles' map data (``/api/poles.geojson``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from core.geo import outline_bbox
from core.geojson import BBoxField

from .models import Pole


class BBoxParameter(django_filters.Filter):
    """The ``bbox`` parameter, checked here and applied to the outlines in Python (they are JSON)."""

    field_class = BBoxField


class PoleFilter(django_filters.FilterSet):
    """One pole (by slug), a status, and the poles whose outline meets a bounding box."""

    pole = django_filters.ModelChoiceFilter(
        label=_("Pole"), queryset=Pole.objects.only("pk", "slug"), to_field_name="slug", method="filter_pole"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Pole.Status.choices)
    bbox = BBoxParameter(label=_("Bounding box"), method="filter_noop")

    class Meta:
        model = Pole
        fields = ["pole", "status", "bbox"]

    def filter_pole(self, queryset, name, value):
        return queryset.filter(pk=value.pk) if value else queryset

    def filter_noop(self, queryset, name, value):
        return queryset

    def keep(self, outline) -> bool:
        """Whether an outline meets the requested bounding box (always true without one)."""
        box = self.form.cleaned_data.get("bbox")
        if not box:
            return True
        extent = outline_bbox(outline)
        if extent is None:
            return False
        west, south, east, north = box
        o_west, o_south, o_east, o_north = extent
        return o_west <= east and o_east >= west and o_south <= north and o_north >= south
