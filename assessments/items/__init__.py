"""The item-type registry: every question type an assessment can hold, one module per type.

Types are registered by name from the ``tot_lms.item_types`` entry point group, so a package can add
one (say, a hotspot on an image) without touching this one; ours are declared in ``pyproject.toml`` like
any other. ``assessments/items/base.py`` says what a type must do.
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


def all_types() -> list[ItemType]:
    """Every registered type, in registration order (ours first: pyproject.toml lists them)."""
    return list(_registry().values())
