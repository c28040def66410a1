"""What item types share: the common keys of a definition, ids, sanitised HTML, marks and fractions."""

from __future__ import annotations

import math
import re
import secrets
from typing import Any

from flask_babel import gettext as _

from assessments.items.base import ItemInvalid, ResponseInvalid
from courses.blocks.sanitize import clean_html

_ID = re.compile(r"^[a-z0-9]{1,12}$")


def common(data: dict[str, Any], type_name: str, stem_required: bool = True) -> dict[str, Any]:
    """The common keys, checked and canonical; type modules add their own keys to the result."""
    errors = []
    stem = clean_html(str(data.get("stem") or "")).strip()
    if stem_required and not stem:
        errors.append(_("the question text is empty"))
    mark = data.get("default_mark", 1)
    try:
        mark = float(mark)
    except (TypeError, ValueError):
        mark = math.nan
    if not math.isfinite(mark) or mark <= 0:
        errors.append(_("the default mark must be a number above 0"))
    if errors:
        raise ItemInvalid(errors)
    return {
        "type": type_name,
        "stem": stem,
        "general_feedback": clean_html(str(data.get("general_feedback") or "")).strip(),
        "default_mark": mark,
    }


def begin(data: dict[str, Any], type_name: str, stem_required: bool = True) -> tuple[dict[str, Any], list[str]]:
    """:func:`common`, its errors returned instead of raised, so a type reports every problem at once."""
    try:
        return common(data, type_name, stem_required), []
    except ItemInvalid as invalid:
        return {"type": type_name}, list(invalid.errors)


def objects(raw: Any, minimum: int, too_few: str, not_object: str) -> list[dict[str, Any]]:
    """A definition's list of entries (choices, answers, pairs …): at least ``minimum`` objects, else
    ItemInvalid with ``too_few``, or ``not_object`` (formatted with the entry's number ``n``)."""
    if not isinstance(raw, list) or len(raw) < minimum:
        raise ItemInvalid(too_few)
    for number, entry in enumerate(raw, 1):
        if not isinstance(entry, dict):
            raise ItemInvalid(not_object % {"n": number})
    return raw


def html(value: Any) -> str:
    """Authored HTML of an option or a feedback, sanitised."""
    return clean_html(str(value or "")).strip()


def fraction(value: Any, lowest: float = -1.0) -> float:
    """A fraction of the mark in [lowest, 1]; ItemInvalid otherwise."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ItemInvalid(_("%(value)s is not a fraction", value=repr(value))) from None
    if not math.isfinite(number) or not lowest <= number <= 1:
        low = f"{lowest:g}"
        raise ItemInvalid(_("a fraction must be between %(lowest)s and 1, not %(value)s", lowest=low, value=value))
    return number


def assign_ids(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep each entry's valid id (so a response to an earlier version names the same entry), give new
    entries fresh ones, and refuse duplicates."""
    seen: set[str] = set()
    for entry in entries:
        given = entry.get("id")
        if isinstance(given, str) and _ID.match(given):
            if given in seen:
                raise ItemInvalid(_("the id %(id)s is used twice", id=repr(given)))
            seen.add(given)
    for entry in entries:
        if not (isinstance(entry.get("id"), str) and _ID.match(entry["id"])):
            new = secrets.token_hex(3)
            while new in seen:
                new = secrets.token_hex(3)
            entry["id"] = new
            seen.add(new)
    return entries


def assign_ids_noting(entries: list[dict[str, Any]], errors: list[str], where: str = "") -> list[dict[str, Any]]:
    """:func:`assign_ids`, its problem added to ``errors`` (after ``where``) instead of raised, so a type
    reports every problem at once; the entries as they are when their ids were refused."""
    try:
        return assign_ids(entries)
    except ItemInvalid as invalid:
        errors.extend(where + e for e in invalid.errors)
        return entries


def form_pairs(values: list[Any], problem: str) -> dict[str, str]:
    """A form's selects that each send ``"<id>:<value>"`` (``""`` for one left blank) as ``{id: value}``;
    ResponseInvalid with ``problem`` for a value that is not such a pair, or an id sent twice."""
    pairs: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str):
            raise ResponseInvalid(problem)
        if value == "":
            continue
        key, colon, rest = value.partition(":")
        if not colon or key in pairs:
            raise ResponseInvalid(problem)
        pairs[key] = rest
    return pairs


def plain(html_text: str) -> str:
    """HTML as one line of plain text (tables, CSV)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split())
