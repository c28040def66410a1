"""A course's shape, read from a snapshot: modules, lessons, units in reading order, and which leaf
blocks count towards completion.

Published snapshots never change, so their structure is computed once per process and version. A leaf
counts as:

* ``view`` — completed by being seen (text, files: XBlock's default completion mode);
* ``custom`` — completed only when the block says so, through a ``completion`` or ``grade`` event
  (videos, exercises, checklists; blocks with ``has_custom_completion`` or ``has_score``);
* excluded — blocks that opt out (``completion_mode = excluded``) and blocks this installation
  cannot run (a learner could never complete them).

A unit with no countable leaf is completed by being seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask import current_app
from xblock.completable import XBlockCompletionMode

from lms import caches
from lms.xblock_host.unavailable import UnavailableBlock

_EMPTY: Mapping[str, str] = MappingProxyType({})
_EMPTY_MODULES: Mapping[str, Any] = MappingProxyType({})
CONTAINERS = ("course", "chapter", "sequential", "vertical")


@dataclass(frozen=True)
class Unit:
    key: str
    title: str
    chapter_key: str
    sequential_key: str
    index: int  # position in reading order
    leaves: tuple[str, ...] = ()
    countable: Mapping[str, str] = _EMPTY  # leaf key -> "view" | "custom"

    @property
    def completion_items(self) -> list[str]:
        """What must be complete for this unit: its countable leaves, or the unit itself."""
        return list(self.countable) or [self.key]

    @property
    def viewed_items(self) -> list[str]:
        """What seeing the unit completes."""
        viewed = [key for key, how in self.countable.items() if how == "view"]
        return viewed if self.countable else [self.key]


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    units: tuple[Unit, ...] = ()


@dataclass(frozen=True)
class Module:
    key: str
    title: str
    index: int
    lessons: tuple[Lesson, ...] = ()

    @property
    def units(self) -> list[Unit]:
        return [unit for lesson in self.lessons for unit in lesson.units]

    @property
    def completion_items(self) -> list[str]:
        return [item for unit in self.units for item in unit.completion_items]


@dataclass(frozen=True)
class Structure:
    """Immutable, so one structure can serve every request of the process (``lms.caches``)."""

    root_key: str
    title: str
    modules: tuple[Module, ...]
    units: tuple[Unit, ...]
    unit_by_key: Mapping[str, Unit]
    unit_of_leaf: Mapping[str, Unit]
    # Every block of a module (its chapter, lessons, units, components and their children) -> the module;
    # blocks outside every module (the course itself) are not in it.
    module_of_block: Mapping[str, Module] = _EMPTY_MODULES

    @property
    def completion_items(self) -> list[str]:
        return [item for module in self.modules for item in module.completion_items]

    @property
    def size(self) -> int:
        """Roughly how many bytes it holds (the cache's bound)."""
        return 1000 + 400 * len(self.units) + 200 * len(self.unit_of_leaf)

    def neighbours(self, unit_key: str) -> tuple[Unit | None, Unit | None]:
        unit = self.unit_by_key[unit_key]
        previous = self.units[unit.index - 1] if unit.index > 0 else None
        following = self.units[unit.index + 1] if unit.index + 1 < len(self.units) else None
        return previous, following

    def module_of(self, unit_key: str) -> Module:
        return self.module_of_block[unit_key]


def completion_kind(block_type: str) -> str | None:
    """ "view", "custom" or None (excluded) for a leaf block type."""
    cls = current_app.extensions["xblock_types"].load(block_type)
    if cls is UnavailableBlock:
        return None
    mode = getattr(cls, "completion_mode", XBlockCompletionMode.COMPLETABLE)
    if mode != XBlockCompletionMode.COMPLETABLE:
        return None
    if getattr(cls, "has_custom_completion", False) or getattr(cls, "has_score", False):
        return "custom"
    return "view"


def _title(entry: dict[str, Any], fallback: str) -> str:
    return (entry.get("fields") or {}).get("display_name") or fallback


def build(snapshot: Mapping[str, Mapping[str, Any]], root_key: str) -> Structure:
    root = snapshot.get(root_key, {"children": (), "fields": {}})
    units: list[Unit] = []
    unit_of_leaf: dict[str, Unit] = {}
    module_of_block: dict[str, Module] = {}
    kinds: dict[str, str | None] = {}

    def children(key: str) -> list[str]:
        return [child for child in snapshot.get(key, {}).get("children", ()) if child in snapshot]

    def kind(leaf_key: str) -> str | None:
        leaf_type = snapshot[leaf_key].get("type") or leaf_key.split("+type@", 1)[1].split("+", 1)[0]
        if leaf_type not in kinds:
            kinds[leaf_type] = completion_kind(leaf_type)
        return kinds[leaf_type]

    def unit(unit_key: str, chapter_key: str, sequential_key: str) -> Unit:
        leaves = tuple(children(unit_key))
        countable = {leaf: how for leaf in leaves if (how := kind(leaf))}
        built = Unit(
            unit_key, _title(snapshot[unit_key], "Unit"), chapter_key, sequential_key, len(units), leaves,
            MappingProxyType(countable),
        )  # fmt: skip
        units.append(built)
        unit_of_leaf.update(dict.fromkeys(leaves, built))
        return built

    def lesson(sequential_key: str, chapter_key: str) -> Lesson:
        title = _title(snapshot[sequential_key], "Lesson")
        return Lesson(
            sequential_key, title, tuple(unit(key, chapter_key, sequential_key) for key in children(sequential_key))
        )

    modules = tuple(
        Module(key, _title(snapshot[key], f"Module {index + 1}"), index, tuple(lesson(s, key) for s in children(key)))
        for index, key in enumerate(children(root_key))
    )
    module_of_block: dict[str, Module] = {}
    for module in modules:  # everything below the chapter belongs to its module, down to components' children
        stack = [module.key]
        while stack:
            key = stack.pop()
            if key not in module_of_block:
                module_of_block[key] = module
                stack.extend(children(key))
    return Structure(
        root_key=root_key,
        title=_title(root, "Course"),
        modules=modules,
        units=tuple(units),
        unit_by_key=MappingProxyType({unit.key: unit for unit in units}),
        unit_of_leaf=MappingProxyType(unit_of_leaf),
        module_of_block=MappingProxyType(module_of_block),
    )


def published_structure(course) -> Structure | None:  # noqa: ANN001
    """The structure of the course's published version (cached per version), or None if unpublished."""
    from courses.versions import snapshot_store

    version_id = course.published_version_id
    if version_id is None:
        return None
    return caches.PUBLISHED_STRUCTURES.get_or_build(
        version_id, lambda: build(snapshot_store(version_id).snapshot, course.root_key)
    )


def draft_structure(course) -> Structure:  # noqa: ANN001
    from courses.versions import draft_snapshot

    return build(draft_snapshot(course), course.root_key)
