"""The admin's map widget, without GeoDjango.

django-leaflet's ``LeafletWidget`` subclasses GeoDjango's ``BaseGeometryWidget`` and imports the GDAL
bindings, which the target machines lack (django-leaflet #299, #336). :class:`MapWidget` keeps what is
useful in it and nothing that needs GDAL: the map options are built by django-leaflet's own
``leaflet_map`` tag function (so ``LEAFLET_CONFIG`` applies), the drawing is done by its own
``leaflet.forms.js`` (``L.GeometryField`` / ``L.FieldStore``) and Leaflet.draw, and the value travels
as GeoJSON text in a textarea. ``static/js/admin-map.js`` starts the maps; the template has no inline
script, so a strict Content-Security-Policy holds.

A point (:class:`PointMapWidget`) is also two labelled number inputs, latitude and longitude, so that a
keyboard or screen-reader user places it without the mouse; the script keeps them and the marker in step,
and the GeoJSON textarea is hidden from people (it still travels with the form, for the map script).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.templatetags.static import static
from leaflet import PLUGIN_FORMS, PLUGINS
from leaflet.templatetags.leaflet_tags import leaflet_map

from .geo import LAT_RANGE, LON_RANGE

EMPTY_GEOMETRIES = (None, "", "null", {}, [])


class MapWidget(forms.Textarea):
    """Draw one GeoJSON geometry on a Leaflet map: ``"POINT"`` (an actor, an event venue), or show one.

    The value is GeoJSON text; an empty value renders as ``""`` (never ``"null"``, which
    ``leaflet.forms.js`` would try to parse as a geometry). The raw GeoJSON stays editable in a
    disclosure under the map, for keyboard users and for pasting a geometry from elsewhere.

    With ``readonly`` the map only shows the geometry (a pole's outline, derived from its communes): no
    drawing tools, and the GeoJSON sits in a nameless hidden textarea, so nothing is ever posted.
    """

    template_name = "core/widgets/map.html"

    #: Zoom used when the map is centred on a known place (``center``) rather than on the region.
    PLACE_ZOOM = 13

    def __init__(self, geom_type: str = "POINT", attrs=None, *, readonly: bool = False):
        super().__init__(attrs={"rows": 4, "cols": 60, **(attrs or {})})
        self.geom_type = geom_type.upper()
        self.readonly = readonly
        self.center: tuple[float, float] | None = None  # (latitude, longitude) to show when empty
        #: The form's commune (the id of its select) and that commune's (latitude, longitude): a point
        #: widget follows the chosen commune while the form uses the commune's position.
        self.commune_field_id: str | None = None
        self.commune_position: tuple[float, float] | None = None

    @property
    def media(self):
        forms_plugin = PLUGINS[PLUGIN_FORMS]
        return forms.Media(
            js=[
                static("leaflet/leaflet.js"),
                static("leaflet/leaflet.extras.js"),
                *forms_plugin["js"],
                static("js/admin-map.js"),
            ],
            css={
                "all": [
                    static("leaflet/leaflet.css"),
                    static("leaflet/leaflet.extras.css"),
                    *forms_plugin["css"],
                    static("css/admin-map.css"),
                ]
            },
        )

    def format_value(self, value):
        if value in EMPTY_GEOMETRIES:
            return ""
        if isinstance(value, dict | list):
            return json.dumps(value)
        return str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        map_id = f"{field_id}-map".replace("_", "-")
        djoptions = json.loads(leaflet_map(map_id)["djoptions"])
        if self.center is not None:
            djoptions.update(center=list(self.center), zoom=self.PLACE_ZOOM)
        context.update(
            geom_type=self.geom_type,
            field_id=field_id,
            map_id=map_id,
            options_id=f"{map_id}-options",
            djoptions=djoptions,
            with_forms=True,
            readonly=self.readonly,
            commune_field_id=self.commune_field_id,
            commune_position=[format_degrees(v) for v in self.commune_position]
            if self.commune_position
            else None,
        )
        return context


class Coordinates(NamedTuple):
    """What a person typed in a point widget's latitude and longitude inputs (raw text, not yet checked)."""

    latitude: str
    longitude: str


def format_degrees(value: float) -> str:
    """Decimal degrees as typed in a number input: at most six decimals (about 10 cm), no trailing zeros."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


class PointMapWidget(MapWidget):
    """A point placed on the map *or* typed as latitude and longitude in decimal degrees (WGS84).

    The two number inputs are named ``<name>_latitude`` and ``<name>_longitude``; when the form sends them
    they are what counts (the map script keeps them in step with the marker both ways), otherwise the
    GeoJSON textarea does (a form posted by a script or a test). The field's label points at the latitude
    input, so it is never the label of a hidden control.
    """

    def __init__(self, attrs=None):
        super().__init__(geom_type="POINT", attrs=attrs)

    @staticmethod
    def subname(name: str, part: str) -> str:
        return f"{name}_{part}"

    def id_for_label(self, id_):
        return f"{id_}_latitude" if id_ else id_

    def value_from_datadict(self, data, files, name):
        latitude, longitude = self.subname(name, "latitude"), self.subname(name, "longitude")
        if latitude in data or longitude in data:
            return Coordinates(data.get(latitude, ""), data.get(longitude, ""))
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return all(
            key not in data for key in (name, self.subname(name, "latitude"), self.subname(name, "longitude"))
        )

    def format_value(self, value):
        if isinstance(value, Coordinates):
            # The form came back (an error somewhere): show the typed point on the map if it is one.
            try:
                latitude, longitude = (float(text.replace(",", ".")) for text in value)
            except ValueError:
                return ""
            if LAT_RANGE[0] <= latitude <= LAT_RANGE[1] and LON_RANGE[0] <= longitude <= LON_RANGE[1]:
                return json.dumps({"type": "Point", "coordinates": [longitude, latitude]})
            return ""
        return super().format_value(value)

    @staticmethod
    def typed_coordinates(value) -> Coordinates:
        """The latitude and longitude to show in the inputs for a value (typed text, GeoJSON text or dict)."""
        if isinstance(value, Coordinates):
            return value
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else None
            except ValueError:
                value = None
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        coordinates = value.get("coordinates") if isinstance(value, dict) else None
        if isinstance(coordinates, list) and len(coordinates) >= 2:
            try:
                return Coordinates(
                    format_degrees(float(coordinates[1])), format_degrees(float(coordinates[0]))
                )
            except (TypeError, ValueError):
                pass
        return Coordinates("", "")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        field_id = context["field_id"]
        hint_id = f"{field_id}_coordinates_hint"
        # Django describes the field by its help text and errors: those belong to the inputs people use, not
        # to the hidden textarea. The admin gives the help text the id of the labelled control (latitude).
        described_by = [hint_id]
        for ref in (widget_attrs.pop("aria-describedby", "") or "").split():
            described_by.append(f"{field_id}_latitude_helptext" if ref == f"{field_id}_helptext" else ref)
        invalid = widget_attrs.pop("aria-invalid", None)
        widget_attrs.pop("required", None)
        typed = self.typed_coordinates(value)
        context.update(
            hint_id=hint_id,
            coordinate_inputs=[
                {
                    "name": self.subname(name, "latitude"),
                    "id": f"{field_id}_latitude",
                    "value": typed.latitude,
                    "min": int(LAT_RANGE[0]),
                    "max": int(LAT_RANGE[1]),
                    "part": "latitude",
                },
                {
                    "name": self.subname(name, "longitude"),
                    "id": f"{field_id}_longitude",
                    "value": typed.longitude,
                    "min": int(LON_RANGE[0]),
                    "max": int(LON_RANGE[1]),
                    "part": "longitude",
                },
            ],
            described_by=" ".join(described_by),
            invalid=invalid,
        )
        return context


class GeoJSONMapField(forms.JSONField):
    """A JSONField whose empty value is ``""`` in the form (not ``"null"``) and whose widget is a map."""

    def __init__(self, *, geom_type: str = "MULTIPOLYGON", **kwargs):
        kwargs.setdefault("widget", MapWidget(geom_type=geom_type))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if value in EMPTY_GEOMETRIES:
            return ""
        return super().prepare_value(value)

    def to_python(self, value):
        if isinstance(value, str) and value.strip() in ("", "null"):
            return None
        return super().to_python(value)


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each with its own ``<label>`` (Django's template prints "Date:"
    and "Time:" as bare text, so screen readers announce two unnamed fields). The field's label points
    at the date input."""

    template_name = "core/widgets/split_datetime.html"

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_
