"""Helpers for the item-type tests: a normalised definition in one call, and what the learner's page gets."""

from __future__ import annotations

import json
import random
from typing import Any

from assessments import items


def make(type_name: str, **data: Any) -> dict[str, Any]:
    return items.get(type_name).normalise({"stem": "<p>The question?</p>", **data})


def shown(definition: dict[str, Any], seed: int = 7) -> str:
    """present() as the JSON the learner's page receives."""
    return json.dumps(items.get(definition["type"]).present(definition, random.Random(seed)))


def outcome(definition: dict[str, Any], raw: Any):
    """The outcome of what a browser sent: parse, then score (as the attempt does)."""
    item_type = items.get(definition["type"])
    return item_type.score(definition, item_type.parse(definition, raw))


def fraction(definition: dict[str, Any], raw: Any) -> float | None:
    return outcome(definition, raw).fraction


def ids_by_text(entries: list[dict[str, Any]]) -> dict[str, str]:
    return {entry["text"]: entry["id"] for entry in entries}
