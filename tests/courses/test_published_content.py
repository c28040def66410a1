"""Published content is the same for every learner, whatever a block does with it, and an author's
preview of the draft never reaches learners' state, events or grades (defects 1 and 7 of issue 18)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Dict, List, Scope

from courses.context import runtime_for
from courses.models import BlockCompletion, BlockGrade
from courses.studio import services as studio
from courses.versions import publish, snapshot_store
from lms.db import db
from lms.xblock_host.models import XBlockEvent, XBlockField
from tests.courses.helpers import build_course, handler_url


class InPlaceBlock(XBlock):
    """Changes its authored list and dict in place in a handler, as community blocks do with field values."""

    items = List(scope=Scope.content, default=[])
    options = Dict(scope=Scope.settings, default={})

    def student_view(self, context=None):
        return Fragment(f"<p class='in-place'>items={len(self.items)} options={','.join(sorted(self.options))}</p>")

    @XBlock.json_handler
    def tamper(self, data, suffix=""):
        self.items.append("added by a learner's call")
        self.options["tampered"] = True
        return {"items": len(self.items)}


def _learner(factory, built):
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return learner


@XBlock.register_temp_plugin(InPlaceBlock, "in_place_test")
def test_a_block_changing_published_values_in_place_changes_nothing_for_other_learners(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="PUB-INPLACE", publish_it=False)
    unit = built.units[0]
    key = studio.add_block(built.course, unit, "in_place_test", built.author)
    runtime = runtime_for(built.course, built.author, "draft")
    block = runtime.get_block(key)
    block.items, block.options = ["a", "b"], {"colour": "blue"}
    block.save()
    publish(built.course, built.author)
    db.session.commit()
    first, second = _learner(factory, built), _learner(factory, built)
    auth.login(first)
    page = client.get(f"/learn/PUB-INPLACE/unit/{unit}").get_data(as_text=True)
    assert "items=2 options=colour" in page
    # The runtime refuses to save authored content of a published version: the call fails …
    assert client.post(handler_url(page, key, "tamper"), json={}).status_code == 409
    auth.logout()
    # … and what the block changed in place before that reached nobody, in this process either.
    for learner in (second, first):
        auth.login(learner)
        assert "items=2 options=colour" in client.get(f"/learn/PUB-INPLACE/unit/{unit}").get_data(as_text=True)
        auth.logout()


def test_the_cached_snapshot_hands_out_copies_and_cannot_be_changed(app, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="PUB-FROZEN")
    version_id = built.course.published_version_id
    store = snapshot_store(version_id)
    root = built.course.root_key
    children = store.get("children", root, 0, "children")
    children.append("block-v1:PUB-FROZEN+type@html+block@intruder")
    assert "intruder" not in str(store.get("children", root, 0, "children"))
    with pytest.raises(TypeError):
        store.snapshot[root]["fields"]["display_name"] = "changed"  # read-only by construction
    with pytest.raises(AttributeError):
        store.snapshot[root]["children"].append("x")  # a tuple


def _preview_html(client, code: str, unit: str) -> str:
    response = client.get(f"/studio/courses/{code}/preview/{unit}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_authors_preview_never_touches_learners_state_events_or_grades(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["thumbs", "done"]]}}, code="PUB-PREVIEW")
    unit = built.units[0]
    thumbs, done = built.components[unit]
    learner = _learner(factory, built)

    auth.login(built.author)
    preview = _preview_html(client, "PUB-PREVIEW", unit)
    for _ in range(3):
        assert client.post(handler_url(preview, thumbs, "vote"), json={"voteType": "up"}).status_code == 200
    assert client.post(handler_url(preview, done, "toggle_button"), json={"done": True}).status_code == 200
    assert "<span class='count'>3</span>" in _preview_html(client, "PUB-PREVIEW", unit)  # the preview keeps its own
    auth.logout()

    auth.login(learner)
    page = client.get(f"/learn/PUB-PREVIEW/unit/{unit}").get_data(as_text=True)
    assert "<span class='upvote'><span class='count'>0</span>" in page  # not the author's three
    assert client.post(handler_url(page, thumbs, "vote"), json={"voteType": "up"}).get_json() == {"up": 1, "down": 0}
    assert client.post(handler_url(page, done, "toggle_button"), json={"done": True}).status_code == 200

    preview_events = db.session.scalars(select(XBlockEvent).where(XBlockEvent.user_id == built.author.id)).all()
    assert preview_events and {(e.branch, e.version_id) for e in preview_events} == {("draft", None)}
    learner_events = db.session.scalars(select(XBlockEvent).where(XBlockEvent.user_id == learner.id)).all()
    assert {(e.branch, e.version_id) for e in learner_events} == {("published", built.course.published_version_id)}
    for model in (BlockGrade, BlockCompletion):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.user_id == built.author.id)) == 0
    summaries = db.session.execute(
        select(XBlockField.branch, XBlockField.value).where(
            XBlockField.block_key == thumbs, XBlockField.scope == "user_state_summary", XBlockField.field == "upvotes"
        )
    ).all()
    assert sorted(summaries) == [("draft", 3), ("published", 1)]
