"""Every CSV the product writes goes through lms/csv_export.py, which keeps formulas out of spreadsheets.

The progress CSV is tested through the app in tests/courses/test_instructor.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from lms.csv_export import csv_response, csv_text

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lms", "courses", "assessments", "certificates")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")'])
def test_text_that_would_start_a_formula_is_written_as_text(text):
    (cell,) = next(csv.reader(io.StringIO(csv_text([[text]]), newline="")))
    assert cell == "'" + text


def test_other_cells_are_written_as_they_are(app):
    rows = [["Jean-Paul", "a=b", "", 12, -3, 0.5, None]]
    assert next(csv.reader(io.StringIO(csv_text(rows)))) == ["Jean-Paul", "a=b", "", "12", "-3", "0.5", ""]
    with app.test_request_context():
        response = csv_response("out.csv", [["Name"], ["=1"]])
    assert (
        response.mimetype == "text/csv" and response.headers["Content-Disposition"] == 'attachment; filename="out.csv"'
    )
    assert response.get_data(as_text=True) == "\ufeffName\r\n'=1\r\n"


def test_no_module_writes_a_csv_of_its_own():
    """A new export written with the csv module directly would skip the neutralising: it must use lms.csv_export."""
    own = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "lms" / "csv_export.py":
                continue
            source = path.read_text(encoding="utf-8")
            if any(marker in source for marker in ("csv.writer(", "csv.DictWriter(")):
                own.append(str(path.relative_to(ROOT)))
    assert own == []
