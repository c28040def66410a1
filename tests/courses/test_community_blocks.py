"""Any installed pure XBlock works in a course: xblock-sdk samples (those off by default once an admin
allows them) and community blocks from PyPI render, ship their JavaScript and initialiser, save state
through their handlers, and keep it across reloads."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.db import db
from lms.xblock_host.models import XBlockEvent, XBlockField
from tests.courses.helpers import build_course, handler_url


def setup_block(factory, block_type, code):
    built = build_course(factory, {"M": {"L": [[block_type]]}}, code=code)
    unit = built.units[0]
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return built, unit, built.components[unit][0], learner


def unit_page(client, built, unit):
    response = client.get(f"/learn/{built.course.code}/unit/{unit}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def state(usage_key, field):
    db.session.rollback()  # read what the requests committed
    return db.session.scalar(
        select(XBlockField.value).where(XBlockField.block_key == usage_key, XBlockField.field == field)
    )


def wrapper_of(html, usage_key):
    match = re.search(r'<div class="[^"]*xblock-v1[^"]*"[^>]*data-usage="' + re.escape(usage_key) + r'"[^>]*>', html)
    assert match, "block wrapper missing"
    return match.group(0)


@pytest.mark.parametrize(
    ("block_type", "expected_init", "expected_text"),
    [
        ("thumbs", "ThumbsBlock", "upvote"),
        ("html_demo", None, "<b>DEFAULT</b>"),
        ("slider_demo", "Slider", 'type="range"'),
        ("problem_demo", "ProblemBlock", "value='check'"),
        ("poll", "PollBlock", "What is your favorite color?"),
        ("survey", "SurveyBlock", "Are you enjoying the course?"),
        ("done", "DoneXBlock", "Mark as complete"),
        ("drag-and-drop-v2", "DragAndDropBlock", "The Top Zone"),
        ("freetextresponse", "FreeTextResponseView", "Please enter your response within this text area"),
    ],
)
def test_block_renders_with_its_javascript(
    client, auth, factory, allow_block_types, block_type, expected_init, expected_text
):
    allow_block_types("html_demo", "slider_demo", "problem_demo")  # samples: off unless an admin lists them
    code = "CB-" + block_type.replace("_", "-").upper()[:20]
    built, unit, block, learner = setup_block(factory, block_type, code)
    auth.login(learner)
    html = unit_page(client, built, unit)
    wrapper = wrapper_of(html, block)
    assert "block-unavailable" not in html
    assert f'data-block-type="{block_type}"' in wrapper
    if expected_init:
        assert f'data-init="{expected_init}"' in wrapper
        assert "/xblock/runtime/js/runtime.js" in html  # our runtime starts it
    else:
        assert "data-init=" not in wrapper
    # The block's own view is inside its wrapper (the unit holds this one block).
    inside = html[html.index(wrapper) : html.index('class="unit-nav"')]
    assert expected_text in inside


def test_poll_vote_is_saved_and_counted(client, auth, factory):
    built, unit, poll, learner = setup_block(factory, "poll", "CB-POLL-VOTE")
    auth.login(learner)
    html = unit_page(client, built, unit)
    result = client.post(handler_url(html, poll, "vote"), json={"choice": "B"}).get_json()
    assert result["success"] is True, result
    assert state(poll, "choice") == "B"
    assert state(poll, "tally")["B"] == 1
    again = client.post(handler_url(unit_page(client, built, unit), poll, "vote"), json={"choice": "R"}).get_json()
    assert again["success"] is False  # one vote per learner, as the block decides
    events = set(db.session.scalars(select(XBlockEvent.event_type).where(XBlockEvent.usage_key == poll)))
    assert "xblock.poll.submitted" in events


@pytest.mark.parametrize(
    ("handler", "body"),
    [
        ("vote", [1, 2]),  # a JSON array where the block indexes an object: TypeError inside the block
        ("vote", "B"),
        ("vote", 5),
        ("vote", {"choice": ["B"]}),  # unhashable where the block looks up its answers
        ("vote", {"choice": {"B": 1}}),
        ("studio_submit", [1, 2]),  # AttributeError: a list has no .get
        ("studio_submit", {"display_name": None, "question": None, "answers": None, "feedback": None}),
    ],
    ids=["array", "string", "number", "list-choice", "object-choice", "studio-array", "studio-nulls"],
)
def test_a_community_block_handler_that_cannot_read_the_body_is_a_400(client, auth, factory, caplog, handler, body):
    """xblock-poll indexes and calls methods on the JSON it is sent without checking its shape; the host
    answers its TypeError/AttributeError… with a 400 (logged as a warning), stores nothing, and the poll
    still works."""
    built, unit, poll, learner = setup_block(factory, "poll", "CB-POLL-BAD")
    auth.login(learner)
    html = unit_page(client, built, unit)
    with caplog.at_level("WARNING"):
        response = client.post(handler_url(html, poll, handler), json=body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json" and "could not use this request" in response.get_json()["error"]
    assert any("could not use the request" in record.getMessage() for record in caplog.records)
    assert state(poll, "choice") is None and state(poll, "tally") is None
    assert client.post(handler_url(html, poll, "vote"), json={"choice": "B"}).get_json()["success"] is True


def test_survey_answers_are_saved(client, auth, factory):
    built, unit, survey, learner = setup_block(factory, "survey", "CB-SURVEY")
    auth.login(learner)
    html = unit_page(client, built, unit)
    answers = {"enjoy": "Y", "recommend": "M", "learn": "Y"}
    result = client.post(handler_url(html, survey, "vote"), json=answers).get_json()
    assert result["success"] is True, result
    assert state(survey, "choices") == answers


def test_done_toggle_persists(client, auth, factory):
    built, unit, done, learner = setup_block(factory, "done", "CB-DONE")
    auth.login(learner)
    html = unit_page(client, built, unit)
    assert '{"state": false' in html.replace("&#34;", '"')
    assert client.post(handler_url(html, done, "toggle_button"), json={"done": True}).status_code == 200
    assert state(done, "done") is True
    html = unit_page(client, built, unit)
    assert '{"state": true' in html.replace("&#34;", '"')


def test_drag_and_drop_saves_item_placement(client, auth, factory):
    built, unit, dnd, learner = setup_block(factory, "drag-and-drop-v2", "CB-DND")
    auth.login(learner)
    html = unit_page(client, built, unit)
    response = client.post(handler_url(html, dnd, "drop_item"), json={"val": 0, "zone": "top"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["correct"] is True
    placed = state(dnd, "item_state")
    assert list(placed) == ["0"] and placed["0"]["zone"] == "top" and placed["0"]["correct"] is True
    wrong = client.post(handler_url(html, dnd, "drop_item"), json={"val": 1, "zone": "nowhere"})
    assert wrong.status_code == 400  # the block's own validation reaches the learner


def test_free_text_response_is_saved(client, auth, factory):
    built, unit, ftr, learner = setup_block(factory, "freetextresponse", "CB-FTR")
    auth.login(learner)
    html = unit_page(client, built, unit)
    answer = "I would isolate the supply, lock it off and test for dead before touching anything."
    response = client.post(handler_url(html, ftr, "submit"), json={"student_answer": answer})
    assert response.status_code == 200 and response.get_json()["status"] == "success"
    assert state(ftr, "student_answer") == answer
    assert answer in unit_page(client, built, unit)  # shown again after reload


# --- what a browser may not claim through a block (issue 19's hostile review) ---------------------------------


@pytest.mark.parametrize("block_type", ["poll", "drag-and-drop-v2"])
@pytest.mark.parametrize(
    "event",
    [
        {"event_type": "grade", "value": 1000, "max_value": 1},
        {"event_type": "completion", "completion": 1},
        {"event_type": "progress"},
    ],
    ids=["grade", "completion", "progress"],
)
def test_a_learner_cannot_grade_or_complete_a_block_through_its_event_relay(client, auth, factory, block_type, event):
    """poll, survey and drag-and-drop-v2 relay any event the browser names (``publish_event``): a learner
    sent "grade" 1000/1 and "completion" 1 and both were stored. Scoring events come from the block's own
    Python only; the relay answers 400 and nothing is kept."""
    from courses.models import BlockGrade

    built, unit, block, learner = setup_block(factory, block_type, f"CB-RELAY-{block_type[:4].upper()}")
    auth.login(learner)
    html = unit_page(client, built, unit)
    response = client.post(handler_url(html, block, "publish_event"), json=event)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert db.session.scalars(select(BlockGrade).where(BlockGrade.usage_key == block)).all() == []
    events = db.session.scalars(select(XBlockEvent.event_type).where(XBlockEvent.usage_key == block)).all()
    assert event["event_type"] not in events
    tracking = client.post(handler_url(html, block, "publish_event"), json={"event_type": "xblock.poll.view"})
    assert tracking.status_code == 200  # the relay's own purpose, tracking events, still works


@pytest.mark.parametrize(
    "body",
    [{"event_type": ["x"]}, {"event_type": ""}, {"event_type": "x" * 101}, {"event_type": None}],
    ids=["list", "empty", "long", "null"],
)
def test_an_event_type_that_is_not_a_name_is_a_400(client, auth, factory, body):
    built, unit, poll, learner = setup_block(factory, "poll", "CB-EVTYPE")
    auth.login(learner)
    html = unit_page(client, built, unit)
    assert client.post(handler_url(html, poll, "publish_event"), json=body).status_code == 400
    assert db.session.scalars(select(XBlockEvent).where(XBlockEvent.usage_key == poll)).all() == []


def test_json_nested_past_the_parsers_depth_is_a_400(client, auth, factory):
    built, unit, poll, learner = setup_block(factory, "poll", "CB-DEEP")
    auth.login(learner)
    html = unit_page(client, built, unit)
    deep = "[" * 20000 + "]" * 20000
    response = client.post(handler_url(html, poll, "vote"), data=deep, content_type="application/json")
    assert response.status_code == 400


def test_a_block_feature_that_needs_a_missing_package_is_a_501(client, auth, factory):
    """poll's CSV export needs celery, which this LMS does not install: a learner's POST was a 500."""
    built, unit, poll, learner = setup_block(factory, "poll", "CB-CSV")
    auth.login(learner)
    html = unit_page(client, built, unit)
    response = client.post(handler_url(html, poll, "csv_export"), json={})
    assert response.status_code == 501, response.get_data(as_text=True)[:300]
    assert "not available on this server" in response.get_json()["error"]
