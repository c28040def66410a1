"""Course structure: course → chapter (module) → sequential (lesson) → vertical (unit) → components.

Containers aggregate the completion of their children. ``vertical`` renders its children in order;
the higher levels render an outline of their children, which is what other runtimes (the workbench)
show — this LMS builds its own navigation from the published tree.
"""

from __future__ import annotations

import logging
from datetime import datetime

from markupsafe import escape
from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Integer, Scope, String

from courses.blocks.olx import BOOKKEEPING_FIELDS, OlxAttributesMixin, OlxElementsMixin, runs_in

log = logging.getLogger(__name__)


class DateString(String):
    """A date kept as the OLX wrote it. Runtimes may assign a datetime (the xblock-sdk workbench sets
    ``block.due = datetime.utcnow()`` on every render and handler call): it is stored as ISO 8601."""

    def to_json(self, value):
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        return super().to_json(value)


@XBlock.needs("i18n")
class _Container(OlxAttributesMixin, OlxElementsMixin, XBlock):
    has_children = True
    completion_mode = XBlockCompletionMode.AGGREGATOR
    # Carries its children's scripts and has none of its own: the page loads jQuery for a child that needs it.
    needs_jquery = False

    display_name = String(scope=Scope.settings, default="", help="The name shown in the outline.")

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        for name in BOOKKEEPING_FIELDS:  # ours, not OLX: an archive does not get to set them
            node.attrib.pop(name, None)
        kept = cls.take_unknown_elements(node, runs_in(runtime))
        block = super().parse_xml(node, runtime, keys)
        cls.keep_unknown_attributes(block, node)
        if kept:
            block.olx_elements = kept
        return block

    def add_xml_to_node(self, node):
        super().add_xml_to_node(node)
        self.write_unknown_attributes(node)
        self.write_unknown_elements(node)

    def _title(self) -> str:
        return self.display_name or self.ugettext("Untitled")

    def student_view(self, context=None):
        """An outline of the children (the workbench shows this; this LMS navigates on its own)."""
        items = "".join(
            f"<li>{escape(getattr(child, 'display_name', '') or child.scope_ids.block_type)}</li>"
            for child in self.get_children()
        )
        return Fragment(f'<nav class="block-outline"><h2>{escape(self._title())}</h2><ol>{items}</ol></nav>')


class CourseBlock(_Container):
    """The root of a course."""

    # The course's entry of an imported policies/<run>/policy.json, as JSON: its values come in as XML
    # attributes (text), and the export writes each one back with its JSON type while it is unchanged.
    olx_policy = Dict(scope=Scope.settings, default={}, help="The imported policy.json entry, kept for export.")


class ChapterBlock(_Container):
    """A module of the course."""


class SequentialBlock(_Container):
    """A lesson: a sequence of units. Grading and timing fields follow Open edX's names."""

    graded = Boolean(scope=Scope.settings, default=False, help="Counts towards the course grade.")
    format = String(scope=Scope.settings, default="", help="Assignment type (e.g. Pre-test, Post-test).")
    due = DateString(scope=Scope.settings, default=None, help="Due date, as written in the OLX.")
    is_time_limited = Boolean(scope=Scope.settings, default=False)
    default_time_limit_minutes = Integer(scope=Scope.settings, default=None)


class VerticalBlock(_Container):
    """A unit: one page of components."""

    def student_view(self, context=None):
        frag = Fragment()
        parts = []
        for child in self.get_children():
            try:
                child_frag = self.runtime.render_child(child, "student_view", context)
            except Exception:  # one broken component must not take the whole unit down
                log.exception("could not render %s", child.scope_ids.usage_id)
                message = escape(self.ugettext("This component could not be displayed."))
                parts.append(f'<div class="xblock-error" role="alert">{message}</div>')
                continue
            frag.add_fragment_resources(child_frag)
            parts.append(child_frag.content)
        frag.add_content(f'<div class="unit-components">{"".join(parts)}</div>')
        return frag

    author_view = student_view
