"""Block fields that are lists, edited as lines of text instead of JSON: a procedure log's autonomy levels
(one per line) and a resource block's files (``title | address | description``, one file per line).

A nurse educator should not write JSON. Each list field here has a way to its lines and back, with errors
that name the line; the generated form (``courses/studio/components.py``) shows the lines in a textarea,
which works without JavaScript. (A skill checklist's steps have their own editor: ``step_list.py``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from courses.blocks.resource import allowed_url

MAX_LINES = 100
MAX_LINE = 500
SEPARATOR = "|"


@dataclass(frozen=True)
class LineList:
    to_lines: Callable[[list], str]
    parse: Callable[[str, list], list]  # (the text, the stored value) -> the new value, or ValueError
    hint: Any


def _lines(text: str | None) -> list[tuple[int, str]]:
    lines = [(n, line.strip()) for n, line in enumerate((text or "").replace("\r\n", "\n").split("\n"), 1)]
    lines = [(n, line) for n, line in lines if line]
    if len(lines) > MAX_LINES:
        raise ValueError(_("Too many lines: the limit is %(count)d.", count=MAX_LINES))
    for n, line in lines:
        if len(line) > MAX_LINE:
            raise ValueError(
                ngettext(
                    "Line %(line)d is too long: the limit is %(num)d character.",
                    "Line %(line)d is too long: the limit is %(num)d characters.",
                    MAX_LINE,
                    line=n,
                )
            )
    return lines


def _levels_to_lines(levels: list) -> str:
    return "\n".join(str(level) for level in levels or [])


def _parse_levels(text: str, _stored: list) -> list:
    levels = [line for _n, line in _lines(text)]
    if len(levels) < 2:
        raise ValueError(_("Give at least two levels, one per line."))
    return levels


def _files_to_lines(files: list) -> str:
    rows = []
    for entry in files or []:
        if not isinstance(entry, dict):
            continue
        parts = [str(entry.get("title", "")), str(entry.get("url", ""))]
        if entry.get("description"):
            parts.append(str(entry["description"]))
        rows.append(f" {SEPARATOR} ".join(part.replace(SEPARATOR, "/") for part in parts))
    return "\n".join(rows)


def _parse_files(text: str, stored: list) -> list:
    sizes = {e.get("url"): e.get("size") for e in stored or [] if isinstance(e, dict) and e.get("size")}
    files = []
    for n, line in _lines(text):
        parts = [part.strip() for part in line.split(SEPARATOR)]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValueError(_("Line %(line)d: write the title, then | and the address.", line=n))
        if len(parts) > 3:
            raise ValueError(_("Line %(line)d: at most a title, an address and a description.", line=n))
        if not allowed_url(parts[1]):
            raise ValueError(
                _("Line %(line)d: the address must be a course file (/static/…) or start with https://.", line=n)
            )
        entry = {"title": parts[0], "url": parts[1]}
        if len(parts) == 3 and parts[2]:
            entry["description"] = parts[2]
        if sizes.get(parts[1]):
            entry["size"] = sizes[parts[1]]  # the size an author gave before, kept while the address stays
        files.append(entry)
    return files


FIELDS: dict[tuple[str, str], LineList] = {
    ("procedure_log", "autonomy_scale"): LineList(
        _levels_to_lines, _parse_levels, _l("One level per line, the lowest first.")
    ),
    ("resource", "files"): LineList(
        _files_to_lines,
        _parse_files,
        _l(
            "One file per line: its title, then | and its address (/static/name for a course file, or https://…), "
            "then | and a description if you want one."
        ),
    ),
}


def line_list(block, name: str) -> LineList | None:  # noqa: ANN001
    """How the field is edited as lines, or None when it is not."""
    return FIELDS.get((block.scope_ids.block_type, name))
