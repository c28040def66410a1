"""The item-type registry: every question type an assessment can hold, one module per type.

Types are registered by name from the ``tot_lms.item_types`` entry point group, so a package can add
one (say, a hotspot on an image) without touching this one; ours are declared in ``pyproject.toml`` like
any other. ``assessments/items/base.py`` says what a type must do. Beside the types are the pieces several
share (``common``, ``editing``, ``text_match``, ``moodle_parts``, ``cloze``) and the text helpers the types
and the interchange formats both use (``gift_text``, ``text_formats``): ``assessments/formats`` stands on
this package, never the other way round.
"""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid

__all__ = ["ItemInvalid", "ItemType", "Outcome", "ResponseInvalid", "all_types", "get"]
GROUP = "tot_lms.item_types"


@functools.cache
def _registry() -> dict[str, ItemType]:
    types: dict[str, ItemType] = {}
    for entry in entry_points(group=GROUP):
        item_type = entry.load()()
        if entry.name != item_type.name:
            raise RuntimeError(f"entry point {entry.name!r} loads the item type {item_type.name!r}")
        types[entry.name] = item_type
    return types


def get(name: str) -> ItemType:
    """The type registered as ``name``; ItemInvalid for an unknown one (a definition names its type)."""
    try:
        return _registry()[name]
    except KeyError:
        raise ItemInvalid(f"unknown question type {name!r}") from None


# How the studio offers our types (the commonest first); another package's come after, by name.
OFFERED_ORDER = (
    "single_choice", "multiple_response", "true_false", "short_answer", "numerical",
    "matching", "ordering", "fill_in", "essay", "description",
)  # fmt: skip


def all_types() -> list[ItemType]:
    """Every registered type: ours in ``OFFERED_ORDER``, then any other package's by name."""
    rank = {name: index for index, name in enumerate(OFFERED_ORDER)}
    return sorted(_registry().values(), key=lambda t: (rank.get(t.name, len(rank)), t.name))
