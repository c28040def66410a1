"""How the studio edits a definition through a plain HTML form: the declarative editor a type may describe
(:class:`Editor`: single fields and rows of entries), the values a form shows for a definition and the
definition a submitted form gives back, and the generic editor for a type that describes none (its GIFT
answer block, or its own keys as JSON when GIFT cannot hold the item).

Form names: a single field ``f-<name>``; a row's cell ``<rows>-<i>-<column>`` (i from 0) and the number of
rows shown ``<rows>-count``. Rows whose cells are all empty are dropped, so the page can always show a few
empty ones (no JavaScript: "Add rows" re-renders the page with more). A fraction is shown as a percentage.
Nothing here checks a definition: the type's ``normalise`` does, and its errors are shown beside the form.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from assessments.items.invalid import ItemInvalid

HTML, TEXT, NUMBER, PERCENT, BOOL, SELECT, HIDDEN = "html", "text", "number", "percent", "bool", "select", "hidden"
EMPTY_ROWS = 2  # empty rows shown below the filled ones
ADD_ROWS = 3  # rows added by the "Add rows" button


@dataclass(frozen=True)
class Field:
    """One control: ``key`` in the definition (or in a row's entry), its label and kind; ``choices`` for a
    select as ``(value, label)``; ``default`` for a new item."""

    key: str
    label: Any
    kind: str = TEXT
    help: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    default: Any = None


@dataclass(frozen=True)
class Rows:
    """A list of entries of the definition (choices, answers, items), one table row each."""

    key: str
    label: Any
    columns: tuple[Field, ...]
    help: Any = ""


@dataclass(frozen=True)
class Editor:
    """A type's form, below the common fields (question text, general feedback, default mark)."""

    fields: tuple[Field, ...] = ()
    rows: tuple[Rows, ...] = field(default_factory=tuple)


# -- shown values ------------------------------------------------------------------------------------------
def _shown(column: Field, value: Any) -> Any:
    if column.kind == PERCENT:
        try:
            return f"{float(value) * 100:g}"
        except (TypeError, ValueError):
            return "" if value is None else str(value)
    if column.kind == BOOL:
        return bool(value)
    if column.kind == NUMBER:
        return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    if column.kind == SELECT and isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def values_of(editor: Editor, data: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values for a definition: ``{key: value}`` for fields, ``{rows key: [ {column: value} ]}``."""
    values: dict[str, Any] = {}
    for single in editor.fields:
        values[single.key] = _shown(single, data.get(single.key, single.default))
    for rows in editor.rows:
        entries = data.get(rows.key) or []
        values[rows.key] = [{c.key: _shown(c, entry.get(c.key, c.default)) for c in rows.columns} for entry in entries]
    return values


def defaults(editor: Editor) -> dict[str, Any]:
    """The form's values for a new item."""
    return values_of(editor, {})


# -- submitted values --------------------------------------------------------------------------------------
def _read(column: Field, raw: str | None) -> Any:
    """A submitted cell as definition data; what cannot be read is passed on for normalise to refuse."""
    raw = (raw or "").strip() if column.kind != HTML else (raw or "")
    if column.kind == BOOL:
        return raw in ("on", "1", "true", "y")
    if column.kind == PERCENT:
        if raw == "":
            return 0.0
        try:
            return float(raw.replace(",", ".").rstrip("%")) / 100
        except ValueError:
            return raw
    if column.kind == NUMBER:
        if raw == "":
            return None
        try:
            number = float(raw.replace(",", "."))
        except ValueError:
            return raw
        return int(number) if number.is_integer() else number
    return raw


def _blank(column: Field, raw: str | None) -> bool:
    return column.kind in (HIDDEN, BOOL) or not (raw or "").strip()


def row_count(form: Mapping[str, str], rows: Rows) -> int:
    try:
        return max(0, min(int(form.get(f"{rows.key}-count", "0")), 200))
    except ValueError:
        return 0


def read_form(editor: Editor, form: Mapping[str, str]) -> dict[str, Any]:
    """The type's keys from a submitted form (``request.form``); empty rows are left out."""
    data: dict[str, Any] = {}
    for single in editor.fields:
        data[single.key] = _read(single, form.get(f"f-{single.key}"))
    for rows in editor.rows:
        entries = []
        for index in range(row_count(form, rows)):
            cells = {c.key: form.get(f"{rows.key}-{index}-{c.key}") for c in rows.columns}
            if all(_blank(c, cells[c.key]) for c in rows.columns):
                continue
            entry = {c.key: _read(c, cells[c.key]) for c in rows.columns}
            entries.append({k: v for k, v in entry.items() if not (k == "id" and not v)})
        data[rows.key] = entries
    return data


def submitted_values(editor: Editor, form: Mapping[str, str]) -> dict[str, Any]:
    """The values to show again after a refused or "Add rows" submit: as typed, every row kept."""
    values: dict[str, Any] = {}
    for single in editor.fields:
        raw = form.get(f"f-{single.key}")
        values[single.key] = (raw is not None) if single.kind == BOOL else (raw or "")
    for rows in editor.rows:
        values[rows.key] = [
            {
                c.key: (form.get(f"{rows.key}-{i}-{c.key}") is not None)
                if c.kind == BOOL
                else form.get(f"{rows.key}-{i}-{c.key}", "")
                for c in rows.columns
            }
            for i in range(row_count(form, rows))
        ]
    return values


# -- the generic editor: a GIFT answer block, or JSON --------------------------------------------------------
COMMON_KEYS = ("type", "stem", "general_feedback", "default_mark")
GIFT, JSON = "gift", "json"
GENERIC_LABELS = {
    GIFT: _l("Answers, as a GIFT answer block (without the braces)"),
    JSON: _l("The question's settings, as JSON"),
}


def generic_text(item_type: Any, data: Mapping[str, Any] | None) -> tuple[str, str]:
    """``(format, text)`` of the generic editor: the GIFT answer block when the type writes one for this
    item, else the type's own keys as JSON."""
    if data is None:
        return (GIFT, "") if _has_gift(item_type) else (JSON, "{}")
    if _has_gift(item_type):
        try:
            return GIFT, item_type.to_gift(dict(data))
        except Exception:  # noqa: BLE001, S110 - any item GIFT cannot write is edited as JSON instead
            pass
    own = {key: value for key, value in data.items() if key not in COMMON_KEYS}
    return JSON, json.dumps(own, ensure_ascii=False, indent=2)


def generic_read(item_type: Any, fmt: str, text: str, stem: str) -> dict[str, Any]:
    """The type's keys from the generic editor's text; ItemInvalid (from the type) for text it cannot read."""
    if fmt == GIFT and _has_gift(item_type):
        data = dict(item_type.from_gift(text, stem))
        if not data.get("general_feedback"):
            data.pop("general_feedback", None)  # the form's own field says it
        return data
    try:
        data = json.loads(text or "{}")
        # A lone surrogate ("\\ud800") is valid JSON but no text a page can show: UnicodeEncodeError here.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as error:  # RecursionError: nested past the parser's depth
        raise ItemInvalid(str(_l("the settings are not valid JSON: %(error)s", error=error))) from None
    if not isinstance(data, dict):
        raise ItemInvalid(str(_l("the settings must be a JSON object")))
    return {key: value for key, value in data.items() if key not in COMMON_KEYS}


def _has_gift(item_type: Any) -> bool:
    return item_type.writes_gift


def keep_ids(previous: Mapping[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Give the entries the generic editor read (GIFT writes no ids) the ids they had in ``previous``, nested
    lists too (a gap's choices): an entry keeps its counterpart's id — the entry with the same id, else the
    same text, else the one at the same place when neither has a text. Normalise checks the rest."""
    if not previous:
        return data
    for key, entries in data.items():
        before = previous.get(key)
        if isinstance(entries, list) and isinstance(before, list):
            _keep(before, entries)
    return data


def _keep(before: list[Any], entries: list[Any]) -> None:
    old = [e for e in before if isinstance(e, dict)]
    by_id = {e.get("id"): e for e in old if e.get("id")}
    by_text = {e.get("text"): e for e in old if e.get("text")}
    taken = {e.get("id") for e in entries if isinstance(e, dict) and e.get("id")}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        match = by_id.get(entry.get("id")) if entry.get("id") else None
        if match is None and entry.get("text"):
            match = by_text.get(entry["text"])
        if match is None and not entry.get("text") and index < len(old) and not old[index].get("text"):
            match = old[index]
        if match is None:
            continue
        if not entry.get("id") and match.get("id") and match["id"] not in taken:
            entry["id"] = match["id"]
            taken.add(match["id"])
        keep_ids(match, entry)
