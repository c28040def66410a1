"""The ``html`` block: authored rich text, sanitised before display.

Its content field is named ``data`` as in Open edX, so OLX ``<html>`` elements (inline, or pointing at
``html/<file>.html``, which the importer inlines) map onto it directly, and ``/static/…`` references are
rewritten to the course's files through the ``replace_urls`` service when the runtime offers one.
"""

from __future__ import annotations

import copy

from lxml import etree
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Scope, String

from courses.blocks.olx import OlxAttributesMixin
from courses.blocks.sanitize import clean_html


def N_(text: str) -> str:  # noqa: N802 - mark for translation; the studio translates field labels
    return text


@XBlock.wants("replace_urls")
class HtmlBlock(OlxAttributesMixin, XBlock):
    display_name = String(
        scope=Scope.settings,
        default="Text",
        display_name=N_("Name"),
        help=N_("Shown to learners and in the outline."),
    )
    data = String(
        scope=Scope.content,
        default="<p></p>",
        display_name=N_("Text"),
        help=N_("Scripts and styles are removed when learners see it. Refer to course files as /static/<name>."),
        multiline_editor="html",
    )
    editor = String(scope=Scope.settings, default="visual", help="Open edX editor hint, kept for export.")

    editable_fields = ("display_name", "data")
    # The text is the same for every learner: a runtime may reuse the rendered view (see LmsRuntime.render).
    user_independent_views = ("student_view",)

    @staticmethod
    def _inner_html(node) -> str:  # noqa: ANN001
        """The element's content as text, without the namespace declarations of the OLX around it
        (an exported course declares xmlns:option/xmlns:block on its root; they are not part of the text)."""
        parts = [node.text or ""]
        for child in node:
            child = copy.deepcopy(child)
            etree.cleanup_namespaces(child)
            parts.append(etree.tostring(child, encoding="unicode"))
        return "".join(parts)

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        inner = cls._inner_html(node)
        block.data = inner.strip()
        for name in ("display_name", "editor"):
            if node.get(name) is not None:
                setattr(block, name, node.get(name))
        cls.keep_unknown_attributes(block, node)
        return block

    def add_xml_to_node(self, node):
        node.tag = "html"
        node.set("xblock-family", self.entry_point)
        if self.display_name:
            node.set("display_name", self.display_name)
        if self.editor != "visual":
            node.set("editor", self.editor)
        self.write_unknown_attributes(node)
        wrapper = etree.fromstring(f"<wrapper>{self.data}</wrapper>", parser=etree.XMLParser(recover=True))
        node.text = wrapper.text
        for child in wrapper:
            node.append(child)

    def rendered_html(self) -> str:
        html = self.data or ""
        replacer = self.runtime.service(self, "replace_urls")
        if replacer is not None:
            html = replacer.replace_urls(html)
        return clean_html(html)

    def student_view(self, context=None):
        return Fragment(f'<div class="html-block">{self.rendered_html()}</div>')

    author_view = student_view

    @staticmethod
    def workbench_scenarios():
        return [("tot-lms html", '<html display_name="Welcome"><p>Hello <b>trainers</b>!</p></html>')]
