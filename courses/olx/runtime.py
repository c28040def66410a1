"""The two runtimes OLX needs on top of ``LmsRuntime``: one that parses with stable block ids, one that
writes Open edX's file layout.

``ImportRuntime`` takes each block's id from its OLX ``url_name`` (XBlock's own ``_usage_id_from_node``
passes no slug), so usage keys are stable and a re-export writes the same ``url_name``s. Blocks this
installation cannot run keep ``url_name`` and ``xblock-family`` in their verbatim OLX. It parses a course
that is not in the database yet, and touches the database no more than it: every field a block saves, of
any scope, goes to :class:`PlannedRows` in memory, the rows the import writes later in short transactions
(``courses.olx.writer``), so parsing holds no transaction and no lock.

``ExportRuntime`` lets every block serialise itself (``add_xml_to_node``) and decides only *where* the
result goes, as Studio does: containers, ``html``, ``video`` and pointer-style unavailable blocks into
their own files, every other XBlock inline in its unit with ``xblock-family``.
"""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from lxml import etree
from xblock.fields import ScopeIds

from courses.blocks.olx import BOOKKEEPING_FIELDS, OlxAttributesMixin
from courses.models import course_root_key
from courses.olx.errors import OlxError
from courses.olx.pointers import BLOCK_TAG, FAMILY, STRUCTURE
from lms.xblock_host.context import DRAFT
from lms.xblock_host.keys import UsageKey, new_block_id, slugify
from lms.xblock_host.kvs import RoutedFieldData, field_row
from lms.xblock_host.runtime import LmsRuntime
from lms.xblock_host.unavailable import UnavailableBlock


class _KeptAttributesFilter(logging.Filter):
    """Silences XBlock's "does not contain field" warning for blocks that keep such attributes anyway
    (``OlxAttributesMixin``); for other blocks the warning stays, as the attribute is really dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg == "%s does not contain field %s" and record.args:
            block_class = record.args[0]
            return not (isinstance(block_class, type) and issubclass(block_class, OlxAttributesMixin))
        return True


@contextmanager
def _quiet_kept_attributes():
    root_logger, quiet = logging.getLogger(), _KeptAttributesFilter()
    root_logger.addFilter(quiet)
    try:
        yield
    finally:
        root_logger.removeFilter(quiet)


@dataclass(frozen=True)
class ImportAuthor:
    """What a runtime asks of the author an import acts for, read once before the import lets go of the
    database (an ORM ``User`` would load its expired attributes, in a transaction, when a block asks)."""

    id: int
    email: str
    name: str
    language: str

    @classmethod
    def of(cls, user) -> ImportAuthor:  # noqa: ANN001
        return cls(id=user.id, email=user.email, name=user.name, language=user.language)


class PlannedRows:
    """The field store of a course that is not written yet: ``xblock_field`` rows kept in memory, with the
    interface of ``SqlRows`` that ``RoutedFieldData`` uses. A row not set here does not exist."""

    def __init__(self, context_key: str):
        self.context_key = context_key
        self._values: dict[tuple[str, str, int, str], Any] = {}

    def get(self, scope: str, block_key: str, user_id: int, field: str) -> Any:
        return self._values[(scope, block_key, user_id, field)]

    def has(self, scope: str, block_key: str, user_id: int, field: str) -> bool:
        return (scope, block_key, user_id, field) in self._values

    def set_many(self, items: list[tuple[str, str, int, str, Any]]) -> None:
        for scope, block_key, user_id, field, value in items:
            # As the JSON column would store it, now: a block may go on changing the object it saved.
            self._values[(scope, block_key, user_id, field)] = json.loads(json.dumps(value))

    def delete(self, scope: str, block_key: str, user_id: int, field: str) -> None:
        self._values.pop((scope, block_key, user_id, field), None)

    def forget_blocks(self, block_keys) -> None:  # noqa: ANN001 - nothing is cached behind the rows' back
        pass

    def rows(self) -> list[dict[str, Any]]:
        """The ``xblock_field`` rows to insert (the course's draft branch), as ``SqlRows.set_many`` makes them."""
        return [
            field_row(DRAFT, self.context_key, scope, block_key, user_id, field, value)
            for (scope, block_key, user_id, field), value in self._values.items()
        ]


class _PlannedCourse:
    """The learning context of the course being parsed: its code, draft rows in memory, the author as staff."""

    branch = DRAFT
    version_id = None
    course_id = 0  # no row yet

    def __init__(self, code: str):
        self.context_key = code
        self.root_key = course_root_key(code)
        self.authored = PlannedRows(code)

    def can_use(self, user) -> bool:  # noqa: ANN001, ARG002
        return True

    def can_act_for(self, acting_user, state_user_id: int) -> bool:  # noqa: ANN001, ARG002
        return False

    def user_role(self, user) -> str:  # noqa: ANN001, ARG002
        return "staff"  # the author the course is imported for will own it

    def asset_url(self, filename: str) -> str:
        return f"/static/{filename}"  # nothing is rendered while parsing


class ImportRuntime(LmsRuntime):
    """A draft runtime that creates the blocks of course ``code`` from an inlined OLX tree, in memory."""

    def __init__(self, code: str, acting_user: ImportAuthor):
        context = _PlannedCourse(code)
        super().__init__(context, acting_user)
        self.planned: PlannedRows = context.authored
        # User-scoped fields a block might set while parsing are the course's rows too: none reaches the database.
        self.user_rows = self.planned  # type: ignore[assignment]
        self.field_rows = RoutedFieldData(self.planned, self.planned)  # type: ignore[arg-type]
        self._services["field-data"] = self.field_rows
        self.created: list[UsageKey] = []
        self.unavailable: dict[str, int] = {}
        self._taken: set[str] = set()

    def start_root(self, title: str) -> None:
        """The course block as a new course has it (its title, no children), before the OLX's fields."""
        key = UsageKey(self.context.root_key)
        root = self.construct_xblock("course", ScopeIds(None, "course", key, key))
        root.display_name = title
        root.children = []
        root.save()

    def import_tree(self, root) -> UsageKey:  # noqa: ANN001
        with _quiet_kept_attributes():
            return self._usage_id_from_node(root, None)

    def _key_for(self, block_type: str, url_name: str | None, is_root: bool) -> UsageKey:
        if is_root:
            key = UsageKey(self.context.root_key)
        else:
            slug = slugify(url_name) if url_name else new_block_id(block_type)
            key = self.id_generator.create_definition(block_type, slug)
            suffix = 2
            while key in self._taken:  # two blocks with one url_name: keep both
                key = self.id_generator.create_definition(block_type, f"{slug}_{suffix}")
                suffix += 1
        self._taken.add(key)
        return key

    def _usage_id_from_node(self, node, parent_id):  # noqa: ANN001
        block_type = node.tag
        if not isinstance(block_type, str) or not BLOCK_TAG.match(block_type):
            raise OlxError(_("Line %(line)s: <%(tag)s> is not a block type.", line=node.sourceline, tag=block_type))
        block_class = self.load_block_type(block_type)
        url_name = node.get("url_name")
        if block_class is not UnavailableBlock:
            # Not fields of the block (XBlock would log them as unknown attributes); the key keeps url_name.
            node.attrib.pop(FAMILY, None)
            node.attrib.pop("url_name", None)
        else:
            self.unavailable[block_type] = self.unavailable.get(block_type, 0) + 1
        is_root = parent_id is None and block_type == "course"
        key = self._key_for(block_type, url_name, is_root)
        keys = ScopeIds(None, block_type, key, key)
        try:
            block = self.mixologist.mix(block_class).parse_xml(node, self, keys)
        except OlxError:
            raise
        except Exception as exc:  # a third-party block rejecting its own OLX
            raise OlxError(
                _(
                    "Line %(line)s: the %(type)s block %(name)s could not be read: %(error)s",
                    line=node.sourceline,
                    type=block_type,
                    name=url_name or "",
                    error=exc,
                )
            ) from exc
        if parent_id is not None:
            block.parent = parent_id
        block.save()
        self.created.append(key)
        return key


def _indent_children(node, depth: int = 0) -> None:  # noqa: ANN001
    """Indent a container's direct children only (deeper whitespace may be content)."""
    children = list(node)
    if not children:
        return
    inner = "\n" + "  " * (depth + 1)
    node.text = (node.text or "").strip() or inner
    for child in children:
        child.tail = inner
    children[-1].tail = "\n" + "  " * depth


def _drop_empty_none_fields(block, node) -> None:  # noqa: ANN001
    """XBlock writes a None value as ``name=""``, which would come back as "" instead of None."""
    for name, field in block.fields.items():
        if node.get(name) == "" and field.default is None and getattr(block, name, "") is None:
            del node.attrib[name]


def _url_name_first(node, url_name: str) -> None:  # noqa: ANN001
    attributes = [(name, value) for name, value in node.attrib.items() if name != "url_name"]
    node.attrib.clear()
    node.set("url_name", url_name)
    for name, value in attributes:
        node.set(name, value)


# Types Studio writes to their own <type>/<id>.xml (edx-platform's XmlMixin blocks) that also run here; html,
# which also has its .html file, is handled on its own.
POINTER_FILE_TYPES = frozenset({*STRUCTURE, "video"})


class ExportRuntime(LmsRuntime):
    """A read-only runtime (draft or published) that collects ``{path: bytes}`` of an OLX course folder."""

    def __init__(self, context, acting_user):  # noqa: ANN001
        super().__init__(context, acting_user)
        self.files: dict[str, bytes] = {}

    def serialise(self, block):  # noqa: ANN001, ANN201
        """The block's own XML, tidied for Open edX."""
        node = etree.Element(block.scope_ids.block_type)
        try:
            block.add_xml_to_node(node)
        except Exception as exc:  # a third-party block failing to write itself
            usage = block.scope_ids.usage_id
            raise OlxError(
                _(
                    "The %(type)s block %(id)s could not be exported: %(error)s",
                    type=usage.block_type,
                    id=usage.block_id,
                    error=exc,
                )
            ) from exc
        _drop_empty_none_fields(block, node)
        # What courses.blocks.olx keeps is written back attribute by attribute; the fields are not OLX.
        for name in BOOKKEEPING_FIELDS:
            node.attrib.pop(name, None)
        node.attrib.pop("url_name", None)
        return node

    def export_root(self, key: str):  # noqa: ANN201
        node = self.serialise(self.get_block(key))
        node.attrib.pop(FAMILY, None)
        _indent_children(node)
        return node

    def write(self, path: str, node) -> None:  # noqa: ANN001
        self.files[path] = etree.tostring(node, encoding="utf-8") + b"\n"

    def _pointer(self, parent, node, block_id: str) -> None:  # noqa: ANN001
        self.write(f"{node.tag}/{block_id}.xml", node)
        etree.SubElement(parent, node.tag, {"url_name": block_id})

    def add_block_as_child_node(self, block, node):  # noqa: ANN001
        block_type = block.scope_ids.block_type
        block_id = block.scope_ids.usage_id.block_id
        definition = self.serialise(block)
        if block_type in POINTER_FILE_TYPES and not isinstance(block, UnavailableBlock):
            definition.attrib.pop(FAMILY, None)
            _indent_children(definition)
            self._pointer(node, definition, block_id)
        elif block_type == "html" and not isinstance(block, UnavailableBlock):
            # Open edX's layout: attributes in html/<id>.xml, the HTML itself verbatim in html/<id>.html.
            definition.attrib.pop(FAMILY, None)
            for child in list(definition):
                definition.remove(child)
            definition.text = None
            definition.set("filename", block_id)
            self.files[f"html/{block_id}.html"] = (getattr(block, "data", "") or "").encode("utf-8")
            self._pointer(node, definition, block_id)
        elif isinstance(block, UnavailableBlock) and definition.get(FAMILY) is None:
            self._pointer(node, definition, block_id)
        else:
            _url_name_first(definition, block_id)
            node.append(definition)
