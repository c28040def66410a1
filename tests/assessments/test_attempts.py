"""Attempts: drawing parallel forms, saving answers in order and never after the end, one result per
submission, the deadline kept by the server, attempts allowed and accommodations."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessments import attempts, bank
from assessments.attempts import Draw, Settings
from assessments.errors import AttemptClosed, AttemptRefused, BlueprintError
from assessments.items import ResponseInvalid
from assessments.models import Attempt, AttemptState
from lms import signals
from lms.clock import utcnow
from lms.db import db, unit_of_work

KEY = "block-v1:{code}+type@assessment+block@{name}"


def _bank(course_id: int, per_category: int = 4) -> None:
    questions = []
    for category in ("Safety", "Wiring"):
        for n in range(per_category):
            questions.append(
                bank.NewQuestion(
                    {
                        "type": "single_choice",
                        "stem": f"<p>{category} question {n}</p>",
                        "choices": [{"text": f"right {n}", "fraction": 1}, {"text": f"wrong {n}"}],
                    },
                    category=category,
                )
            )
    bank.import_questions(course_id, questions)


def _settings(course, name: str = "pre", **overrides) -> Settings:
    values = {
        "usage_key": KEY.format(code=course.code, name=name),
        "course_id": course.id,
        "kind": name if name in ("pre", "post") else "practice",
        "draws": (Draw("Safety", 2), Draw("Wiring", 1)),
    }
    values.update(overrides)
    return Settings(**values)


def _right_choice(answer) -> str:
    return next(c["id"] for c in answer.version.definition["choices"] if c["fraction"] == 1)


def _wrong_choice(answer) -> str:
    return next(c["id"] for c in answer.version.definition["choices"] if c["fraction"] == 0)


@pytest.fixture
def course_with_bank(app, factory):
    with app.app_context():
        course = factory.course()
        _bank(course.id)
        db.session.commit()
        yield course


def test_an_attempt_draws_from_each_category_and_keeps_its_draw(app, factory, course_with_bank):
    course, learner = course_with_bank, factory.user()
    attempt = attempts.start(_settings(course), learner.id)
    paths = sorted(a.version.definition["stem"].split()[0][3:] for a in attempt.answers)
    assert paths == ["Safety", "Safety", "Wiring"]
    assert attempt.max_mark == 3 and attempt.number == 1
    again = attempts.start(_settings(course), learner.id)  # resuming, on any device
    assert again.id == attempt.id and [a.version_id for a in again.answers] == [a.version_id for a in attempt.answers]


def test_a_post_test_draws_what_the_pre_test_did_not_show(app, factory, course_with_bank):
    course, learner = course_with_bank, factory.user()
    pre = attempts.start(_settings(course, draws=(Draw("Safety", 2),)), learner.id)
    post_settings = _settings(
        course, "post", draws=(Draw("Safety", 2),), pre_usage_keys=(KEY.format(code=course.code, name="pre"),)
    )
    post = attempts.start(post_settings, learner.id)
    seen = {a.version.question_id for a in pre.answers}
    assert not seen & {a.version.question_id for a in post.answers}  # 4 in the category: two fresh ones


def test_a_blueprint_larger_than_the_bank_is_refused_plainly(app, factory, course_with_bank):
    with pytest.raises(BlueprintError, match="Safety"):
        attempts.start(_settings(course_with_bank, draws=(Draw("Safety", 9),)), factory.user().id)


def test_answers_are_kept_in_order_and_an_old_one_is_ignored(app, factory, course_with_bank):
    attempt = attempts.start(_settings(course_with_bank), factory.user().id)
    first = attempt.answers[0]
    attempts.save_answer(attempt.id, 1, _wrong_choice(first), sequence=1)
    attempts.save_answer(attempt.id, 1, _right_choice(first), sequence=3)
    attempts.save_answer(attempt.id, 1, _wrong_choice(first), sequence=2)  # a late replay of an older change
    assert first.response == _right_choice(first) and first.sequence == 3


def test_a_tampered_choice_or_slot_is_refused(app, factory, course_with_bank):
    attempt = attempts.start(_settings(course_with_bank), factory.user().id)
    with pytest.raises(ResponseInvalid):
        attempts.save_answer(attempt.id, 1, "not-a-choice", sequence=1)
    with pytest.raises(LookupError):
        attempts.save_answer(attempt.id, 99, _right_choice(attempt.answers[0]), sequence=1)


def test_submitting_twice_gives_one_result_and_answers_after_it_are_refused(app, factory, course_with_bank):
    attempt = attempts.start(_settings(course_with_bank), factory.user().id)
    for answer in attempt.answers:
        attempts.save_answer(attempt.id, answer.slot, _right_choice(answer), sequence=1)
    announced = []
    signals.attempt_submitted.connect(lambda sender, **kw: announced.append(sender), weak=False)
    try:
        with unit_of_work():
            attempts.submit(attempt)
            attempts.submit(attempt)
    finally:
        signals.attempt_submitted.receivers.clear()
    assert announced == [attempt.id]
    assert attempt.state == AttemptState.SUBMITTED and attempt.mark == 3 and attempt.percent == 100
    with pytest.raises(AttemptClosed):
        attempts.save_answer(attempt.id, 1, _wrong_choice(attempt.answers[0]), sequence=9)
    assert attempt.answers[0].response == _right_choice(attempt.answers[0])


def test_the_deadline_is_the_servers_and_closes_the_attempt(app, factory, course_with_bank):
    learner = factory.user()
    settings = _settings(course_with_bank, time_limit_minutes=10)
    started = utcnow()
    attempt = attempts.start(settings, learner.id, now=started)
    attempts.save_answer(attempt.id, 1, _right_choice(attempt.answers[0]), 1, now=started + timedelta(minutes=9))
    with pytest.raises(AttemptClosed, match="Time is up"):
        attempts.save_answer(attempt.id, 2, _right_choice(attempt.answers[1]), 1, now=started + timedelta(minutes=11))
    assert attempt.state == AttemptState.SUBMITTED and attempt.submitted_by == "deadline"
    assert attempt.submitted_at == attempt.deadline and attempt.mark == 1  # only what was saved in time


def test_an_abandoned_attempt_is_closed_by_the_job(app, factory, course_with_bank):
    started = utcnow() - timedelta(hours=2)
    attempt = attempts.start(_settings(course_with_bank, time_limit_minutes=30), factory.user().id, now=started)
    assert attempts.close_expired() == 1
    assert attempt.state == AttemptState.SUBMITTED and attempt.mark == 0
    assert attempts.close_expired() == 0


def test_a_pre_test_allows_one_attempt_and_an_accommodation_another(app, factory, course_with_bank):
    learner, instructor = factory.user(), factory.user()
    settings = _settings(course_with_bank, attempts_allowed=5)  # a pre-test allows one whatever it says
    attempts.submit(attempts.start(settings, learner.id))
    with pytest.raises(AttemptRefused, match="used your attempt"):
        attempts.start(settings, learner.id)
    with pytest.raises(AttemptRefused):
        attempts.grant(learner.id, settings.usage_key, "", instructor.id, extra_attempts=1)
    attempts.grant(learner.id, settings.usage_key, "Power cut during the test", instructor.id, extra_attempts=1)
    second = attempts.start(settings, learner.id)
    assert second.number == 2 and attempts.attempts_left(settings, learner.id) == 0


def test_extra_time_moves_an_open_attempts_deadline(app, factory, course_with_bank):
    learner, instructor = factory.user(), factory.user()
    settings = _settings(course_with_bank, "practice", time_limit_minutes=20)
    attempt = attempts.start(settings, learner.id)
    deadline = attempt.deadline
    attempts.grant(learner.id, settings.usage_key, "Reads slowly in English", instructor.id, extra_minutes=15)
    assert attempt.deadline == deadline + timedelta(minutes=15)


def test_extra_time_does_not_reopen_an_attempt_whose_time_was_up(app, factory, course_with_bank):
    learner, instructor = factory.user(), factory.user()
    settings = _settings(course_with_bank, "practice", time_limit_minutes=20)
    attempt = attempts.start(settings, learner.id)
    attempt.deadline = attempt.started_at  # up, and nobody has closed it yet
    deadline = attempt.deadline
    attempts.grant(learner.id, settings.usage_key, "Power cut", instructor.id, extra_minutes=30)
    assert attempt.state == AttemptState.SUBMITTED and attempt.submitted_by == "deadline"
    assert attempt.submitted_at == deadline and attempt.deadline == deadline


@pytest.mark.parametrize(
    ("method", "expected"), [("highest", 100.0), ("last", 50.0), ("first", 0.0), ("average", 50.0)]
)
def test_grading_methods(method, expected):
    def attempt(percent):
        return Attempt(state=AttemptState.SUBMITTED, mark=percent / 50, max_mark=2)

    assert attempts.graded_percent([attempt(0), attempt(100), attempt(50)], method) == expected


def test_the_seed_decides_the_order(app, factory, course_with_bank):
    settings = _settings(course_with_bank, draws=(Draw("", 8),))
    one = [v.id for v, _ in attempts.draw(settings, random.Random(7))]
    assert one == [v.id for v, _ in attempts.draw(settings, random.Random(7))]
    assert one != [v.id for v, _ in attempts.draw(settings, random.Random(8))]
    assert db.session.scalar(select(Attempt.id)) is None  # drawing writes nothing
