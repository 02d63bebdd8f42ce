"""The map of members by commune, drawn on the server as SVG: the activity reports' and each pole's
territory coverage.

A plain SVG document without script or style element (so it can sit in a page under the Content Security
Policy, or in an ``<img>``), always shown beside the table of the same numbers: the colour classes are a
sequential scale readable in grey too, the legend names each class, and each commune is titled with its
name and count. The outlines are those the project ships (``data/communes-contours.geojson``), projected
with shapely (x = longitude·cos 48°, y = -latitude: conformal enough at Brittany's latitude) and
simplified to a tenth of a pixel, so the drawing of a pole's few dozen communes weighs a few KB.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from shapely import affinity
from shapely.geometry import shape

from core import local_caches

from .contours import commune_contours

#: Classes of the map, from no member to many (a sequential blue scale readable in grey too).
MAP_CLASSES = [
    (0, 0, "#f0f0f0"),
    (1, 1, "#c6dbef"),
    (2, 4, "#6baed6"),
    (5, 9, "#2171b5"),
    (10, None, "#08306b"),
]


_PROJECTED: dict[str, object] = {}
_PATHS: dict[tuple, str] = {}
local_caches.register(_PROJECTED.clear)
local_caches.register(_PATHS.clear)


def _projected(codes: list[str]):
    """The communes' outlines, projected (x = longitude·cos 48°, y = -latitude), kept per process."""
    missing = [code for code in codes if code not in _PROJECTED]
    if missing:
        factor = math.cos(math.radians(48.0))
        for code, geometry in commune_contours(missing).items():
            geom = shape(geometry)
            _PROJECTED[code] = affinity.scale(geom, xfact=factor, yfact=-1.0, origin=(0, 0))
        for code in missing:
            _PROJECTED.setdefault(code, None)
    return {code: _PROJECTED[code] for code in codes if _PROJECTED.get(code) is not None}


def _class_of(count: int) -> str:
    for low, high, colour in MAP_CLASSES:
        if count >= low and (high is None or count <= high):
            return colour
    return MAP_CLASSES[-1][2]


def class_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s or more") % {"low": low}
    if low == high:
        return ngettext("%(count)s member", "%(count)s members", low) % {"count": low}
    return _("%(low)s to %(high)s") % {"low": low, "high": high}


def _path(geometry, bounds, scale, *, whole_pixels: bool = False) -> str:
    """The SVG path of a (multi)polygon; with ``whole_pixels``, points rounded to the pixel and written as
    moves from the previous one (``l dx dy``, repeated points dropped): about half the bytes."""
    minx, miny = bounds[0], bounds[1]
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            if not whole_pixels:
                points = [f"{(x - minx) * scale:.1f} {(y - miny) * scale:.1f}" for x, y in ring.coords]
                parts.append("M" + "L".join(points) + "Z")
                continue
            pixels = [(round((x - minx) * scale), round((y - miny) * scale)) for x, y in ring.coords]
            (x0, y0), moves = pixels[0], []
            previous = pixels[0]
            for point in pixels[1:]:
                if point != previous:
                    moves.append(f"{point[0] - previous[0]} {point[1] - previous[1]}")
                    previous = point
            if len(moves) >= 2:
                parts.append(f"M{x0} {y0}l" + " ".join(moves) + "z")
    return "".join(parts)


def members_map(
    title: str,
    counts: dict[str, int],
    codes: list[str],
    names: dict[str, str],
    *,
    width: int = 640,
    legend: bool = True,
    detail: float = 0.15,
) -> str:
    """An SVG map of the communes ``codes``, each filled by its number of members (``counts``).

    ``legend=False`` leaves the legend to the page (an HTML list, readable at a phone's width). Outlines
    are simplified to ``detail`` pixels (a tenth and a half for print; more for a web page's payload).
    """
    shapes = _projected(codes)
    legend_height = 30 + 22 * len(MAP_CLASSES) if legend else 0
    if not shapes:
        nothing = _("No commune to draw.")  # outside the f-string, where makemessages finds it
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 60" width="{width}" height="60">'
            f'<text x="10" y="35" font-family="DejaVu Sans, sans-serif" font-size="14">{escape(nothing)}</text></svg>'
        )
    boxes = [g.bounds for g in shapes.values()]
    minx, miny = min(b[0] for b in boxes), min(b[1] for b in boxes)
    maxx, maxy = max(b[2] for b in boxes), max(b[3] for b in boxes)
    scale = (width - 20) / max(maxx - minx, 1e-9)
    map_height = (maxy - miny) * scale
    height = int(map_height + legend_height + (50 if legend else 45))
    tolerance = detail / scale
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="24" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="16" fill="#1a1a1a">{escape(title)}</text>',
        '<g transform="translate(10 40)" stroke="#5f5f5f" stroke-width="0.4" stroke-linejoin="round">',
    ]
    if len(_PATHS) > 20000:
        _PATHS.clear()
    for code in sorted(shapes):
        count = counts.get(code, 0)
        key = (code, round(scale, 6), round(minx, 6), round(miny, 6), detail)
        if key not in _PATHS:  # the same scope draws the same outlines: drawn once per process
            geometry = shapes[code].simplify(tolerance, preserve_topology=True)
            _PATHS[key] = _path(geometry, (minx, miny), scale, whole_pixels=detail >= 0.5)
        label = f"{names.get(code, code)} : {count}"
        out.append(f'<path d="{_PATHS[key]}" fill="{_class_of(count)}"><title>{escape(label)}</title></path>')
    out.append("</g>")
    if not legend:
        out.append("</svg>")
        return "".join(out)
    top = map_height + 60
    out.append(
        f'<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="13" fill="#1a1a1a" transform="translate(10 {top:.0f})">'
    )
    legend_title = _("Members per commune")  # outside the f-string, where makemessages finds it
    out.append(f'<text x="0" y="0">{escape(legend_title)}</text>')
    for index, (low, high, colour) in enumerate(MAP_CLASSES):
        y = 12 + 22 * index
        out.append(
            f'<rect x="0" y="{y}" width="18" height="16" fill="{colour}" stroke="#5f5f5f" stroke-width="0.6"/>'
        )
        out.append(f'<text x="26" y="{y + 13}">{escape(class_label(low, high))}</text>')
    out.append("</g></svg>")
    return "".join(out)


def members_map_alt(counts: dict[str, int], names: dict[str, str]) -> str:
    places = sorted(
        ((n, names.get(code, code)) for code, n in counts.items() if n), key=lambda item: (-item[0], item[1])
    )
    if not places:
        return _("Map of the members by commune: no member.")
    top = ", ".join(f"{name} {n}" for n, name in places[:5])
    return ngettext(
        "Map of the members by commune: members in %(count)s commune; the most: %(top)s. Every commune is in the table.",
        "Map of the members by commune: members in %(count)s communes; the most: %(top)s. Every commune is in the table.",
        len(places),
    ) % {"count": len(places), "top": top}
