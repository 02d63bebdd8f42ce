"""The map at any size: what a map shows of the organisations in its visible area at its zoom.

``/api/acteurs.geojson?zoom=Z&bbox=west,south,east,north`` (plus the directory's filters) answers with
what the map can draw at once, whatever the number of organisations:

- the organisations matching the filters inside the box are grouped by the database on a grid whose
  cells are about ``CELL_PIXELS`` pixels wide at that zoom: longitude and latitude snapped with
  ``FLOOR`` and ``GROUP BY`` (plain SQL arithmetic, identical on SQLite and PostgreSQL, no PostGIS).
  Each cell with several organisations is a cluster: its count, the mean of its points (where it is
  drawn) and the box of its points (where a click zooms to). A cell of one organisation is that
  organisation's point, with the properties of the full file;
- when few organisations match (at most ``POINTS_LIMIT``), or from ``POINTS_ZOOM`` on (a street's
  worth of map, unless more than ``POINTS_MAX`` still match), the individual points themselves.

Without ``zoom`` the endpoint keeps serving the full file (the open data of ``/donnees/``).
Two queries at most, whatever the data: the grid, then the rows of the points it shows.
"""

from __future__ import annotations

from math import cos, radians

from django import forms
from django.db.models import Avg, Count, F, Max, Min, QuerySet
from django.db.models.functions import Floor
from django.utils.translation import gettext_lazy as _

from core.geojson import BBoxField
from core.queries import InvalidQuery, form_errors

MIN_ZOOM = 0
MAX_ZOOM = 20
#: Width of a grid cell on the screen, in pixels (a Web Mercator tile is 256 pixels wide).
CELL_PIXELS = 64
#: A cell's height in degrees of latitude is its width times this ratio, so that cells look square
#: around Brittany's latitude (Web Mercator stretches latitudes by 1 / cos(latitude)).
LATITUDE_RATIO = cos(radians(48))
#: From this zoom on, the organisations themselves (unless more than POINTS_MAX are in the box).
POINTS_ZOOM = 14
#: At most this many organisations in the box: the organisations themselves, at any zoom.
POINTS_LIMIT = 200
POINTS_MAX = 2000
COORDINATE_DECIMALS = 5


class MapViewForm(forms.Form):
    """The visible area of a map and its zoom level, as Leaflet gives them."""

    zoom = forms.IntegerField(
        min_value=MIN_ZOOM,
        max_value=MAX_ZOOM,
        error_messages={
            "required": _("Give the zoom level of the map."),
            **dict.fromkeys(
                ("invalid", "min_value", "max_value"), _("The zoom must be a whole number from 0 to 20.")
            ),
        },
    )
    bbox = BBoxField(error_messages={"required": _("Give the visible area of the map (bbox).")})


def map_view(params) -> tuple[int, tuple[float, float, float, float]]:
    """The zoom and box of a query string; raises ``InvalidQuery`` (a French 400) when they are invalid."""
    form = MapViewForm({"zoom": params.get("zoom"), "bbox": params.get("bbox")})
    if not form.is_valid():
        raise InvalidQuery(form_errors(form))
    return form.cleaned_data["zoom"], form.cleaned_data["bbox"]


def cell_size(zoom: int) -> tuple[float, float]:
    """Width and height in degrees of a grid cell at a zoom level."""
    width = 360 / (2**zoom * 256 / CELL_PIXELS)
    return width, width * LATITUDE_RATIO


def _round(value: float) -> float:
    return round(value, COORDINATE_DECIMALS)


def grid_cells(queryset: QuerySet, zoom: int) -> list[dict]:
    """The organisations of ``queryset`` (annotated ``with_map_position``) counted per grid cell."""
    width, height = cell_size(zoom)
    return list(
        queryset.filter(map_latitude__isnull=False, map_longitude__isnull=False)
        .annotate(
            cell_x=Floor(F("map_longitude") / width),
            cell_y=Floor(F("map_latitude") / height),
        )
        .order_by()
        .values("cell_x", "cell_y")
        .annotate(
            count=Count("pk"),
            longitude=Avg("map_longitude"),
            latitude=Avg("map_latitude"),
            west=Min("map_longitude"),
            east=Max("map_longitude"),
            south=Min("map_latitude"),
            north=Max("map_latitude"),
            first=Min("pk"),
        )
        .order_by("cell_x", "cell_y")
    )


def cluster_feature(cell: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [_round(cell["longitude"]), _round(cell["latitude"])]},
        "properties": {
            "cluster": True,
            "count": cell["count"],
            "bbox": [_round(cell[side]) for side in ("west", "south", "east", "north")],
        },
    }


def map_collection(queryset: QuerySet, params, *, point_features) -> dict:
    """The FeatureCollection a map draws at the zoom and box of ``params``: clusters and points.

    ``point_features(queryset)`` gives the features of individual organisations (the full file's);
    ``total`` is the number of organisations with a position in the box (the clusters' counts and the
    points add up to it)."""
    zoom, _bbox = map_view(params)
    cells = grid_cells(queryset, zoom)
    total = sum(cell["count"] for cell in cells)
    if total <= POINTS_LIMIT or (zoom >= POINTS_ZOOM and total <= POINTS_MAX):
        features = point_features(queryset) if cells else []
        clustered = False
    else:
        singles = [cell["first"] for cell in cells if cell["count"] == 1]
        features = [cluster_feature(cell) for cell in cells if cell["count"] > 1]
        if singles:
            features += point_features(queryset.filter(pk__in=singles))
        clustered = True
    return {
        "type": "FeatureCollection",
        "zoom": zoom,
        "total": total,
        "clustered": clustered,
        "features": features,
    }
