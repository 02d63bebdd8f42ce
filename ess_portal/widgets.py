"""The admin's map widget, without GeoDjango.

django-leaflet's ``LeafletWidget`` subclasses GeoDjango's ``BaseGeometryWidget`` and imports the GDAL
bindings, which the target machines lack (django-leaflet #299, #336). :class:`MapWidget` keeps what is
useful in it and nothing that needs GDAL: the map options are built by django-leaflet's own
``leaflet_map`` tag function (so ``LEAFLET_CONFIG`` applies), the drawing is done by its own
``leaflet.forms.js`` (``L.GeometryField`` / ``L.FieldStore``) and Leaflet.draw, and the value travels
as GeoJSON text in a textarea. ``static/js/admin-map.js`` starts the maps; the template has no inline
script, so a strict Content-Security-Policy holds.
"""

from __future__ import annotations

import json

from django import forms
from django.templatetags.static import static
from leaflet import PLUGIN_FORMS, PLUGINS
from leaflet.templatetags.leaflet_tags import leaflet_map

EMPTY_GEOMETRIES = (None, "", "null", {}, [])


class MapWidget(forms.Textarea):
    """Draw one GeoJSON geometry on a Leaflet map: ``"POINT"`` (an actor, an event venue) or
    ``"MULTIPOLYGON"`` (a pole's outline).

    The value is GeoJSON text; an empty value renders as ``""`` (never ``"null"``, which
    ``leaflet.forms.js`` would try to parse as a geometry). The raw GeoJSON stays editable in a
    disclosure under the map, for keyboard users and for pasting a geometry from elsewhere.
    """

    template_name = "ess_portal/widgets/map.html"

    #: Zoom used when the map is centred on a known place (``center``) rather than on the region.
    PLACE_ZOOM = 13

    def __init__(self, geom_type: str = "POINT", attrs=None):
        super().__init__(attrs={"rows": 4, "cols": 60, **(attrs or {})})
        self.geom_type = geom_type.upper()
        self.center: tuple[float, float] | None = None  # (latitude, longitude) to show when empty

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
