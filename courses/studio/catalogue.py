"""What the studio calls each kind of component: a human name, a one-line description and a group, for
the "Add a component" choice, the unit page and the editor's title.

Only the allowed types are offered (``lms.xblock_host.registry``: the xblock-sdk's samples and debugging
blocks only when an admin names them in ``LMS_XBLOCK_ALLOWLIST``). Types we know are described here;
any other installed block goes under "Other installed blocks" with the name its package gives it (its
``display_name`` field's default) and its entry-point name, so an admin can still tell which it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

TEXT_AND_MEDIA = "text_media"
EXERCISES = "exercises"
HOSPITAL = "hospital"
OTHER = "other"
GROUPS = {
    TEXT_AND_MEDIA: _l("Text and media"),
    EXERCISES: _l("Exercises"),
    HOSPITAL: _l("Hospital skills"),
    OTHER: _l("Other installed blocks"),
}

# type → (name, description, group), in the order offered within a group.
KNOWN = {
    "html": (_l("Text"), _l("Formatted text with headings, lists, links and pictures."), TEXT_AND_MEDIA),
    "video": (_l("Video"), _l("A video from the course files or the web, with captions."), TEXT_AND_MEDIA),
    "resource": (_l("Files to download"), _l("A list of course files: handouts, checklists, slides."), TEXT_AND_MEDIA),
    "poll": (_l("Poll"), _l("One question; learners vote and see how others answered."), EXERCISES),
    "survey": (_l("Survey"), _l("Several questions rated on one scale, with the results."), EXERCISES),
    "drag-and-drop-v2": (_l("Drag and drop"), _l("Learners drag items onto the right zones of a picture."), EXERCISES),
    "freetextresponse": (_l("Written answer"), _l("Learners write a free-text answer to a question."), EXERCISES),
    "done": (_l("Mark as done"), _l("A button learners press when they have done an activity."), EXERCISES),
    "skill_checklist": (
        _l("Skill checklist"),
        _l("A competency's steps: the learner's self-assessment and an assessor's sign-off."),
        HOSPITAL,
    ),
    "procedure_log": (
        _l("Procedure logbook"),
        _l("Learners log the procedures they perform; an assessor verifies them."),
        HOSPITAL,
    ),
}


def register_kind(block_type: str, name: Any, description: Any, group: str) -> None:
    """Name and group a domain package's own block type in the picker (the assessments package's ``assessment``)."""
    if group not in GROUPS:
        raise ValueError(f"unknown component group {group!r}")
    KNOWN[block_type] = (name, description, group)


@dataclass(frozen=True)
class ComponentKind:
    block_type: str
    name: str
    description: str
    group: str


def describe(block_type: str) -> ComponentKind:
    """The name, description and group of one component type."""
    known = KNOWN.get(block_type)
    if known is not None:
        name, description, group = known
        return ComponentKind(block_type, str(name), str(description), group)
    return ComponentKind(block_type, _package_name(block_type), "", OTHER)


def _package_name(block_type: str) -> str:
    """The name an installed block gives itself (its display_name default), else its entry-point name."""
    cls = current_app.extensions["xblock_types"].load(block_type)
    field = getattr(cls, "fields", {}).get("display_name")
    default = getattr(field, "default", None)
    return default if isinstance(default, str) and default.strip() else block_type


def grouped(block_types: list[str]) -> list[tuple[str, list[ComponentKind]]]:
    """The types as (group label, kinds) in the groups' order; known types in our order, others by name."""
    order = {name: index for index, name in enumerate(KNOWN)}
    kinds = sorted(
        (describe(t) for t in block_types),
        key=lambda kind: (order.get(kind.block_type, len(order)), kind.name.lower(), kind.block_type),
    )
    return [
        (str(label), members)
        for group, label in GROUPS.items()
        if (members := [kind for kind in kinds if kind.group == group])
    ]
