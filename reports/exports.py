"""The report's files: PDF (WeasyPrint, from an HTML template), spreadsheet (XLSX, openpyxl: one sheet per
table) and CSV (``core.csv_export``: one line per cell, no cell run as a formula).

Each writes the tables of ``reports.selectors.Report`` as they are, so the three files and the page
always agree.
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from core import csv_export

from . import charts


def long_date(day: date) -> str:
    """ "1er janvier 2025", "31 décembre 2025" in French (the first of the month is "1er")."""
    text = formats.date_format(day, "j F Y")
    if day.day == 1 and (translation.get_language() or "").startswith("fr"):
        text = "1er" + text[1:]
    return text


def period_text(period) -> str:
    """ "du 1er janvier 2025 au 31 décembre 2025", in the active language."""
    return _("from %(start)s to %(end)s") % {"start": long_date(period.start), "end": long_date(period.end)}


def report_subject(report) -> str:
    if report.single_pole:
        return str(report.single_pole)
    if report.partner:
        return _("Poles supported by %(partner)s") % {"partner": report.partner}
    return _("Every pole of the network")


def illustrated(report) -> list[dict]:
    """The report's tables, each with its picture (an SVG ``data:`` address) and text alternative."""
    out = []
    for table in report.tables:
        image, alt = charts.draw(table)
        out.append({"table": table, "image": image, "alt": alt})
    return out


def funders(report) -> list[dict]:
    """The report's Support rows, one line per partner and kind of support, with the poles it concerns."""
    lines: dict[tuple, dict] = {}
    for support in report.supports:
        line = lines.setdefault(
            (support.partner_id, support.kind),
            {
                "partner": support.partner,
                "kind": support.get_kind_display(),
                "since": support.since,
                "poles": [],
            },
        )
        line["poles"].append(support.pole)
        if support.since and (line["since"] is None or support.since < line["since"]):
            line["since"] = support.since
    return sorted(lines.values(), key=lambda line: (str(line["partner"]), line["kind"]))


def context(report) -> dict:
    return {
        "funders": funders(report),
        "report": report,
        "subject": report_subject(report),
        "period_text": period_text(report.period),
        "tables": illustrated(report),
        "figures": report.figure_rows(),
    }


def report_pdf(report) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string("reports/report_pdf.html", context(report))
    return HTML(string=html, base_url=None).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))])


PDF_CSS = Path(__file__).resolve().parent / "pdf.css"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Feuille"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _cell(value):
    if value is None:
        return None
    if isinstance(value, int | date):
        return value
    return csv_export.neutralise(str(value))


def report_xlsx(report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    cover = book.active
    cover.title = _sheet_title(_("Report"), taken := set())
    bold = Font(bold=True)
    cover.append([_("Activity report")])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append([_("Subject"), _cell(report_subject(report))])
    cover.append([_("Period"), _cell(period_text(report.period))])
    cover.append([_("From"), report.period.start])
    cover.append([_("To"), report.period.end])
    cover.append([])
    cover.append([_("Funders and partners")])
    cover.cell(cover.max_row, 1).font = bold
    for support in report.supports:
        cover.append(
            [
                _cell(str(support.partner)),
                _cell(support.get_kind_display()),
                support.since,
                _cell(str(support.pole)),
            ]
        )
    cover.append([])
    cover.append([_("Key figures")])
    cover.cell(cover.max_row, 1).font = bold
    for label, value in report.figure_rows():
        cover.append([_cell(label), value])
    cover.column_dimensions["A"].width = 40
    cover.column_dimensions["B"].width = 30
    for row in cover.iter_rows():
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"

    for table in report.tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append([_cell(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        if table.total:
            sheet.append([_cell(v) for v in table.total])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        if table.note:
            sheet.append([])
            sheet.append([_cell(table.note)])
        for index, _col in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 40 if index == 1 else 16
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_csv(report) -> bytes:
    """One CSV file, one line per cell: table; row; column; value (UTF-8 with BOM, ';')."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv_export.writer(out, delimiter=";")
    writer.writerow([_("Table"), _("Row"), _("Column"), _("Value")])
    writer.writerow([_("Report"), _("Subject"), "", report_subject(report)])
    writer.writerow([_("Report"), _("Period"), _("From"), report.period.start.isoformat()])
    writer.writerow([_("Report"), _("Period"), _("To"), report.period.end.isoformat()])
    for table in report.tables:
        rows = [*table.rows, *([table.total] if table.total else [])]
        for row in rows:
            for column, value in zip(table.columns[1:], row[1:], strict=False):
                if isinstance(value, date):
                    value = value.isoformat()
                writer.writerow([table.title, row[0], column, "" if value is None else value])
    return out.getvalue().encode("utf-8")
