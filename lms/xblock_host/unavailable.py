"""The placeholder for block types this installation cannot run.

An imported course may contain block types that are not installed or not allowed here (CAPA problems,
LTI, ORA…). Such a block keeps its original OLX verbatim, shows learners a polite notice, and is
written back unchanged on export, so nothing is lost on the way through.
"""

from __future__ import annotations

from lxml import etree
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Scope, String


@XBlock.needs("i18n")
class UnavailableBlock(XBlock):
    olx = String(scope=Scope.content, default="", help="The block's original OLX, kept verbatim.")
    display_name = String(scope=Scope.settings, default="", help="Name taken from the original OLX, if any.")

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        block.olx = etree.tostring(node, encoding="unicode")
        block.display_name = node.get("display_name", "")
        return block

    def add_xml_to_node(self, node):
        original = etree.fromstring(self.olx) if self.olx else etree.Element(self.scope_ids.block_type)
        node.tag = original.tag
        node.text, node.tail = original.text, None
        for name, value in original.attrib.items():
            node.set(name, value)
        for child in original:
            node.append(child)

    def student_view(self, context=None):
        frag = Fragment()
        _ = self.ugettext
        label = self.display_name or self.scope_ids.block_type
        notice = _("This part of the course is not available here. Your trainer can give it to you another way.")
        body = f"<p><strong>{_escape(label)}</strong></p><p>{_escape(notice)}</p>"
        frag.add_content(f'<div class="block-unavailable" role="note">{body}</div>')
        return frag

    author_view = student_view


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
