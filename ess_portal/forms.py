"""Admin form building blocks shared by the apps: a point placed on a map, an outline drawn on it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .geo import normalize_outline, validate_position
from .widgets import GeoJSONMapField


def https_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` for admin model forms: URL fields assume https (Django 6's default)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class OutlineField(GeoJSONMapField):
    """A territory outline drawn on the map, stored as a GeoJSON MultiPolygon (see ``geo.normalize_outline``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", capfirst(_("territory outline")))
        super().__init__(geom_type="MULTIPOLYGON", **kwargs)

    def clean(self, value):
        return normalize_outline(super().clean(value))


class PointField(GeoJSONMapField):
    """A point placed on the map: cleans to ``(latitude, longitude)`` or None."""

    def __init__(self, **kwargs):
        super().__init__(geom_type="POINT", **kwargs)

    def clean(self, value):
        geometry = super().clean(value)
        if geometry in (None, "", {}):
            return None
        if isinstance(geometry, dict) and geometry.get("type") == "Feature":
            geometry = geometry.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") != "Point":
            raise ValidationError(_("The position must be a single point."), code="type")
        validate_position(geometry.get("coordinates"))
        longitude, latitude = geometry["coordinates"][:2]
        return float(latitude), float(longitude)


class LocatedAdminForm(forms.ModelForm):
    """Model form mixin for a ``Located`` model (latitude/longitude floats) edited on a map.

    Put ``"position"`` and ``"use_commune_position"`` in the admin's fields or fieldsets instead of
    ``latitude``/``longitude``. The point maps to the two columns both ways; ticking "use the commune's
    position" (or leaving the map empty) clears them, and the public maps then place the object at its
    commune's point and say the position is approximate. Placing a marker unticks the box
    (``static/js/admin-map.js``). Without a point, the map opens on the commune, where the marker belongs.
    """

    position = PointField(
        label=capfirst(_("position on the map")),
        help_text=_("Leave the map empty to use the commune's position."),
    )
    use_commune_position = forms.BooleanField(
        label=capfirst(_("use the commune's position")),
        required=False,
        help_text=_(
            "Tick when no precise address is known: the map will show the commune, marked approximate."
        ),
        widget=forms.CheckboxInput(attrs={"data-clears-map": "id_position"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.latitude is not None and instance.longitude is not None:
            self.initial.setdefault(
                "position", {"type": "Point", "coordinates": [instance.longitude, instance.latitude]}
            )
            self.initial.setdefault("use_commune_position", False)
        else:
            self.initial.setdefault("use_commune_position", True)
            commune = getattr(instance, "commune", None) if getattr(instance, "commune_id", None) else None
            if commune is not None and commune.latitude is not None and commune.longitude is not None:
                self.fields["position"].widget.center = (commune.latitude, commune.longitude)

    def clean(self):
        cleaned = super().clean()
        point = None if cleaned.get("use_commune_position") else cleaned.get("position")
        if "position" in self.errors and not cleaned.get("use_commune_position"):
            return cleaned
        self.instance.latitude, self.instance.longitude = point if point else (None, None)
        return cleaned
