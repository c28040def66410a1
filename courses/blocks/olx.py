"""OLX fidelity for our blocks: attributes we have no field for are kept and written back on export.

Open edX exports carry many attributes (``start``, ``due``, ``graded``, ``format``, ``visible_to_staff_only``…)
that matter to Open edX even where this LMS ignores them. XBlock's default ``parse_xml`` logs and drops
them; this mixin keeps them in ``olx_attributes`` so an import followed by an export loses nothing.
"""

from __future__ import annotations

from xblock.fields import Dict, Scope

IGNORED = {"url_name", "xblock-family", "filename"}


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
        node.attrib.pop("olx_attributes", None)  # XBlock's exporter wrote the dict whole: write it name by name
        for name, value in (self.olx_attributes or {}).items():
            if node.get(name) is None:
                node.set(name, value)
