"""A reference point, not the product: the research notes' minimal XBlock runtime in bare Flask.

The same 10 components as the benchmark's unit (5 ``html_demo`` + 5 ``thumbs``, the composition
``shared/research/xblock-runtime.md`` §0 calibrated with) rendered by XBlock's own ``Runtime`` with
in-memory fields: no user, no database, no template, XBlock's default wrapper, asides switched off. What
the product's unit page adds (session, user, queries, permissions, the page, signed handler URLs) is the
difference between this line and the unit page's in ``bench/courseware.py``.
"""

from __future__ import annotations

from flask import Flask
from sample_xblocks.basic.content import HtmlBlock
from sample_xblocks.thumbs import ThumbsBlock
from xblock.fields import ScopeIds
from xblock.runtime import DictKeyValueStore, KvsFieldData, MemoryIdManager, Runtime

BLOCK_CLASSES = {"html_demo": HtmlBlock, "thumbs": ThumbsBlock}


class MinimalRuntime(Runtime):
    def handler_url(self, block, handler_name, suffix="", query="", thirdparty=False):  # noqa: ARG002
        return f"/handler/{handler_name}"

    def resource_url(self, resource):
        return f"/resource/{resource}"

    def local_resource_url(self, block, uri):  # noqa: ARG002
        return f"/local/{uri}"

    def publish(self, block, event_type, event_data):
        pass

    def applicable_aside_types(self, block):  # noqa: ARG002
        return []  # the research notes' one essential override: the default scans every entry point

    def load_block_type(self, block_type):
        return BLOCK_CLASSES[block_type]


_ids = MemoryIdManager()
_fields = KvsFieldData(DictKeyValueStore())


def _build_unit() -> list:
    runtime = MinimalRuntime(_ids, _ids, services={"field-data": _fields})
    usages = []
    for number in range(5):
        for block_type in ("html_demo", "thumbs"):
            definition = _ids.create_definition(block_type)
            usage = _ids.create_usage(definition)
            block = runtime.construct_xblock(block_type, ScopeIds("learner", block_type, definition, usage))
            if block_type == "html_demo":
                block.content = f"<p>Paragraph {number} of the unit, with <b>some</b> markup.</p>"
            block.save()
            usages.append((block_type, definition, usage))
    return usages


UNIT = _build_unit()
app = Flask(__name__)


@app.get("/unit")
def unit():
    runtime = MinimalRuntime(_ids, _ids, services={"field-data": _fields})
    blocks = (runtime.construct_xblock(t, ScopeIds("learner", t, d, u)) for t, d, u in UNIT)
    return "".join(runtime.render(block, "student_view").body_html() for block in blocks)
