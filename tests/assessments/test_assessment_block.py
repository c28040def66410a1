"""The assessment block in the LMS: a learner starts an attempt, saves answers with JavaScript (JSON) and
without it (forms), submits once, and sees a result; keys never reach the page; others' attempts and
tampered answers are refused; an author's preview records nothing."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest
from sqlalchemy import func, select

from assessments import bank
from assessments.models import Attempt, AttemptState
from courses.models import BlockGrade
from courses.studio import services as studio
from courses.versions import publish
from lms.db import db
from tests.blocks.helpers import block_html, configure, handler_url

REFERER = "http://localhost/learn/{code}/unit/{unit}"


@pytest.fixture
def assessed(factory):
    author = factory.user("author")
    course = factory.course(owner=author, code="ELEC-1")
    bank.import_questions(
        course.id,
        [
            bank.NewQuestion(
                {
                    "type": "single_choice",
                    "stem": f"<p>Safety question {n}</p>",
                    "choices": [
                        {"text": f"Right answer {n}", "fraction": 1, "feedback": f"Well done {n}"},
                        {"text": f"Wrong answer {n}", "feedback": f"Think again {n}"},
                    ],
                    "general_feedback": f"<p>Explanation {n}</p>",
                },
                category="Safety",
            )
            for n in range(3)
        ],
    )
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Before you start")
    sequential = studio.add_block(course, chapter, "sequential", author, "Pre-test")
    unit = studio.add_block(course, sequential, "vertical", author, "Pre-test")
    key = studio.add_block(course, unit, "assessment", author)
    configure(
        course,
        key,
        author,
        {
            "display_name": "Safety check",
            "kind": "practice",
            "draws": [{"category": "Safety", "count": 3}],
            "attempts_allowed": 2,
        },
    )
    publish(course, author)
    learner, other = factory.user("learner"), factory.user("learner")
    factory.cohort(course=course, learners=[learner, other])
    db.session.commit()
    return {"course": course, "unit": unit, "key": key, "learner": learner, "other": other, "author": author}


def _page(client, built) -> str:
    response = client.get(f"/learn/{built['course'].code}/unit/{built['unit']}")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def _referer(built) -> dict:
    return {"Referer": REFERER.format(code=built["course"].code, unit=built["unit"])}


def _start(client, built) -> str:
    url = handler_url(_page(client, built), built["key"], "start")
    response = client.post(url, headers=_referer(built))
    assert response.status_code == 303
    return _page(client, built)


def _attempt(built) -> Attempt:
    return db.session.scalars(select(Attempt).where(Attempt.user_id == built["learner"].id)).one()


def _choice(answer, right: bool) -> str:
    return next(c["id"] for c in answer.version.definition["choices"] if (c["fraction"] == 1) == right)


def test_a_learner_takes_the_test_with_javascript_and_sees_the_result(client, auth, assessed):
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    assert "Safety question" in page and "Save and next" in page
    answer_url = handler_url(page, assessed["key"], "answer")
    for n, answer in enumerate(attempt.answers):
        body = {"attempt": attempt.id, "slot": answer.slot, "answer": [_choice(answer, right=n < 2)], "sequence": 1}
        response = client.post(answer_url, json=body)
        assert response.status_code == 200 and response.get_json()["saved"] is True
    submit = handler_url(page, assessed["key"], "submit")
    response = client.post(submit, json={"attempt": attempt.id})
    assert response.status_code == 200 and round(response.get_json()["percent"]) == 67
    result = _page(client, assessed)
    assert "Your score: 67%" in result and "Passed." in result
    assert "Think again" in result and "Explanation" in result  # the wrong answer's feedback, the general one
    grade = db.session.scalars(select(BlockGrade).where(BlockGrade.user_id == assessed["learner"].id)).one()
    assert (round(grade.earned), grade.possible) == (67, 100)


def test_the_result_says_the_score_by_competency(client, auth, assessed):
    """The result page's breakdown (issue 21: "score, pass/fail, per-competency breakdown"): marks per learning
    outcome of the questions' categories, a category without one by its name; no answer is given away."""
    bank.category(assessed["course"].id, "Safety", "Isolate a circuit safely")
    db.session.commit()
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    answer_url = handler_url(page, assessed["key"], "answer")
    for n, answer in enumerate(attempt.answers):
        body = {"attempt": attempt.id, "slot": answer.slot, "answer": [_choice(answer, right=n < 2)], "sequence": 1}
        assert client.post(answer_url, json=body).status_code == 200
    assert (
        client.post(
            handler_url(page, assessed["key"], "submit"), json={"attempt": attempt.id, "confirm": "yes"}
        ).status_code
        == 200
    )
    result = _page(client, assessed)
    assert "Your score by competency" in result
    assert re.search(r"Isolate a circuit safely:\s+2 of 3 marks \(67%\)", result), result


def test_the_test_works_without_javascript_question_by_question(client, auth, assessed):
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    forms = re.findall(r'<form method="post" action="([^"]+)" class="question" id="([^"]+)" data-slot="(\d)"', page)
    assert len(forms) == 3
    action, _, slot = forms[0]
    field = re.search(r'name="(assess-[0-9a-f]+-a1)"', page).group(1)
    first = next(a for a in attempt.answers if a.slot == int(slot))
    response = client.post(
        html_lib.unescape(action),
        data={"attempt": attempt.id, "slot": slot, "next": "2", field: _choice(first, right=True)},
        headers=_referer(assessed),
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("-q2")  # on to question 2
    again = _page(client, assessed)
    assert "1 of 3 questions answered and saved." in again
    assert re.search(r'value="' + _choice(first, right=True) + r'"\s+checked', again)  # shown as saved


def test_the_page_tells_its_script_which_questions_are_saved_and_how_to_say_the_count(client, auth, assessed):
    """The script fills the saved count in again after each save (found by the assessment journeys: the page
    said "0 of 3" while every answer was saved): each question says whether it holds a saved answer, and the
    count's sentence comes translated with a stand-in number for the script to replace."""
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    assert re.findall(r'data-slot="(\d)"\s+data-answered="(\w+)"', page) == [
        ("1", "false"),
        ("2", "false"),
        ("3", "false"),
    ]
    counter = re.search(
        r'<span class="saved-count" data-stand-in="(\d+)"\s+data-saved-template="([^"]+)">([^<]*)<', page
    )
    assert counter.group(2) == f"{counter.group(1)} of 3 questions answered and saved."
    assert counter.group(3) == "0 of 3 questions answered and saved."
    first = next(a for a in attempt.answers if a.slot == 1)
    answer_url = handler_url(page, assessed["key"], "answer")
    client.post(
        answer_url, json={"attempt": attempt.id, "slot": 1, "answer": [_choice(first, right=True)], "sequence": 1}
    )
    again = _page(client, assessed)
    assert re.findall(r'data-slot="(\d)"\s+data-answered="(\w+)"', again) == [
        ("1", "true"),
        ("2", "false"),
        ("3", "false"),
    ]
    assert ">1 of 3 questions answered and saved.<" in again


def test_keys_and_feedback_never_reach_the_page_before_submission(client, auth, assessed):
    auth.login(assessed["learner"])
    page = block_html(_start(client, assessed), assessed["key"])
    for secret in ("fraction", "Well done", "Think again", "Explanation"):
        assert secret not in page


def test_an_answer_after_submission_or_for_another_learner_is_refused(client, auth, assessed):
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    answer_url = handler_url(page, assessed["key"], "answer")
    first = attempt.answers[0]
    tampered = client.post(
        answer_url, json={"attempt": attempt.id, "slot": 1, "answer": ["not-a-choice"], "sequence": 1}
    )
    assert tampered.status_code == 400
    no_slot = client.post(answer_url, json={"attempt": attempt.id, "slot": 9, "answer": [], "sequence": 1})
    assert no_slot.status_code == 400
    # Ids beyond any database integer: a refusal, not the driver's overflow (a 500).
    for attempt_id, slot, status in ((2**70, 1, 403), (attempt.id, 2**70, 400), ("x", 1, 403), (0, 1, 403)):
        beyond = client.post(answer_url, json={"attempt": attempt_id, "slot": slot, "answer": [], "sequence": 1})
        assert beyond.status_code == status, (attempt_id, slot)
    submit_beyond = client.post(handler_url(page, assessed["key"], "submit"), json={"attempt": 2**70})
    assert submit_beyond.status_code == 403
    client.post(handler_url(page, assessed["key"], "submit"), json={"attempt": attempt.id, "confirm": "yes"})
    late = client.post(
        answer_url, json={"attempt": attempt.id, "slot": first.slot, "answer": [_choice(first, True)], "sequence": 2}
    )
    assert late.status_code == 409 and "submitted" in late.get_json()["error"]

    auth.logout()
    auth.login(assessed["other"])
    other_page = _start(client, assessed)
    other_url = handler_url(other_page, assessed["key"], "answer")
    stolen = client.post(other_url, json={"attempt": attempt.id, "slot": 1, "answer": [], "sequence": 5})
    assert stolen.status_code == 403


def test_submitting_twice_counts_once(client, auth, assessed):
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt_id = _attempt(assessed).id
    submit = handler_url(page, assessed["key"], "submit")
    assert client.post(submit, json={"attempt": attempt_id, "confirm": "yes"}).status_code == 200
    assert client.post(submit, json={"attempt": attempt_id, "confirm": "yes"}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1
    assert _attempt(assessed).state == AttemptState.SUBMITTED


def test_an_authors_preview_shows_a_draw_and_records_nothing(client, auth, assessed):
    auth.login(assessed["author"])
    response = client.get(f"/studio/courses/{assessed['course'].code}/preview/{assessed['unit']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Nothing is recorded" in page and "Safety question" in page
    assert db.session.scalar(select(func.count()).select_from(Attempt)) == 0


def test_the_page_script_is_told_the_attempt_and_its_sequences(client, auth, assessed):
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    args = re.search(r'<script type="json/xblock-args" class="xblock_json_init_args">(.*?)</script>', page)
    sent = json.loads(args.group(1))
    attempt = _attempt(assessed)
    assert sent["attempt"] == attempt.id
    assert sent["sequences"] == {str(a.slot): 0 for a in attempt.answers}


def test_a_pre_test_locks_the_other_modules_until_it_is_submitted(client, auth, assessed):
    course, author = assessed["course"], assessed["author"]
    configure(course, assessed["key"], author, {"kind": "pre"})
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Wiring")
    sequential = studio.add_block(course, chapter, "sequential", author, "Circuits")
    lesson = studio.add_block(course, sequential, "vertical", author, "Ring circuits")
    publish(course, author)
    db.session.commit()
    auth.login(assessed["learner"])
    locked = client.get(f"/learn/{course.code}/unit/{lesson}")
    assert locked.status_code == 403 and "Take the pre-test" in locked.get_data(as_text=True)
    page = _start(client, assessed)  # the pre-test's own module is open
    assert "A pre-test: one attempt." in _page(client, assessed) or "Save and next" in page
    client.post(handler_url(page, assessed["key"], "submit"), json={"attempt": _attempt(assessed).id, "confirm": "yes"})
    assert client.get(f"/learn/{course.code}/unit/{lesson}").status_code == 200
    review = _page(client, assessed)
    assert "The right answers are shown after your post-test." in review
    assert "Think again" not in review and "Explanation" not in review  # a pre-test does not teach the post-test


def test_an_author_sets_the_blueprint_and_rules_in_the_studio_without_javascript(client, auth, assessed):
    from lms.xblock_host.models import XBlockField

    course = assessed["course"]
    auth.login(assessed["author"])
    page = client.get(f"/studio/courses/{course.code}/blocks/{assessed['key']}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Safety (3 questions in the bank)" in html
    action = html_lib.unescape(re.search(r'<form method="post" action="([^"]+save_settings/)"', html).group(1))
    referer = {"Referer": f"http://localhost/studio/courses/{course.code}/blocks/{assessed['key']}/edit"}
    form = {
        "display_name": "Post-test: safety", "kind": "post", "intro": "<p>Good luck<script>x()</script></p>",
        "category": ["Safety"], "count": ["2"], "time_limit_minutes": "30", "attempts_allowed": "3",
        "grading": "last", "pass_mark": "70", "show_answers": "never",
    }  # fmt: skip
    assert client.post(action, data=form, headers=referer).status_code == 303
    db.session.expire_all()
    saved = dict(
        db.session.execute(
            select(XBlockField.field, XBlockField.value).where(
                XBlockField.block_key == assessed["key"], XBlockField.branch == "draft"
            )
        ).all()
    )
    assert saved["draws"] == [{"category": "Safety", "count": 2}] and saved["kind"] == "post"
    assert saved["time_limit_minutes"] == 30 and saved["pass_mark"] == 70 and saved["shuffle_questions"] is False
    assert "<script>" not in saved["intro"]
    bad = client.post(action, data={**form, "pass_mark": "120"}, headers=referer)
    assert bad.status_code == 400 and "pass mark" in bad.get_data(as_text=True)


def test_a_learner_cannot_change_the_published_settings(client, auth, assessed):
    auth.login(assessed["learner"])
    url = handler_url(_page(client, assessed), assessed["key"], "save_settings")
    form = {"display_name": "Mine", "kind": "practice", "grading": "highest", "show_answers": "never", "pass_mark": "0"}
    response = client.post(url, data=form, headers={"Accept": "application/json"})
    assert response.status_code == 409


def test_a_post_test_opens_once_the_other_modules_are_complete(client, auth, assessed):
    course, author = assessed["course"], assessed["author"]
    configure(course, assessed["key"], author, {"kind": "post"})
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Wiring")
    sequential = studio.add_block(course, chapter, "sequential", author, "Circuits")
    lesson = studio.add_block(course, sequential, "vertical", author, "Ring circuits")
    text = studio.add_block(course, lesson, "html", author)
    configure(course, text, author, {"data": "<p>A ring final circuit…</p>"})
    publish(course, author)
    db.session.commit()
    auth.login(assessed["learner"])
    page = _page(client, assessed)
    assert "The post-test opens once you have completed: Wiring." in page
    refused = client.post(handler_url(page, assessed["key"], "start"), json={})
    assert refused.status_code == 409 and "Wiring" in refused.get_json()["error"]
    assert client.get(f"/learn/{course.code}/unit/{lesson}").status_code == 200  # reading the text completes it
    assert "Save and next" in _start(client, assessed)


def test_a_preview_says_plainly_when_the_bank_cannot_serve_the_blueprint(client, auth, assessed):
    course, author = assessed["course"], assessed["author"]
    configure(course, assessed["key"], author, {"draws": [{"category": "Safety", "count": 9}]})
    db.session.commit()
    auth.login(author)
    response = client.get(f"/studio/courses/{course.code}/preview/{assessed['unit']}")
    assert response.status_code == 200
    assert "Not enough questions in “Safety”" in response.get_data(as_text=True)


def test_saving_an_answer_and_the_attempt_page_cost_a_few_statements_whatever_the_number_of_questions(
    client, auth, assessed, count_queries
):
    """The learner's two hottest requests (bench/assessments.py): an answer is one locked read and one write
    besides the request's own (session, course, enrolment), and the page does not load answer by answer."""
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    answer_url = handler_url(page, assessed["key"], "answer")
    first = attempt.answers[0]
    body = {"attempt": attempt.id, "slot": first.slot, "answer": [_choice(first, True)], "sequence": 7}
    unit_url = f"/learn/{assessed['course'].code}/unit/{assessed['unit']}"
    with count_queries() as saving:
        assert client.post(answer_url, json=body).status_code == 200
    touching_answers = [s for s in saving.statements if "attempt_answer" in s]
    assert len(touching_answers) == 2, touching_answers  # the locked read and the write
    # with the session user, the course row and the enrolment (and PostgreSQL's advisory lock of a handler call)
    assert saving.count <= 5 + (db.engine.dialect.name == "postgresql"), saving.statements
    with count_queries() as showing:
        assert client.get(unit_url).status_code == 200
    assert sum("attempt_answer" in s for s in showing.statements) == 1, showing.statements
    assert showing.count <= 8, showing.statements  # and completions, position, the page's block state
    db.session.expire_all()
    assert _attempt(assessed).answers[0].sequence == 7


def test_submitting_with_unanswered_questions_needs_the_box_ticked_and_the_last_save_leads_to_submit(
    client, auth, assessed
):
    """Without JavaScript an answer typed but not saved would be lost by going straight to Submit: the submission
    is refused (the page says which questions), and goes through once the learner ticks the box."""
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    assert 'name="confirm"' in page and "Submit with unanswered questions" in page
    first = attempt.answers[0]
    field = re.search(r'name="(assess-[0-9a-f]+-a1)"', page).group(1)
    last = re.findall(r'<form method="post" action="([^"]+)" class="question"', page)[-1]
    saved = client.post(
        html_lib.unescape(last),
        data={"attempt": attempt.id, "slot": "3", "next": "submit", field.replace("-a1", "-a3"): ""},
        headers=_referer(assessed),
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("-submit")  # on to the Submit button
    answer_url = handler_url(page, assessed["key"], "answer")
    body = {"attempt": attempt.id, "slot": first.slot, "answer": [_choice(first, True)], "sequence": 1}
    assert client.post(answer_url, json=body).status_code == 200
    submit = re.search(r'<form method="post" action="([^"]+)" class="submit-attempt"', page).group(1)
    refused = client.post(html_lib.unescape(submit), data={"attempt": attempt.id}, headers=_referer(assessed))
    assert refused.status_code == 409
    assert "Questions 2, 3 are not answered yet" in refused.get_data(as_text=True)
    assert _attempt(assessed).state == AttemptState.IN_PROGRESS
    done = client.post(
        html_lib.unescape(submit), data={"attempt": attempt.id, "confirm": "yes"}, headers=_referer(assessed)
    )
    assert done.status_code == 303
    db.session.expire_all()
    assert _attempt(assessed).state == AttemptState.SUBMITTED


def test_an_answer_after_the_deadline_is_refused_and_the_attempt_stays_submitted(client, auth, assessed):
    """The refusal is a 409, yet the submission the deadline made in that request is kept (not rolled back with
    the error), and so is the grade it gives."""
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    attempt.deadline = attempt.started_at  # its time is up
    db.session.commit()
    first = attempt.answers[0]
    body = {"attempt": attempt.id, "slot": first.slot, "answer": [_choice(first, True)], "sequence": 1}
    late = client.post(handler_url(page, assessed["key"], "answer"), json=body)
    assert late.status_code == 409 and "Time is up" in late.get_json()["error"]
    db.session.expire_all()
    closed = _attempt(assessed)
    assert closed.state == AttemptState.SUBMITTED and closed.submitted_by == "deadline"
    assert closed.answers[0].response is None  # the late answer is not in it
    grade = db.session.scalars(select(BlockGrade).where(BlockGrade.user_id == assessed["learner"].id)).one()
    assert grade.earned == 0


def test_an_expired_attempt_is_submitted_when_its_page_is_next_opened(client, auth, assessed):
    auth.login(assessed["learner"])
    _start(client, assessed)
    attempt = _attempt(assessed)
    attempt.deadline = attempt.started_at
    db.session.commit()
    page = _page(client, assessed)
    assert "Submit my answers" not in page  # the summary, not the open attempt
    db.session.expire_all()
    assert _attempt(assessed).state == AttemptState.SUBMITTED


def test_after_two_attempts_the_page_reviews_the_latest_and_the_grade_takes_the_best(client, auth, assessed):
    auth.login(assessed["learner"])
    for right in (True, False):  # all right, then all wrong
        page = _start(client, assessed)
        attempt = db.session.scalars(
            select(Attempt).where(Attempt.user_id == assessed["learner"].id, Attempt.state == AttemptState.IN_PROGRESS)
        ).one()
        answer_url = handler_url(page, assessed["key"], "answer")
        for answer in attempt.answers:
            body = {"attempt": attempt.id, "slot": answer.slot, "answer": [_choice(answer, right)], "sequence": 1}
            assert client.post(answer_url, json=body).status_code == 200
        submit = handler_url(page, assessed["key"], "submit")
        assert client.post(submit, json={"attempt": attempt.id}).status_code == 200
    result = _page(client, assessed)
    assert "Your score: 0%" in result and "Think again" in result and "Well done" not in result  # the latest
    grade = db.session.scalars(select(BlockGrade).where(BlockGrade.user_id == assessed["learner"].id)).one()
    assert grade.earned == 100  # highest of the two
