"""Geometry without GeoDjango: validation of WGS84 points and GeoJSON outlines, bounding boxes.

The portal stores a point as two float columns and a territory outline as GeoJSON in a JSONField
(no GDAL on the target machines). These helpers are the single place where that data is checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LAT_RANGE = (-90.0, 90.0)
LON_RANGE = (-180.0, 180.0)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def validate_position(position) -> None:
    """Check one GeoJSON position ``[longitude, latitude]`` in WGS84."""
    if not isinstance(position, list | tuple) or len(position) < 2:
        raise ValidationError(_("Each point must be a pair [longitude, latitude]."), code="position")
    lon, lat = position[0], position[1]
    if not (_is_number(lon) and _is_number(lat)):
        raise ValidationError(_("Coordinates must be numbers."), code="position")
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        raise ValidationError(
            _("The point (%(lon)s, %(lat)s) is outside WGS84 longitude/latitude ranges."),
            code="range",
            params={"lon": lon, "lat": lat},
        )


def _validate_ring(ring) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(_("A polygon ring needs at least four points."), code="ring")
    for position in ring:
        validate_position(position)
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise ValidationError(
            _("A polygon ring must be closed (its last point equals its first)."), code="ring"
        )


def _validate_polygon(rings) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("A polygon needs at least one ring."), code="polygon")
    for ring in rings:
        _validate_ring(ring)


def normalize_outline(value):
    """Validate a territory outline and return it as a GeoJSON MultiPolygon geometry.

    Accepts a Polygon or MultiPolygon geometry, or a Feature / FeatureCollection wrapping them (what
    drawing tools export). Anything else raises a ValidationError with a French message.
    """
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict):
        raise ValidationError(_("The outline must be a GeoJSON object."), code="type")
    kind = value.get("type")
    if kind == "Feature":
        return normalize_outline(value.get("geometry"))
    if kind == "FeatureCollection":
        polygons = []
        for feature in value.get("features") or []:
            geometry = normalize_outline(feature.get("geometry") if isinstance(feature, dict) else None)
            if geometry:
                polygons.extend(geometry["coordinates"])
        if not polygons:
            raise ValidationError(_("The outline contains no polygon."), code="empty")
        return {"type": "MultiPolygon", "coordinates": polygons}
    if kind == "Polygon":
        _validate_polygon(value.get("coordinates"))
        return {"type": "MultiPolygon", "coordinates": [value["coordinates"]]}
    if kind == "MultiPolygon":
        polygons = value.get("coordinates")
        if not isinstance(polygons, list) or not polygons:
            raise ValidationError(_("A multipolygon needs at least one polygon."), code="polygon")
        for rings in polygons:
            _validate_polygon(rings)
        return {"type": "MultiPolygon", "coordinates": polygons}
    raise ValidationError(
        _("The outline must be a Polygon or a MultiPolygon, not “%(kind)s”."),
        code="type",
        params={"kind": kind or "?"},
    )


def outline_bbox(outline) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a MultiPolygon outline, or None."""
    if not outline:
        return None
    points: Iterable = (p for polygon in outline["coordinates"] for ring in polygon for p in ring)
    lons, lats = zip(*((p[0], p[1]) for p in points), strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def point_in_outline(lon: float, lat: float, outline) -> bool:
    """Ray casting on each polygon (holes excluded): enough precision for routing to a territory."""
    if not outline:
        return False
    for polygon in outline["coordinates"]:
        if _point_in_ring(lon, lat, polygon[0]) and not any(_point_in_ring(lon, lat, h) for h in polygon[1:]):
            return True
    return False


def _point_in_ring(x: float, y: float, ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / ((yj - yi) or 1e-300) + xi:
            inside = not inside
        j = i
    return inside


def convex_hull(points: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull of (x, y) points by Andrew's monotone chain, counter-clockwise, without repeating the start.

    Collinear points on the hull's edges are dropped. Fewer than three distinct points come back as they are.
    """
    unique = sorted(set(points))
    if len(unique) < 3:
        return unique

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def half(sequence) -> list:
        chain: list = []
        for point in sequence:
            while len(chain) >= 2 and cross(chain[-2], chain[-1], point) <= 0:
                chain.pop()
            chain.append(point)
        return chain

    lower, upper = half(unique), half(reversed(unique))
    return lower[:-1] + upper[:-1]


def hull_outline(points: Iterable[tuple[float, float]]):
    """A GeoJSON MultiPolygon around WGS84 ``(longitude, latitude)`` points (their convex hull), or None.

    None when the points do not span an area (fewer than three, or all on one line).
    """
    hull = convex_hull(points)
    if len(hull) < 3:
        return None
    ring = [[lon, lat] for lon, lat in hull]
    return normalize_outline({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
