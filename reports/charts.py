"""The report's pictures, drawn on the server as SVG: bar charts (pygal) and the map of members by commune.

Both are plain SVG documents without script, shown as ``<img>`` (a ``data:`` address, which the
Content Security Policy allows and which keeps their own styles out of the page's) with a text
alternative, and always beside the table of the same numbers. The map projects the commune outlines
the project ships (``poles/data/communes-contours.geojson``) with shapely: a conformal-enough
equirectangular projection at Brittany's latitude, simplified to a tenth of a pixel.
"""

from __future__ import annotations

import base64
import math
from xml.sax.saxutils import escape

import pygal
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pygal.style import Style
from shapely.geometry import shape

from core import local_caches
from poles.contours import commune_contours

#: Dark blue on white: a contrast ratio above 7:1 for the bars and the text.
BAR_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#595959",
    colors=("#1f4e79",),
    font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    title_font_size=16,
    transition="none",
)

#: Classes of the map, from no member to many (a sequential blue scale readable in grey too).
MAP_CLASSES = [
    (0, 0, "#f0f0f0"),
    (1, 1, "#c6dbef"),
    (2, 4, "#6baed6"),
    (5, 9, "#2171b5"),
    (10, None, "#08306b"),
]


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def bar_chart(title: str, rows: list[tuple[str, int]], *, width: int = 640) -> str:
    """A horizontal bar chart of (label, count) rows, largest first as given, with the values printed."""
    rows = rows[:20]
    chart = pygal.HorizontalBar(
        style=BAR_STYLE,
        width=width,
        height=90 + 34 * max(len(rows), 1),
        show_legend=False,
        js=[],
        disable_xml_declaration=True,
        truncate_label=40,
        show_y_guides=False,
        min_scale=1,
        max_scale=6,
    )
    chart.title = title
    labels = [label for label, _count in reversed(rows)]
    chart.x_labels = labels
    chart.add(title, [count for _label, count in reversed(rows)])
    return chart.render(is_unicode=True)


def bar_chart_alt(title: str, rows: list[tuple[str, int]]) -> str:
    if not rows:
        return _("%(title)s: no data.") % {"title": title}
    parts = ", ".join(f"{label} {count}" for label, count in rows[:5])
    more = len(rows) - 5
    text = _("Bar chart, %(title)s: %(parts)s") % {"title": title, "parts": parts}
    if more > 0:
        text += " " + ngettext(
            "and %(count)s more, listed in the table.", "and %(count)s more, listed in the table.", more
        ) % {"count": more}
    return text


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
            from shapely import affinity

            _PROJECTED[code] = affinity.scale(geom, xfact=factor, yfact=-1.0, origin=(0, 0))
        for code in missing:
            _PROJECTED.setdefault(code, None)
    return {code: _PROJECTED[code] for code in codes if _PROJECTED.get(code) is not None}


def _class_of(count: int) -> str:
    for low, high, colour in MAP_CLASSES:
        if count >= low and (high is None or count <= high):
            return colour
    return MAP_CLASSES[-1][2]


def _class_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s or more") % {"low": low}
    if low == high:
        return ngettext("%(count)s member", "%(count)s members", low) % {"count": low}
    return _("%(low)s to %(high)s") % {"low": low, "high": high}


def _path(geometry, bounds, scale) -> str:
    minx, miny = bounds[0], bounds[1]
    polygons = getattr(geometry, "geoms", [geometry])
    parts = []
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [f"{(x - minx) * scale:.1f} {(y - miny) * scale:.1f}" for x, y in ring.coords]
            parts.append("M" + "L".join(points) + "Z")
    return "".join(parts)


def members_map(
    title: str, counts: dict[str, int], codes: list[str], names: dict[str, str], *, width: int = 640
) -> str:
    """An SVG map of the communes ``codes``, each filled by its number of members (``counts``)."""
    shapes = _projected(codes)
    legend_height = 30 + 22 * len(MAP_CLASSES)
    if not shapes:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 60" width="{width}" height="60">'
            f'<text x="10" y="35" font-family="DejaVu Sans, sans-serif" font-size="14">{escape(_("No commune to draw."))}</text></svg>'
        )
    boxes = [g.bounds for g in shapes.values()]
    minx, miny = min(b[0] for b in boxes), min(b[1] for b in boxes)
    maxx, maxy = max(b[2] for b in boxes), max(b[3] for b in boxes)
    scale = (width - 20) / max(maxx - minx, 1e-9)
    map_height = (maxy - miny) * scale
    height = int(map_height + legend_height + 50)
    tolerance = 0.15 / scale
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
        key = (code, round(scale, 6), round(minx, 6), round(miny, 6))
        if key not in _PATHS:  # the same scope draws the same outlines: drawn once per process
            geometry = shapes[code].simplify(tolerance, preserve_topology=True)
            _PATHS[key] = _path(geometry, (minx, miny), scale)
        label = f"{names.get(code, code)} : {count}"
        out.append(f'<path d="{_PATHS[key]}" fill="{_class_of(count)}"><title>{escape(label)}</title></path>')
    out.append("</g>")
    top = map_height + 60
    out.append(
        f'<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="13" fill="#1a1a1a" transform="translate(10 {top:.0f})">'
    )
    out.append(f'<text x="0" y="0">{escape(_("Members per commune"))}</text>')
    for index, (low, high, colour) in enumerate(MAP_CLASSES):
        y = 12 + 22 * index
        out.append(
            f'<rect x="0" y="{y}" width="18" height="16" fill="{colour}" stroke="#5f5f5f" stroke-width="0.6"/>'
        )
        out.append(f'<text x="26" y="{y + 13}">{escape(_class_label(low, high))}</text>')
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


def draw(table) -> tuple[str, str]:
    """The picture of a table of the report (an SVG ``data:`` address) and its text alternative, or ("", "")."""
    if table.chart == "bar" and table.chart_rows:
        return data_uri(bar_chart(table.title, table.chart_rows)), bar_chart_alt(
            table.title, table.chart_rows
        )
    if table.chart == "map":
        names = table.map_names
        svg = members_map(table.title, table.map_counts, table.map_codes, names)
        return data_uri(svg), members_map_alt(table.map_counts, names)
    return "", ""
