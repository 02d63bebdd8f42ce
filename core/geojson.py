"""GeoJSON (RFC 7946): its media type, compact encoding, and the bounding box of a map query."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

GEOJSON_CONTENT_TYPE = "application/geo+json"


def dumps(data) -> bytes:
    """Compact UTF-8 JSON, as the map data is sent."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class BBoxField(forms.CharField):
    """``west,south,east,north`` in WGS84 decimal degrees (RFC 7946 order)."""

    default_error_messages = {
        "invalid": _("The bounding box must be four numbers: west,south,east,north."),
        "range": _("The bounding box is outside WGS84 longitude/latitude ranges."),
        "order": _("In the bounding box, west must not exceed east, nor south exceed north."),
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parts = value.split(",")
        try:
            west, south, east, north = (float(part) for part in parts)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(v != v or v in (float("inf"), float("-inf")) for v in (west, south, east, north)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        if west > east or south > north:
            raise forms.ValidationError(self.error_messages["order"], code="order")
        return (west, south, east, north)
