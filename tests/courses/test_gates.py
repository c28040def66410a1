"""Module gates hold on every path to a published block: unit pages, the outline and "Continue", handler
calls (with tokens issued while the module was open), and course files; staff and instructors are never
gated; a gate that needs one query costs at most one per page."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import pytest
from flask import url_for
from sqlalchemy import func, select

from courses import assets, gating
from courses.models import BlockCompletion
from courses.studio import services as studio
from courses.versions import publish
from lms.db import db
from lms.xblock_host import tokens
from tests.courses.helpers import build_course, handler_url

LOCKED = "Take the pre-test first."


@dataclass
class Switch:
    """The test gate's settings: ``active`` (else it neither queries nor locks) and the module titles it locks."""

    active: bool = True
    closed: set[str] = field(default_factory=set)


@pytest.fixture
def gate():
    """A gate shaped like the pre-test gate to come: one query (the learner's facts in the course) when it is
    prepared, then answers for any module from what it loaded."""
    switch = Switch()

    def pre_test(user, course):
        if not switch.active:
            return None
        db.session.scalar(
            select(func.count())
            .select_from(BlockCompletion)
            .where(BlockCompletion.user_id == user.id, BlockCompletion.course_id == course.id)
        )
        return lambda module: LOCKED if module.title in switch.closed else None

    gating.register_gate("test-pre-test", pre_test)
    yield switch
    gating.unregister_gate("test-pre-test")


def enrolled(factory, built):
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return learner


def test_handler_token_issued_while_open_is_refused_once_the_module_locks(client, auth, factory, gate, app):
    built = build_course(factory, {"Safety": {"L": [["thumbs"]]}, "Practice": {"L": [["html"]]}}, code="G-HND")
    learner = enrolled(factory, built)
    auth.login(learner)
    unit, thumbs = built.units[0], built.components[built.units[0]][0]
    url = handler_url(client.get(f"/learn/G-HND/unit/{unit}").get_data(as_text=True), thumbs, "vote")
    with app.test_request_context():
        token = tokens.make(0, learner.id, f"{thumbs}|vote", "published", "thirdparty")
        callback = url_for(
            "xblock_host.thirdparty_handler",
            branch="published",
            usage_key=thumbs,
            state_user_id=learner.id,
            token=token,
            handler="vote",
        )
    assert client.post(url, json={"voteType": "up"}).get_json() == {"up": 1, "down": 0}
    assert client.post(callback, json={"voteType": "up"}).get_json() == {"up": 2, "down": 0}

    gate.closed.add("Safety")  # the gate closes; the page (and its tokens, 2-4 days) are still out there
    refused = client.post(url, json={"voteType": "up"})
    assert refused.status_code == 403
    assert LOCKED in refused.get_data(as_text=True) and "locked" in refused.get_data(as_text=True)
    assert client.post(callback, json={"voteType": "up"}).status_code == 403  # the outside service's too
    gate.closed.clear()
    assert client.post(url, json={"voteType": "down"}).get_json() == {"up": 2, "down": 1}  # nothing counted


def _file_course(factory):
    """Module "Open" shows open.pdf and both.pdf; "Closed" shows closed.pdf and both.pdf, and a video whose
    address is the whole field value (clip.mp4); wide.pdf is in no module: a course-wide file."""
    built = build_course(
        factory, {"Open": {"L": [["html"]]}, "Closed": {"L": [["html", "video"]]}}, code="G-FILES", publish_it=False
    )
    course, author = built.course, built.author
    data = {name: f"%PDF-1.4 {name}".encode() for name in ("open.pdf", "closed.pdf", "both.pdf", "wide.pdf")}
    data["clip.mp4"] = b"\x00\x00\x00\x18ftypmp42 clip"
    for name, content in data.items():
        assets.save_asset(course, name, io.BytesIO(content))
    open_html = built.components[built.units[0]][0]
    closed_html, video = built.components[built.units[1]]
    for key, links in ((open_html, ("open.pdf", "both.pdf")), (closed_html, ("closed.pdf", "both.pdf"))):
        content = " ".join(f'<a href="/static/{name}">{name}</a>' for name in links)
        assert studio.save_fields(course, key, {"display_name": "Text", "data": content}, author) == {}
    assert studio.save_fields(course, video, {"display_name": "Clip", "video_url": "/static/clip.mp4"}, author) == {}
    publish(course, author)
    db.session.commit()
    return built, data


def test_files_of_a_locked_module_are_refused_to_learners(client, auth, factory, gate):
    built, data = _file_course(factory)
    learner = enrolled(factory, built)
    gate.closed.add("Closed")

    def fetch(name):
        by_name = client.get(f"/courses/G-FILES/assets/{name}")
        by_hash = client.get(f"/courses/G-FILES/files/{hashlib.sha256(data[name]).hexdigest()}/{name}")
        assert by_name.status_code == by_hash.status_code, name
        if by_name.status_code == 200:
            assert by_name.data == by_hash.data == data[name]
        return by_name.status_code

    auth.login(learner)
    assert {name: fetch(name) for name in data} == {
        "open.pdf": 200,
        "both.pdf": 200,  # an open module shows it too
        "wide.pdf": 200,  # course-wide
        "closed.pdf": 403,
        "clip.mp4": 403,
    }
    gate.closed.clear()
    assert fetch("closed.pdf") == 200 and fetch("clip.mp4") == 200
    gate.closed.add("Closed")
    auth.logout()

    auth.login(built.author)  # staff are never gated
    assert {name: fetch(name) for name in data} == dict.fromkeys(data, 200)


def test_resume_never_lands_on_a_locked_unit(client, auth, factory, gate):
    layout = {"Safety": {"L": [["html"], ["html"]]}, "Practice": {"L": [["html"]]}}
    built = build_course(factory, layout, code="G-RES")
    learner = enrolled(factory, built)
    first, second, third = built.units
    auth.login(learner)
    client.get(f"/learn/G-RES/unit/{first}")
    client.get(f"/learn/G-RES/unit/{third}")  # the last unit seen, while its module was open
    assert client.get("/learn/G-RES/resume").headers["Location"].endswith(f"/unit/{third}")

    gate.closed.add("Practice")
    # The first open unit not yet complete, on both "Continue" links.
    assert client.get("/learn/G-RES/resume").headers["Location"].endswith(f"/unit/{second}")
    outline = client.get("/learn/G-RES/").get_data(as_text=True)
    assert f'class="button" href="/learn/G-RES/unit/{second}"' in outline

    client.get(f"/learn/G-RES/unit/{second}")
    gate.closed.add("Safety")  # nothing open any more: the outline says why
    assert client.get("/learn/G-RES/resume").headers["Location"].endswith("/learn/G-RES/")
    outline = client.get("/learn/G-RES/").get_data(as_text=True)
    assert 'class="button"' not in outline and LOCKED in outline


def test_a_one_query_gate_costs_at_most_one_query_per_page(client, auth, factory, gate, count_queries):
    layout = {f"M{n}": {"L": [["thumbs"]]} for n in range(1, 5)}
    built = build_course(factory, layout, code="G-COST")
    learner = enrolled(factory, built)
    gate.closed.add("M4")
    auth.login(learner)
    unit, thumbs = built.units[0], built.components[built.units[0]][0]
    url = handler_url(client.get(f"/learn/G-COST/unit/{unit}").get_data(as_text=True), thumbs, "vote")
    client.get("/learn/G-COST/")

    def costs():
        counts = {}
        for name, call in (
            ("unit", lambda: client.get(f"/learn/G-COST/unit/{unit}")),
            ("outline", lambda: client.get("/learn/G-COST/")),
            ("handler", lambda: client.post(url, json={"voteType": "up"})),
            ("resume", lambda: client.get("/learn/G-COST/resume")),
        ):
            with count_queries() as counter:
                assert call().status_code in (200, 302)
            counts[name] = counter.count
        return counts

    gate.active = False
    without = costs()
    gate.active = True
    with_gate = costs()
    assert all(with_gate[page] <= without[page] + 1 for page in without), (without, with_gate)
    assert "Locked" in client.get("/learn/G-COST/").get_data(as_text=True)  # the gate did answer


def test_staff_and_instructors_are_never_gated(client, auth, factory, gate):
    built = build_course(factory, {"Safety": {"L": [["thumbs"]]}}, code="G-STAFF")
    instructor = factory.user("assessor")
    factory.cohort(course=built.course, instructors=[instructor], learners=[factory.user("learner")])
    gate.closed.add("Safety")
    unit, thumbs = built.units[0], built.components[built.units[0]][0]
    for user in (built.author, instructor):
        auth.login(user)
        assert LOCKED not in client.get("/learn/G-STAFF/").get_data(as_text=True)
        page = client.get(f"/learn/G-STAFF/unit/{unit}")
        assert page.status_code == 200, user
        assert client.post(handler_url(page.get_data(as_text=True), thumbs, "vote"), json={"voteType": "up"}).is_json
        assert client.get("/learn/G-STAFF/resume").headers["Location"].endswith(f"/unit/{unit}")
        auth.logout()
