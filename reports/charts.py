"""The report's pictures, drawn on the server as SVG: bar charts (pygal) and the map of members by commune.

Both are plain SVG documents without script, shown as ``<img>`` (a ``data:`` address, which the
Content Security Policy allows and which keeps their own styles out of the page's) with a text
alternative, and always beside the table of the same numbers. The map projects the commune outlines
the project ships (``poles/data/communes-contours.geojson``) with shapely: a conformal-enough
equirectangular projection at Brittany's latitude, simplified to a tenth of a pixel.
"""

from __future__ import annotations

import base64

import pygal
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pygal.style import Style

from poles.choropleth import members_map, members_map_alt

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
