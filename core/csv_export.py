"""The one CSV writer of the portal: every file it serves is safe to open in a spreadsheet.

A spreadsheet runs a text cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
(``=HYPERLINK(...)`` sends the reader to a site of the author's choosing, ``=cmd|...`` asked older
versions to run a program), and a leading tab or carriage return hides such a start. Anyone can put
those characters in the portal's data: a name typed in the registration form, an organisation
proposed on the public site, a cell of an imported file. So every CSV the portal writes (the open-data
download, the back-office exports) goes through :func:`writer`, which applies OWASP's rule to each
text cell: a cell starting with one of :data:`FORMULA_STARTS` gets a single quote in front, which
spreadsheets show as text. The full-width forms (``＝`` …) are included: some spreadsheets read them
as their ASCII twins.

What stays untouched, and why:

- **numbers**: a Python ``int``, ``float`` or ``Decimal`` cell (``-4.48``, a negative longitude of
  Brittany) is written as a number; no one can make a number run as a formula, and a quote would make
  it text in the sheet;
- **every other text keeps its characters**: a phone number ``+33 2 99 …`` becomes ``'+33 2 99 …``.
  That is OWASP's rule, and it keeps the number readable: unquoted, a spreadsheet reads
  ``+33 2 99 12 34 56`` as a formula (an error cell) and ``+33299123456`` as a number (the ``+``
  gone). :func:`restore` removes the quote again when such a file is imported back.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse

#: What a spreadsheet reads as the start of a formula (OWASP's list, line feed and full-width forms).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
QUOTE = "'"


def neutralise(value):
    """The cell as the portal writes it: numbers as they are, ``None`` empty, text that a spreadsheet
    would run as a formula behind a single quote, every other value as its text."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)  # a lazy translation, a date, a model instance: what csv would write
    return QUOTE + text if text.startswith(FORMULA_STARTS) else text


def restore(cell: str) -> str:
    """A cell of a file the portal wrote, read back: the quote :func:`neutralise` added is removed."""
    if cell.startswith(QUOTE) and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _with_decimal_comma(value):
    """A number as French spreadsheets read it ("-4,48"); written after neutralising, never quoted."""
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    return value


class _SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell (see the module's docstring)."""

    def __init__(self, file, *, decimal_comma: bool = False, **fmtparams):
        self._writer = csv.writer(file, **fmtparams)
        self._decimal_comma = decimal_comma

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row):
        cells = [neutralise(value) for value in row]
        if self._decimal_comma:
            cells = [_with_decimal_comma(cell) for cell in cells]
        return self._writer.writerow(cells)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, *, decimal_comma: bool = False, **fmtparams) -> _SafeWriter:
    """A ``csv.writer`` on ``file`` (same arguments) that never writes a cell a spreadsheet would run;
    ``decimal_comma`` writes decimal numbers with a comma, for French spreadsheets."""
    return _SafeWriter(file, decimal_comma=decimal_comma, **fmtparams)


def csv_response(filename: str, header: Iterable[str], rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download (UTF-8 with BOM and ';' so that French spreadsheets open it as-is), written by
    :func:`writer`: no cell runs as a formula."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv_writer = writer(response, delimiter=";")
    csv_writer.writerow(header)
    csv_writer.writerows(rows)
    return response
