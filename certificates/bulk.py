"""Bulk verification: a CSV of certificate codes in, a CSV report out (one line per code, in the file's order).

The codes are in the column named ``code`` (any case), or else the first column; the header row is optional
(a first row with a ``code`` cell is the header). Blank lines are skipped. A file that cannot be read is
refused with the line where reading failed (not UTF-8, a broken quote, too many lines), never half-answered.
Each code's status comes from ``certificates.lookup`` (the register: one query per chunk of codes).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from certificates import lookup
from certificates.vc import codes

MAX_BYTES = 2 * 1024 * 1024  # 5,000 codes take about 80 KB: room for other columns, not for abuse
MAX_CODES = 20_000
HEADER = (
    *("line", "code", "status", "holder", "course", "issued"),
    *("valid_until", "revoked_on", "revoke_reason", "replaced_by", "note"),
)


class Unreadable(ValueError):
    """The file is not a CSV this page can read; the message says where and why, for the person who sent it."""


@dataclass(frozen=True)
class Entry:
    line: int
    text: str


def read_codes(data: bytes) -> list[Entry]:
    """The codes in the file with their line numbers; raises :class:`Unreadable`."""
    if len(data) > MAX_BYTES:
        raise Unreadable(_("The file is larger than %(size)d MB.", size=MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Unreadable(_("Line %(line)d: the file is not UTF-8 text (save it as CSV UTF-8).", line=line)) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise Unreadable(_("Line %(line)d: the file contains a NUL character.", line=line))
    reader = csv.reader(io.StringIO(text, newline=""))
    entries: list[Entry] = []
    column, first = 0, True
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if first:  # the first row that is not blank may be the header
                first = False
                names = [cell.strip().lower() for cell in row]
                if "code" in names:
                    column = names.index("code")
                    continue
            if len(entries) >= MAX_CODES:
                limit = ngettext(
                    "a file may hold at most %(num)d code", "a file may hold at most %(num)d codes", MAX_CODES
                )
                raise Unreadable(_("Line %(line)d: %(problem)s.", line=reader.line_num, problem=limit))
            entries.append(Entry(reader.line_num, row[column].strip() if column < len(row) else ""))
    except csv.Error as error:
        raise Unreadable(_("Line %(line)d: %(problem)s.", line=reader.line_num, problem=str(error))) from None
    if not entries:
        raise Unreadable(_("The file holds no codes."))
    return entries


def report(entries: list[Entry]) -> list[list]:
    """The report's rows, the header first."""
    read = [(entry, *lookup.read_code(entry.text)) for entry in entries]
    found = lookup.by_codes(code for _entry, code, _problem in read if code)
    rows: list[list] = [list(HEADER)]
    for entry, code, problem in read:
        if code is None:
            note = "the check character does not match: a typo" if problem == lookup.TYPO else "not a certificate code"
            rows.append([entry.line, entry.text, lookup.MALFORMED, "", "", "", "", "", "", "", note])
            continue
        certificate = found.get(code)
        display = codes.normalise(code)
        if certificate is None:
            note = "no certificate with this code"
            rows.append([entry.line, display, lookup.UNKNOWN, "", "", "", "", "", "", "", note])
            continue
        replaced = certificate.replaced_by
        rows.append(
            [
                entry.line,
                display,
                lookup.registered_status(certificate),
                certificate.learner_name,
                certificate.facts.get("course_title", ""),
                certificate.issued_at.date().isoformat(),
                certificate.valid_until.date().isoformat() if certificate.valid_until else "",
                certificate.revoked_at.date().isoformat() if certificate.revoked and certificate.revoked_at else "",
                certificate.revoke_reason if certificate.revoked else "",
                codes.normalise(replaced.code) if replaced is not None else "",
                "",
            ]
        )
    return rows
