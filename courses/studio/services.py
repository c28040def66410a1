"""Changes to a course's draft block tree: add, rename, reorder, delete, edit fields.

Every change goes through a draft runtime, so blocks are created and saved the way any XBlock runtime
would do it, and every change marks the course as having unpublished changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete
from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, ScopeIds, String

from courses.blocks.olx import BOOKKEEPING_FIELDS
from courses.context import runtime_for
from courses.models import Course
from courses.studio import line_lists, step_list
from lms import audit
from lms.db import db
from lms.xblock_host.context import DRAFT
from lms.xblock_host.keys import InvalidKey, UsageKey
from lms.xblock_host.models import NO_USER, XBlockField

STRUCTURE = ("course", "chapter", "sequential", "vertical")
CHILD_TYPE = {"course": "chapter", "chapter": "sequential", "sequential": "vertical"}


class StudioError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class OutlineNode:
    key: str
    block_type: str
    display_name: str
    children: list[OutlineNode] = field(default_factory=list)
    runnable: bool = True

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def create_root_block(course: Course) -> None:
    runtime = runtime_for(course, course.owner, DRAFT)
    key = UsageKey(course.root_key)
    root = runtime.construct_xblock("course", ScopeIds(None, "course", key, key))
    root.display_name = course.title
    root.children = []
    root.save()


def outline(course: Course, user) -> OutlineNode:  # noqa: ANN001
    runtime = runtime_for(course, user, DRAFT)
    types = runtime.load_block_type

    def build(key: str) -> OutlineNode:
        block = runtime.get_block(key)
        node = OutlineNode(
            key=str(key),
            block_type=block.scope_ids.block_type,
            display_name=getattr(block, "display_name", "") or "",
            runnable=types(block.scope_ids.block_type).__name__ != "UnavailableBlock",
        )
        if getattr(block, "has_children", False):
            node.children = [build(child) for child in block.children]
        return node

    return build(course.root_key)


def get_draft_block(runtime, course: Course, key: str):  # noqa: ANN001
    """The draft block ``key`` of ``course``; every block but the root has a stored parent."""
    try:
        usage = UsageKey(key)
    except InvalidKey as exc:
        raise StudioError(_("Unknown block.")) from exc
    exists = usage == course.root_key or runtime.field_rows.authored.has("parent", usage, NO_USER, "parent")
    if usage.context_key != course.code or not exists:
        raise StudioError(_("Unknown block."))
    return runtime.get_block(usage)


def add_block(course: Course, parent_key: str, block_type: str, by, display_name: str | None = None) -> str:  # noqa: ANN001
    from flask import current_app

    runtime = runtime_for(course, by, DRAFT)
    parent = get_draft_block(runtime, course, parent_key)
    parent_type = parent.scope_ids.block_type
    expected = CHILD_TYPE.get(parent_type)
    if parent_type == "vertical":
        if block_type in STRUCTURE or not current_app.extensions["xblock_types"].is_runnable(block_type):
            raise StudioError(_("This kind of component is not available."), "block_type")
    elif block_type != expected:
        raise StudioError(_("A %(parent)s can only contain %(child)s items.", parent=parent_type, child=expected))
    key = runtime.id_generator.create_definition(block_type)
    child = runtime.construct_xblock(block_type, ScopeIds(None, block_type, key, key))
    if display_name and "display_name" in child.fields:
        child.display_name = display_name.strip()
    child.parent = parent.scope_ids.usage_id
    # Save every field explicitly, defaults included, so the published snapshot is self-contained.
    authored = [name for name, f in child.fields.items() if f.scope in (Scope.content, Scope.settings)]
    for name in authored:
        getattr(child, name)  # force_save_fields saves values it has read
    child.force_save_fields(authored)
    child.save()
    parent.children = [*parent.children, key]
    parent.save()
    audit.record("block.added", "course", course.id, block=str(key))
    return str(key)


def rename_block(course: Course, key: str, display_name: str, by) -> None:  # noqa: ANN001
    runtime = runtime_for(course, by, DRAFT)
    block = get_draft_block(runtime, course, key)
    if "display_name" not in block.fields:
        raise StudioError(_("This component has no name to change."))
    name = display_name.strip()
    if not name:
        raise StudioError(_("Give it a name."), "display_name")
    block.display_name = name
    block.save()
    if str(key) == course.root_key:
        course.title = name


def move_block(course: Course, key: str, offset: int, by) -> None:  # noqa: ANN001
    runtime = runtime_for(course, by, DRAFT)
    block = get_draft_block(runtime, course, key)
    if block.parent is None:
        raise StudioError(_("The course itself cannot move."))
    parent = runtime.get_block(block.parent)
    children = [str(child) for child in parent.children]
    index = children.index(str(key))
    target = index + offset
    if not 0 <= target < len(children):
        return
    children[index], children[target] = children[target], children[index]
    parent.children = children
    parent.save()


def delete_block(course: Course, key: str, by) -> int:  # noqa: ANN001
    """Remove a block and everything under it from the draft; returns how many blocks went."""
    runtime = runtime_for(course, by, DRAFT)
    block = get_draft_block(runtime, course, key)
    if block.parent is None:
        raise StudioError(_("The course itself cannot be deleted here."))
    parent = runtime.get_block(block.parent)
    parent.children = [child for child in parent.children if str(child) != str(key)]
    parent.save()
    doomed, stack = [], [block]
    while stack:
        current = stack.pop()
        doomed.append(str(current.scope_ids.usage_id))
        if getattr(current, "has_children", False):
            stack.extend(runtime.get_block(child) for child in current.children)
    # Learners' state stays: a published version may still show these blocks until the next publish.
    db.session.execute(
        delete(XBlockField).where(
            XBlockField.block_key.in_(doomed),
            XBlockField.branch == DRAFT,
            XBlockField.user_id == NO_USER,
            XBlockField.scope.in_(("content", "settings", "children", "parent")),
        )
    )
    runtime.field_rows.authored.forget_blocks(doomed)
    audit.record("block.deleted", "course", course.id, block=str(key), count=len(doomed))
    return len(doomed)


# --- editing fields without a studio_view ---------------------------------------------------------------

EDITABLE_TYPES = (String, Integer, Float, Boolean, List, Dict)
HIDDEN_FIELDS = {"parent", "children", "editor", "xml_attributes", *BOOKKEEPING_FIELDS}


def editable_fields(block) -> list[tuple[str, Any]]:  # noqa: ANN001
    """The (name, field) pairs an author edits in the generated form: the block's own list if it has
    one (``editable_fields``, the StudioEditableXBlockMixin convention), else its content and settings."""
    names = getattr(block, "editable_fields", None)
    chosen = []
    for name, field_obj in block.fields.items():
        if names is not None and name not in names:
            continue
        if name in HIDDEN_FIELDS or field_obj.scope not in (Scope.content, Scope.settings):
            continue
        if not isinstance(field_obj, EDITABLE_TYPES):
            continue
        chosen.append((name, field_obj))
    if names is not None:
        order = {name: i for i, name in enumerate(names)}
        chosen.sort(key=lambda pair: order.get(pair[0], len(order)))
    return chosen


def parse_field_value(field_obj, raw: str | None) -> Any:  # noqa: ANN001
    if isinstance(field_obj, Boolean):
        return raw in ("y", "on", "true", "1")
    # Browsers send a textarea's line breaks as CRLF: store the text's own (LF), as HTML parsing reads it.
    raw = (raw or "").replace("\r\n", "\n")
    if isinstance(field_obj, (List, Dict)):
        try:
            value = json.loads(raw or ("[]" if isinstance(field_obj, List) else "{}"))
        except json.JSONDecodeError as exc:
            raise ValueError(_("Not valid JSON: %(error)s", error=exc.msg)) from exc
        if not isinstance(value, list if isinstance(field_obj, List) else dict):
            raise ValueError(_("Expected a JSON %(kind)s.", kind="list" if isinstance(field_obj, List) else "object"))
        return value
    if isinstance(field_obj, Integer):
        if raw.strip() == "" and field_obj.default is None:
            return None
        try:
            return int(raw)
        except ValueError as exc:
            raise ValueError(_("Enter a whole number.")) from exc
    if isinstance(field_obj, Float):
        if raw.strip() == "" and field_obj.default is None:
            return None
        try:
            return float(raw)
        except ValueError as exc:
            raise ValueError(_("Enter a number.")) from exc
    values = getattr(field_obj, "values", None)
    if (
        isinstance(values, (list, tuple))
        and values
        and raw not in [(v.get("value") if isinstance(v, dict) else v) for v in values]
    ):
        raise ValueError(_("Choose one of the offered values."))
    return raw


def save_fields(course: Course, key: str, raw_values: dict[str, str | None], by) -> dict[str, str]:  # noqa: ANN001
    """Validate and save the generated form; returns {field: error} and saves nothing if any."""
    runtime = runtime_for(course, by, DRAFT)
    block = get_draft_block(runtime, course, key)
    errors, parsed = {}, {}
    for name, field_obj in editable_fields(block):
        try:
            if step_list.is_step_list(block, name):
                raw_ids = raw_values.get(step_list.ids_field(name))
                parsed[name] = step_list.parse(raw_values.get(name), getattr(block, name), raw_ids)
            elif (lines := line_lists.line_list(block, name)) is not None:
                parsed[name] = lines.parse(raw_values.get(name), getattr(block, name))
            else:
                parsed[name] = parse_field_value(field_obj, raw_values.get(name))
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        return errors
    for name, value in parsed.items():
        setattr(block, name, value)
    block.save()
    audit.record("block.edited", "course", course.id, block=str(key))
    return {}
