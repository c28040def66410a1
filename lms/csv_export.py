"""Every CSV file the product writes, written here: no cell of ours becomes a formula in a spreadsheet.

Spreadsheet programs (Excel, LibreOffice Calc, Google Sheets) read a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula, and one that starts with a tab or a carriage return may become one once the
program trims it. The text in our CSVs comes from people (a learner's name, an institution, a module title),
so a learner named ``=HYPERLINK("http://evil.example","Open")`` would be a link in the instructor's
spreadsheet, and other formulas read neighbouring cells or start programs. :func:`safe_cell` writes such a
text with a leading apostrophe, which spreadsheets take as "this is text"; numbers stay numbers.
:func:`csv_response` writes a whole file through it, so a new export cannot forget.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet shows as it is: text that would start a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """The rows (the header first) as CSV text, every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def csv_response(filename: str, rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV download of ``rows``."""
    # A byte-order mark so that spreadsheet programs read the names' accents correctly.
    return Response(
        "\ufeff" + csv_text(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
