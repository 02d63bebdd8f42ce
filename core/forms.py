"""Admin form building blocks shared by the apps: a point placed on a map or typed, https URL fields."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime, AdminURLFieldWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .geo import LAT_RANGE, LON_RANGE, validate_position
from .widgets import Coordinates, GeoJSONMapField, LabelledSplitDateTime, PointMapWidget

#: The scheme a URL typed without one ("www.example.org") gets, in every form of the portal (Django 6's
#: default, opted in now). The one definition of the rule: the helpers below and ``HttpsURLField`` use it.
URL_SCHEME = "https"

#: ``ModelAdmin.formfield_overrides`` entry: URL fields of admin forms assume :data:`URL_SCHEME`.
HTTPS_URL_FIELDS = {models.URLField: {"widget": AdminURLFieldWidget, "assume_scheme": URL_SCHEME}}


class HttpsURLField(forms.URLField):
    """A URL form field that assumes :data:`URL_SCHEME` when none is typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", URL_SCHEME)
        super().__init__(**kwargs)


def https_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` for model forms: URL fields assume :data:`URL_SCHEME`."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", URL_SCHEME)
    return db_field.formfield(**kwargs)


class PointField(GeoJSONMapField):
    """A point placed on the map or typed as latitude and longitude: cleans to ``(latitude, longitude)`` or None.

    The typed coordinates (:class:`~core.widgets.Coordinates`) are decimal degrees in WGS84; a decimal
    comma is accepted. Both empty means no point; only one of the two, text that is not a number or a value
    out of range is refused with a message that says which coordinate is wrong and how to write it.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PointMapWidget())
        super().__init__(geom_type="POINT", **kwargs)

    def bound_data(self, data, initial):
        if isinstance(data, Coordinates):
            return data
        return super().bound_data(data, initial)

    def prepare_value(self, value):
        if isinstance(value, Coordinates):
            return value
        return super().prepare_value(value)

    def to_python(self, value):
        if isinstance(value, Coordinates):
            return self._point_from_coordinates(value)
        return super().to_python(value)

    @staticmethod
    def _degrees(text: str, *, name: str, example: str, bounds: tuple[float, float]) -> float:
        try:
            value = float(text.replace(",", ".").replace("\u2212", "-"))
        except ValueError:
            raise ValidationError(
                _("The %(name)s must be a number in decimal degrees, for example %(example)s."),
                code="invalid_coordinate",
                params={"name": name, "example": example},
            ) from None
        if not (bounds[0] <= value <= bounds[1]):
            raise ValidationError(
                _("The %(name)s must be between %(low)s and %(high)s degrees (you typed %(value)s)."),
                code="coordinate_range",
                params={"name": name, "low": int(bounds[0]), "high": int(bounds[1]), "value": text},
            )
        return value

    def _point_from_coordinates(self, typed: Coordinates) -> dict | None:
        latitude, longitude = typed.latitude.strip(), typed.longitude.strip()
        if not latitude and not longitude:
            return None
        if not latitude or not longitude:
            raise ValidationError(
                _(
                    "Give both the latitude and the longitude, or leave both empty to use the commune's "
                    "position."
                ),
                code="incomplete_point",
            )
        errors = []
        values = {}
        for key, text, example, bounds in (
            ("latitude", latitude, "47.65", LAT_RANGE),
            ("longitude", longitude, "-2.08", LON_RANGE),
        ):
            name = _("latitude") if key == "latitude" else _("longitude")
            try:
                values[key] = self._degrees(text, name=name, example=example, bounds=bounds)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return {"type": "Point", "coordinates": [values["longitude"], values["latitude"]]}

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
    ``latitude``/``longitude``. The point (a marker on the map, or the latitude and longitude typed in its
    two inputs) maps to the two columns both ways; ticking "use the commune's position" (or leaving the
    point empty) clears them, and the public maps then place the object at its commune's point and say the
    position is approximate; the typed values are then ignored, mistakes included. Placing a marker or
    typing a coordinate unticks the box (``static/js/admin-map.js``). While the box is ticked, the marker
    stands on the commune chosen in the form (the autocomplete gives each commune's position) and follows a
    change of commune; a point the coordinator placed never moves with the commune, and ticking the box
    puts it back on the commune. The admin's date-and-time inputs get a label each
    (:class:`~core.widgets.LabelledSplitDateTime`).
    """

    position = PointField(label=capfirst(_("position on the map")))
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
        for field in self.fields.values():
            if type(field.widget) is AdminSplitDateTime:
                field.widget = LabelledSplitDateTime(attrs=field.widget.attrs)
        instance = self.instance
        widget = self.fields["position"].widget
        if "commune" in self.fields:
            widget.commune_field_id = self.auto_id % "commune" if self.auto_id else None
        commune = getattr(instance, "commune", None) if getattr(instance, "commune_id", None) else None
        if commune is not None and commune.latitude is not None and commune.longitude is not None:
            widget.commune_position = (commune.latitude, commune.longitude)
        if instance.latitude is not None and instance.longitude is not None:
            self.initial.setdefault(
                "position", {"type": "Point", "coordinates": [instance.longitude, instance.latitude]}
            )
            self.initial.setdefault("use_commune_position", False)
        else:
            self.initial.setdefault("use_commune_position", True)
            widget.center = widget.commune_position

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("use_commune_position"):
            self.errors.pop("position", None)  # the typed point is not used: its mistakes do not matter
        point = None if cleaned.get("use_commune_position") else cleaned.get("position")
        if "position" in self.errors:
            return cleaned
        self.instance.latitude, self.instance.longitude = point if point else (None, None)
        return cleaned
