"""OLX fidelity for our blocks: what an Open edX export carries that this LMS does not use is kept and
written back on export.

Open edX exports carry many attributes (``start``, ``due``, ``graded``, ``format``, ``visible_to_staff_only``…)
that matter to Open edX even where this LMS ignores them. XBlock's default ``parse_xml`` logs and drops
them; :class:`OlxAttributesMixin` keeps them in ``olx_attributes`` (edx-platform's ``xml_attributes`` does
the same there) so an import followed by an export loses nothing.

The outline levels (course, chapter, sequential) can also hold elements that are not blocks here: the
course's ``<wiki slug>`` and ``<textbook>``, asides, a problem placed straight in a sequential. Turned into
blocks they would become empty modules, lessons or units in the learner's navigation, so
:class:`OlxElementsMixin` keeps each one verbatim in ``olx_elements`` instead, with its place among the
block children, and writes it back there. In a unit (vertical) every child is a component, as Open edX
reads it: one this installation cannot run is an ``UnavailableBlock``, which keeps its OLX too.

None of these fields is shown to learners or in the studio's generated forms (``HIDDEN_FIELDS`` there).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree
from xblock.core import XML_NAMESPACES
from xblock.fields import Dict, List, Scope
from xblock.plugin import PluginMissingError

from lms.xblock_host.unavailable import UnavailableBlock

IGNORED = {"url_name", "xblock-family", "filename"}
# Our own bookkeeping: never an OLX attribute, neither read from an archive nor written to one.
BOOKKEEPING_FIELDS = ("olx_attributes", "olx_elements", "olx_policy")
# The levels whose children are the learner's navigation: only blocks that run here become children there.
OUTLINE_LEVELS = frozenset({"course", "chapter", "sequential"})
_OPTION = XML_NAMESPACES["option"]
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class OlxAttributesMixin:
    olx_attributes = Dict(
        scope=Scope.settings, default={}, help="OLX attributes without a field here, kept for export."
    )

    @classmethod
    def keep_unknown_attributes(cls, block, node) -> None:  # noqa: ANN001
        kept = {}
        for name, value in node.attrib.items():
            if name not in block.fields and name not in IGNORED and not name.startswith("{"):
                kept[name] = value
        if kept:
            block.olx_attributes = kept

    def write_unknown_attributes(self, node) -> None:  # noqa: ANN001
        for name in BOOKKEEPING_FIELDS:  # XBlock's exporter wrote them whole: they are not OLX
            node.attrib.pop(name, None)
        for name, value in (self.olx_attributes or {}).items():
            if node.get(name) is None:
                node.set(name, value)


def is_block_element(parent_tag: str, child, can_run: Callable[[str], bool]) -> bool:  # noqa: ANN001
    """Whether ``child`` (an element of ``parent_tag``) is a block rather than an element kept verbatim.

    Comments and ``<option:field>`` values are neither (the caller skips them). At an outline level a child
    is a block only if its type runs here; everywhere else every element is a block (see the module
    docstring). The OLX import's preprocessing and the containers' ``parse_xml`` both ask this, so they
    agree on what they leave alone."""
    if parent_tag not in OUTLINE_LEVELS:
        return True
    qname = etree.QName(child)
    return qname.namespace is None and can_run(qname.localname)


def runs_in(runtime) -> Callable[[str], bool]:  # noqa: ANN001
    """``can_run`` for :func:`is_block_element` from any XBlock runtime: this LMS's answers
    ``UnavailableBlock`` for a type it cannot run, a plain XBlock runtime raises ``PluginMissingError``."""

    def can_run(block_type: str) -> bool:
        try:
            return runtime.load_block_type(block_type) is not UnavailableBlock
        except PluginMissingError:
            return False

    return can_run


def _verbatim(element) -> str:  # noqa: ANN001
    """The element as XML, its inner text and whitespace untouched, without the namespace declarations it
    only inherits from the document (those it uses are declared on it)."""
    element = copy.deepcopy(element)
    element.tail = None
    etree.cleanup_namespaces(element)
    return etree.tostring(element, encoding="unicode", with_tail=False)


class OlxElementsMixin:
    olx_elements = List(
        scope=Scope.settings,
        default=[],
        help='OLX child elements that are not blocks here, kept for export: [{"at": n, "xml": "…"}], '
        "n being the number of block children before the element.",
    )

    @classmethod
    def take_unknown_elements(cls, node, can_run: Callable[[str], bool]) -> list[dict]:  # noqa: ANN001
        """Remove from ``node`` the children that are not blocks and return them as ``olx_elements``."""
        kept, blocks = [], 0
        for child in list(node):
            if not isinstance(child.tag, str) or etree.QName(child).namespace == _OPTION:
                continue
            if is_block_element(node.tag, child, can_run):
                blocks += 1
                continue
            kept.append({"at": blocks, "xml": _verbatim(child)})
            node.remove(child)
        return kept

    def write_unknown_elements(self, node) -> None:  # noqa: ANN001
        """Put the kept elements back among the block children ``add_xml_to_node`` wrote, where they were."""
        children = [child for child in node if isinstance(child.tag, str) and etree.QName(child).namespace != _OPTION]
        for entry in self.olx_elements or []:
            element = etree.fromstring(entry["xml"], _PARSER)
            at = entry.get("at", len(children))
            if isinstance(at, int) and 0 <= at < len(children):
                children[at].addprevious(element)  # after any element kept at the same place before it
            else:
                node.append(element)  # its blocks were removed in the studio since: it goes last
