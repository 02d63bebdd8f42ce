"""core.geo.union_outline: the outline of an area made of several polygons, made for the web."""

import pytest
import shapely
from shapely.geometry import shape

from core.geo import OUTLINE_CLOSING, union_outline


def square(west, south, size=0.1):
    east, north = west + size, south + size
    return {
        "type": "Polygon",
        "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]],
    }


def test_neighbours_become_one_polygon_without_the_sliver_left_between_them():
    gap = OUTLINE_CLOSING  # narrower than the closing: a gap left by simplifying outlines one by one
    outline = union_outline([square(-2.2, 47.6), square(-2.1 + gap, 47.6)])

    assert outline["type"] == "MultiPolygon"
    [[exterior]] = outline["coordinates"]  # one polygon, no hole
    assert shape(outline).area == pytest.approx(shapely.box(-2.2, 47.6, -2.0 + gap, 47.7).area)
    assert shapely.is_ccw(shapely.LinearRing(exterior))  # RFC 7946: exterior rings counter-clockwise


def test_distant_areas_and_real_holes_are_kept():
    ring = shapely.box(-3.0, 48.0, -2.0, 48.5).difference(shapely.box(-2.7, 48.1, -2.3, 48.4))
    outline = union_outline([shapely.geometry.mapping(ring), square(-4.0, 47.0)])

    assert len(outline["coordinates"]) == 2
    assert sorted(len(polygon) for polygon in outline["coordinates"]) == [1, 2]  # the hole stays
    assert shape(outline).is_valid


def test_coordinates_are_rounded_and_nothing_gives_no_outline():
    outline = union_outline([square(-2.123456789, 47.987654321)])
    positions = [p for polygon in outline["coordinates"] for ring in polygon for p in ring]
    assert all(round(x, 4) == x and round(y, 4) == y for x, y in positions)
    assert union_outline([]) is None
