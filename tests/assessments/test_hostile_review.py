"""A hostile review of the assessments package (issue 21): each test is an attack that once worked (a 500, a
leaked key, a write it should refuse) and is now refused with a clear 4xx, or tells nothing more than the
learner's page does."""

from __future__ import annotations

import html as html_lib
import io
import re

import pytest
from sqlalchemy import select

from assessments.models import AttemptAnswer
from courses.versions import publish
from lms.db import db
from tests.assessments.test_assessment_block import _attempt, _choice, _start, assessed  # noqa: F401 - fixture
from tests.assessments.test_assessments_api import API, world  # noqa: F401 - fixture
from tests.blocks.helpers import configure, handler_url


# -- the answer handler: a forged sequence number -------------------------------------------------------------
@pytest.mark.parametrize("sequence", [2**31, 10**20])
def test_a_sequence_number_past_the_column_is_a_400_and_nothing_is_written(client, auth, assessed, sequence):  # noqa: F811
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    first = attempt.answers[0]
    body = {"attempt": attempt.id, "slot": first.slot, "answer": [_choice(first, True)], "sequence": sequence}
    response = client.post(handler_url(page, assessed["key"], "answer"), json=body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"] == "Not saved. Reload the page and try again."
    db.session.rollback()
    stored = db.session.get(AttemptAnswer, first.id)
    db.session.refresh(stored)
    assert (stored.response, stored.sequence) == (None, 0)
    # The largest number the page could ever send is still taken.
    body["sequence"] = 2**31 - 1
    assert client.post(handler_url(page, assessed["key"], "answer"), json=body).status_code == 200


# -- the API: a pre-test's per-answer scores before the post-test ---------------------------------------------
def test_the_api_does_not_tell_a_learner_which_pre_test_answers_were_right_before_the_post_test(client, world):  # noqa: F811
    # Bruno took the pre-test and no post-test: his page shows his score, not which answers were right.
    response = client.get(f"{API}/attempts/{world.bruno_pre.id}", headers=world.headers["bruno"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["percent"] == 25.0  # the total, as the page shows it
    assert all(a["fraction"] is None and a["score"] is None for a in body["answers"]), body["answers"]
    # Staff still see every score. Alice has submitted one post-test attempt of two: not yet (the pre-test's key
    # would help with the second); once she has used her last attempt, she sees hers.
    staff = client.get(f"{API}/attempts/{world.bruno_pre.id}", headers=world.headers["instructor"]).get_json()
    assert sorted(a["fraction"] for a in staff["answers"]) == [0.0, 0.0, 1.0]
    alice = client.get(f"{API}/attempts/{world.alice_pre.id}", headers=world.headers["learner"]).get_json()
    assert all(a["fraction"] is None for a in alice["answers"]), alice["answers"]
    world.take(world.learners_a[0], "post")
    alice = client.get(f"{API}/attempts/{world.alice_pre.id}", headers=world.headers["learner"]).get_json()
    assert sorted(a["fraction"] for a in alice["answers"]) == [0.5, 1.0, 1.0]
    assert any(a["comment"] == "Half" for a in alice["answers"])


# -- the settings handler: JSON of the wrong shapes ------------------------------------------------------------
SETTINGS = {
    "display_name": "Safety check", "kind": "practice", "grading": "highest", "show_answers": "after_submission",
    "time_limit_minutes": "0", "attempts_allowed": "2", "pass_mark": "50", "category": ["Safety"], "count": ["3"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("changed", "field"),
    [
        ({"category": 5, "count": 5}, "count"),
        ({"category": {"a": 1}, "count": ["1"]}, "count"),
        ({"category": [["Safety"]], "count": ["1"]}, "count"),
        ({"pass_mark": [50]}, "pass_mark"),
        ({"pass_mark": {"a": 1}}, "pass_mark"),
        ({"pass_mark": 10**400}, "pass_mark"),
    ],
)
def test_settings_of_the_wrong_shape_are_a_400_and_nothing_changes(client, auth, assessed, changed, field):  # noqa: F811
    from lms.xblock_host.models import XBlockField

    code, key = assessed["course"].code, assessed["key"]
    auth.login(assessed["author"])
    html = client.get(f"/studio/courses/{code}/blocks/{key}/edit").get_data(as_text=True)
    action = html_lib.unescape(re.search(r'<form method="post" action="([^"]+save_settings/)"', html).group(1))
    response = client.post(action, json={**SETTINGS, **changed})
    assert response.status_code == 400, response.get_data(as_text=True)[-400:]
    assert response.get_json()["field"] == field
    db.session.rollback()
    draft = select(XBlockField.value).where(
        XBlockField.block_key == key, XBlockField.branch == "draft", XBlockField.field == "draws"
    )
    assert db.session.scalar(draft) == [{"category": "Safety", "count": 3}]  # as the fixture configured it
    # The same settings in the right shapes are saved.
    assert client.post(action, json=SETTINGS).status_code == 200


# -- the studio's bank: a category filter past any id ----------------------------------------------------------
@pytest.mark.parametrize("category", ["99999999999999999999", str(2**31)])
def test_the_bank_list_shrugs_off_a_category_past_any_id(client, auth, assessed, category):  # noqa: F811
    auth.login(assessed["author"])
    response = client.get(f"/studio/courses/{assessed['course'].code}/questions/?category={category}")
    assert response.status_code == 200
    assert "Safety question 0" in response.get_data(as_text=True)  # the unfiltered list


# -- settings an imported course (OLX) carries: of the wrong type or size ---------------------------------------
def _start_with(client, auth, built, fields: dict):
    configure(built["course"], built["key"], built["author"], fields)
    publish(built["course"], built["author"])
    db.session.commit()
    auth.login(built["learner"])
    page = client.get(f"/learn/{built['course'].code}/unit/{built['unit']}")
    assert page.status_code == 200
    return client.post(handler_url(page.get_data(as_text=True), built["key"], "start"), json={})


@pytest.mark.parametrize(
    "fields",
    [
        {"draws": [{"category": "Safety", "count": "three"}]},
        {"draws": [], "question_ids": ["abc"]},
        {"draws": [], "question_ids": [10**30]},
    ],
)
def test_imported_draws_that_are_not_numbers_refuse_the_start_with_the_reason(client, auth, assessed, fields):  # noqa: F811
    response = _start_with(client, auth, assessed, fields)
    assert response.status_code == 409
    assert response.get_json()["error"] == "This assessment has no questions yet, or some were deleted from the bank."


def test_an_imported_mark_that_is_not_a_number_is_the_question_s_own(client, auth, assessed):  # noqa: F811
    response = _start_with(client, auth, assessed, {"draws": [{"category": "Safety", "count": 2, "mark": "abc"}]})
    assert response.status_code == 200
    assert _attempt(assessed).max_mark == 2.0  # two questions of their default mark, 1


def test_an_imported_time_limit_past_any_date_is_cut_to_a_year(client, auth, assessed):  # noqa: F811
    response = _start_with(client, auth, assessed, {"time_limit_minutes": 10**12})
    assert response.status_code == 200
    attempt = _attempt(assessed)
    assert (attempt.deadline - attempt.started_at).days == 366


# -- importing: a Moodle XML file declaring an encoding expat cannot read ----------------------------------------
@pytest.mark.parametrize("encoding", ["no-such-encoding", "shift_jis", "rot13", "idna"])
def test_an_xml_file_in_an_unreadable_encoding_is_refused_with_its_line(client, auth, assessed, encoding):  # noqa: F811
    auth.login(assessed["author"])
    data = f'<?xml version="1.0" encoding="{encoding}"?>\n<quiz></quiz>\n'.encode()
    response = client.post(
        f"/studio/courses/{assessed['course'].code}/questions/import",
        data={"file": (io.BytesIO(data), "bank.xml"), "format": "moodlexml"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "line 1: This is not well-formed XML" in response.get_data(as_text=True)


# -- importing: Moodle's embedded files, as Moodle names them -------------------------------------------------
PNG_A = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGNgaGAAIQgFAA4OAgFhGn2EAAAAAElFTkSuQmCC"
PNG_B = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4wcAAAAJcAMlDyBJGAAAAAElFTkSuQmCC"


def _picture_question(name: str, file_name: str, data: str) -> str:
    reference = file_name.replace(" ", "%20")
    return f"""
  <question type="truefalse"><name><text>{name}</text></name>
    <questiontext format="html"><text><![CDATA[<p>{name}? <img src="@@PLUGINFILE@@/{reference}" alt=""></p>]]></text>
      <file name="{file_name}" path="/" encoding="base64">{data}</file></questiontext>
    <answer fraction="100" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>false</text></answer>
  </question>"""


def _import_pictures(course, questions: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Import the questions; (title → the course file its picture shows, course file → its sha256)."""
    from assessments import interchange
    from assessments.models import Question
    from courses.models import CourseAsset

    data = f'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>{"".join(questions)}\n</quiz>\n'.encode()
    assert interchange.import_file(course, data, fmt="moodlexml").questions == len(questions)
    stems = {
        q.title: q.current_version.definition["stem"]
        for q in db.session.scalars(select(Question).where(Question.course_id == course.id))
    }
    src = {title: re.search(r'src="/static/([^"]+)"', stem).group(1) for title, stem in stems.items() if "img" in stem}
    files = db.session.scalars(select(CourseAsset).where(CourseAsset.course_id == course.id))
    return src, {a.filename: a.sha256 for a in files}


def test_moodle_pictures_named_alike_in_two_questions_are_both_kept(assessed):  # noqa: F811
    src, files = _import_pictures(
        assessed["course"],
        [
            _picture_question("First", "image.png", PNG_A),  # Moodle names every pasted picture alike
            _picture_question("Second", "image.png", PNG_B),
            _picture_question("Third", "image.png", PNG_A),  # the first one again: one file
        ],
    )
    assert set(src.values()) <= set(files)  # every picture a question shows is a course file
    assert files[src["First"]] != files[src["Second"]]  # two different pictures, not one over the other
    assert src["Third"] == src["First"] and len(files) == 2


def test_a_moodle_picture_named_outside_ascii_is_imported_under_a_name_the_course_takes(assessed):  # noqa: F811
    src, files = _import_pictures(assessed["course"], [_picture_question("Plan", "schéma électrique.png", PNG_A)])
    assert src["Plan"] in files and src["Plan"].endswith(".png")


# -- the studio's draft: a preview records nothing, whatever handler is called -------------------------------------
def test_an_author_cannot_record_attempts_through_the_draft_s_handler_link(client, auth, assessed):  # noqa: F811
    from assessments.models import Attempt

    code, key = assessed["course"].code, assessed["key"]
    auth.login(assessed["author"])
    html = client.get(f"/studio/courses/{code}/blocks/{key}/edit").get_data(as_text=True)
    settings = html_lib.unescape(re.search(r'<form method="post" action="([^"]+save_settings/)"', html).group(1))
    for handler, body in (
        ("start", {}),
        ("answer", {"attempt": 1, "slot": 1, "answer": []}),
        ("submit", {"attempt": 1}),
    ):
        response = client.post(settings.replace("save_settings/", f"{handler}/"), json=body)
        assert response.status_code == 409, (handler, response.get_data(as_text=True)[:300])
        assert "Nothing is recorded" in response.get_json()["error"]
    db.session.rollback()
    assert db.session.scalar(select(Attempt.id)) is None


def test_an_imported_kind_or_grading_method_the_block_does_not_know_is_a_practice_test(client, auth, assessed):  # noqa: F811
    # The column holds ten characters (PostgreSQL refused a longer kind: a 500 at Start).
    response = _start_with(client, auth, assessed, {"kind": "certification-exam", "grading": "best-of-all"})
    assert response.status_code == 200
    assert _attempt(assessed).kind == "practice"


# -- ids past the 32-bit columns (PostgreSQL's integer): refused, not an "integer out of range" 500 ---------------
@pytest.mark.parametrize(
    ("handler", "body", "status"),
    [
        ("answer", {"attempt": "ATTEMPT", "slot": 2**31, "answer": []}, 400),
        ("answer", {"attempt": "ATTEMPT", "slot": 2**40, "answer": []}, 400),
        ("answer", {"attempt": 2**31, "slot": 1, "answer": []}, 403),
        ("answer", {"attempt": 2**62, "slot": 2**62, "answer": []}, 403),
        ("submit", {"attempt": 2**31}, 403),
        ("submit", {"attempt": 2**62}, 403),
    ],
)
def test_ids_past_the_columns_are_refused(client, auth, assessed, handler, body, status):  # noqa: F811
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    body = {name: attempt.id if value == "ATTEMPT" else value for name, value in body.items()}
    response = client.post(handler_url(page, assessed["key"], handler), json=body)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    db.session.rollback()
    assert db.session.get(type(attempt), attempt.id).state == "in_progress"


# -- text that cannot be shown: a lone UTF-16 surrogate escaped in JSON ------------------------------------------
def test_an_essay_with_a_lone_surrogate_is_a_400_and_the_grading_page_still_shows(client, auth, assessed):  # noqa: F811
    from assessments import bank

    bank.import_questions(
        assessed["course"].id, [bank.NewQuestion({"type": "essay", "stem": "<p>Explain.</p>"}, category="Writing")]
    )
    response = _start_with(client, auth, assessed, {"draws": [{"category": "Writing", "count": 1}]})
    assert response.status_code == 200
    page = client.get(f"/learn/{assessed['course'].code}/unit/{assessed['unit']}").get_data(as_text=True)
    url, attempt = handler_url(page, assessed["key"], "answer"), _attempt(assessed)
    lone = b'{"attempt": %d, "slot": 1, "answer": "Isolate \\ud800 it", "sequence": 1}' % attempt.id
    response = client.post(url, data=lone, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "The request was not valid JSON."
    pair = b'{"attempt": %d, "slot": 1, "answer": "Isolate \\ud83d\\ude00 it", "sequence": 2}' % attempt.id
    assert client.post(url, data=pair, content_type="application/json").status_code == 200  # an emoji is text
    assert client.post(handler_url(page, assessed["key"], "submit"), json={"attempt": attempt.id}).status_code == 200
    auth.logout()
    auth.login(assessed["author"])  # the course's owner grades it
    essay = _attempt(assessed).answers[0]
    grading = client.get(f"/assessments/grading/{essay.id}")
    assert grading.status_code == 200 and "Isolate \N{GRINNING FACE} it" in grading.get_data(as_text=True)


@pytest.mark.parametrize(
    "settings",
    [
        '{"gaps": [{"id": "1", "answers": [{"text": "earth\\ud800", "fraction": 1}]}]}',  # plain text
        '{"gaps": [{"id": "1", "kind": "choice", "choices": [{"text": "a", "fraction": 1, "feedback": "\\udfff"}, '
        '{"text": "b"}]}]}',  # an HTML field
        "[" * 50_000 + "]" * 50_000,  # nested past the parser's depth
    ],
)
def test_the_generic_editor_refuses_json_no_page_could_show(client, auth, assessed, settings):  # noqa: F811
    from assessments.models import Question

    auth.login(assessed["author"])
    form = {"title": "t", "category": "x", "stem": "<p>The [[1]] wire.</p>", "default_mark": "1", "g-format": "json"}
    response = client.post(
        f"/studio/courses/{assessed['course'].code}/questions/new/fill_in", data={**form, "g-text": settings}
    )
    assert response.status_code == 400
    assert "the settings are not valid JSON" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(Question.id).where(Question.type == "fill_in")) is None


def test_a_moodle_import_does_not_replace_a_course_file_of_the_same_name(assessed):  # noqa: F811
    import base64

    from courses.assets import save_asset

    course = assessed["course"]
    own = save_asset(course, "image.png", io.BytesIO(base64.b64decode(PNG_B)))  # shown by a unit of the course
    src, files = _import_pictures(
        course, [_picture_question("New", "image.png", PNG_A), _picture_question("Same", "image.png", PNG_B)]
    )
    assert files["image.png"] == own.sha256  # the unit's picture is still the unit's
    assert src["New"] != "image.png" and files[src["New"]] != own.sha256
    assert src["Same"] == "image.png"  # the very same bytes: the course's file serves


def test_the_api_hides_per_answer_scores_from_the_learner_of_a_test_reviewed_never(client, auth, assessed):  # noqa: F811
    from lms.accounts.tokens import create_api_token

    assert _start_with(client, auth, assessed, {"show_answers": "never"}).status_code == 200
    attempt = _attempt(assessed)
    page = client.get(f"/learn/{assessed['course'].code}/unit/{assessed['unit']}").get_data(as_text=True)
    right = {"attempt": attempt.id, "slot": 1, "answer": [_choice(attempt.answers[0], True)]}
    assert client.post(handler_url(page, assessed["key"], "answer"), json=right).status_code == 200
    submit = {"attempt": attempt.id, "confirm": "yes"}  # two questions left unanswered
    assert client.post(handler_url(page, assessed["key"], "submit"), json=submit).status_code == 200
    _token, raw = create_api_token(assessed["learner"], "tests")
    db.session.commit()
    body = client.get(f"{API}/attempts/{attempt.id}", headers={"Authorization": f"Bearer {raw}"}).get_json()
    assert round(body["percent"]) == 33
    assert [a["fraction"] for a in body["answers"]] == [None, None, None]


def test_the_post_test_is_closed_only_when_its_last_attempt_is_submitted(world):  # noqa: F811
    """A pre-test's right answers wait for this (the block's review and the API): while a post-test attempt may
    still come, the pre-test's key would help with it."""
    from assessments import attempts

    zoe, alice = world.learner_b, world.learners_a[0]
    assert not attempts.post_test_closed(zoe.id, world.course)  # no post-test yet
    assert not attempts.post_test_closed(alice.id, world.course)  # one attempt of two
    second = world.take(alice, "post", submit=False)
    assert not attempts.post_test_closed(alice.id, world.course)  # the last one, still open
    attempts.submit(second)
    db.session.commit()
    assert attempts.post_test_closed(alice.id, world.course)


def test_an_instructor_taking_the_course_in_another_cohort_sees_no_keys_and_grades_nobody(world):  # noqa: F811
    from assessments.rules import may_act_for
    from lms.cohorts.services import enroll
    from lms.per_request import request_state
    from lms.permissions import can

    instructor, alice = world.users["instructor"], world.learners_a[0]
    assert can("assessment.review_attempt", world.alice_pre, user=instructor)
    assert may_act_for(instructor, alice.id, world.course)
    enroll(world.cohort_b, instructor)  # now also a learner of the course, in the other cohort
    db.session.commit()
    request_state().pop("permission_answers", None)  # a request's answers are remembered: this is a new one
    assert not can("assessment.review_attempt", world.alice_pre, user=instructor)
    assert not may_act_for(instructor, alice.id, world.course)
