"""The assessment block's settings form as the studio posts it: each value checked, then the block's fields.

A plain form (it works without JavaScript); ``read`` turns it into the fields to set, or refuses it with a
message for the author and the field it is about. It imports only what the block itself does, so the block
keeps working in any runtime.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from courses.blocks.form_handlers import whole_number
from courses.blocks.sanitize import clean_html

KINDS = ("pre", "post", "practice")
GRADING = ("highest", "last", "first", "average")
SHOW_ANSWERS = ("after_submission", "never")


class SettingsInvalid(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def read(data: dict[str, Any], _: Callable[..., str]) -> dict[str, Any]:
    """The block's fields from the submitted form; SettingsInvalid for the first value that will not do.
    ``_`` translates (the block's catalogue), filling its variables."""
    kind, grading, show = data.get("kind"), data.get("grading"), data.get("show_answers")
    if kind not in KINDS or grading not in GRADING or show not in SHOW_ANSWERS:
        raise SettingsInvalid(_("Choose the kind, grading method and review from the lists."))
    numbers = {}
    limits = (
        ("time_limit_minutes", _("Time limit (minutes)"), 600),
        ("attempts_allowed", _("Attempts allowed"), 50),
    )
    for name, label, high in limits:
        value = whole_number(data.get(name) or 0)
        if value is None or not 0 <= value <= high:
            message = _("“%(label)s” must be a whole number from 0 to %(high)d.", label=label, high=high)
            raise SettingsInvalid(message, field=name)
        numbers[name] = value
    try:
        pass_mark = float(data.get("pass_mark") or 0)
    except (TypeError, ValueError, OverflowError):  # a list or an object in JSON, a number past any float
        pass_mark = -1.0
    if not 0 <= pass_mark <= 100:
        raise SettingsInvalid(_("The pass mark is a percentage from 0 to 100."), field="pass_mark")
    categories, counts = data.get("category") or [], data.get("count") or []
    # One row comes as its value (JSON, or a form's single field): a list of one, whatever its type.
    categories = categories if isinstance(categories, list) else [categories]
    counts = counts if isinstance(counts, list) else [counts]
    draws = []
    for path, count in zip(categories, counts, strict=False):
        number = whole_number(count or 0)
        if number is None or number < 0 or not isinstance(path, str):
            raise SettingsInvalid(
                _("The number of questions from “%(category)s” must be a whole number.", category=path),
                field="count",
            )
        if number:
            draws.append({"category": str(path), "count": number})
    title = str(data.get("display_name") or "").strip()
    if not title:
        raise SettingsInvalid(_("Give the assessment a title."), field="display_name")
    return {
        "display_name": title[:200],
        "kind": kind,
        "grading": grading,
        "show_answers": show,
        "time_limit_minutes": numbers["time_limit_minutes"],
        "attempts_allowed": numbers["attempts_allowed"],
        "pass_mark": pass_mark,
        "shuffle_questions": data.get("shuffle_questions") in ("on", "true", True),
        "intro": clean_html(str(data.get("intro") or "")),
        "draws": draws,
    }
