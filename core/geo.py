"""Geometry without GeoDjango: WGS84 points, and territory outlines derived from commune outlines.

The portal stores a point as two float columns and a territory outline as GeoJSON in a JSONField (no
GDAL on the target machines). Points are checked here. An outline is never typed or drawn: it is the
union of the outlines of a territory's communes (:func:`union_outline`), computed with shapely when a
territory changes, stored, and then served as it is (shapely is imported only to compute one).
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


def outline_bbox(outline) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a MultiPolygon outline, or None."""
    if not outline:
        return None
    points: Iterable = (p for polygon in outline["coordinates"] for ring in polygon for p in ring)
    lons, lats = zip(*((p[0], p[1]) for p in points), strict=True)
    return min(lons), min(lats), max(lons), max(lats)


#: Half the width of the gaps closed between neighbouring areas (degrees, about 20 m): commune outlines
#: were simplified one by one, so their union keeps slivers and pinholes along shared borders.
OUTLINE_CLOSING = 0.0002
#: Tolerance of the simplification for the web (degrees, about 100 m: a pixel on a territory's map).
OUTLINE_TOLERANCE = 0.001
#: Decimals kept in the coordinates (about 10 m), on a grid that keeps the outline valid.
OUTLINE_DECIMALS = 4


def union_outline(geometries: Iterable[dict]) -> dict | None:
    """The outline of the area that GeoJSON (Multi)Polygons cover together, made for the web.

    Their union (``unary_union``), the slivers along shared borders closed (a buffer out and back by
    ``OUTLINE_CLOSING``), simplified to ``OUTLINE_TOLERANCE`` without changing its topology, coordinates
    rounded to ``OUTLINE_DECIMALS``, exterior rings counter-clockwise as RFC 7946 asks. Returns a GeoJSON
    MultiPolygon, or None when the geometries cover nothing.
    """
    import shapely
    from shapely.geometry import Polygon, shape
    from shapely.geometry.polygon import orient

    shapes = [shape(geometry) for geometry in geometries]
    if not shapes:
        return None
    area = shapely.union_all(shapes)
    area = area.buffer(OUTLINE_CLOSING, join_style="mitre").buffer(-OUTLINE_CLOSING, join_style="mitre")
    area = shapely.set_precision(area.simplify(OUTLINE_TOLERANCE), 10**-OUTLINE_DECIMALS)
    polygons = [part for part in getattr(area, "geoms", [area]) if isinstance(part, Polygon)]
    coordinates = [
        [
            [[round(x, OUTLINE_DECIMALS), round(y, OUTLINE_DECIMALS)] for x, y in ring.coords]
            for ring in (polygon.exterior, *polygon.interiors)
        ]
        for polygon in (orient(part) for part in polygons if not part.is_empty)
    ]
    return {"type": "MultiPolygon", "coordinates": coordinates} if coordinates else None
