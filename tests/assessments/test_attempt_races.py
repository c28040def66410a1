"""Attempts under real concurrency (two tabs, a double click, a save racing the submission): one attempt,
one result, and no acknowledged answer left out of the grade. On PostgreSQL the racers really interleave
(``tests/concurrency.py``); SQLite serialises writers, and the outcome is asserted all the same."""

from __future__ import annotations

from sqlalchemy import func, select

from assessments import attempts, bank
from assessments.attempts import Draw, Settings
from assessments.errors import AttemptClosed
from assessments.models import Attempt
from lms import signals
from lms.db import db
from tests.concurrency import together


def _setup(factory):
    course, learner = factory.course(), factory.user()
    bank.import_questions(
        course.id,
        [
            bank.NewQuestion(
                {
                    "type": "single_choice",
                    "stem": f"<p>Question {n}</p>",
                    "choices": [{"text": "right", "fraction": 1}, {"text": "wrong"}],
                },
                category="Safety",
            )
            for n in range(3)
        ],
    )
    settings = Settings(
        usage_key=f"block-v1:{course.code}+type@assessment+block@pre",
        course_id=course.id,
        kind="practice",
        draws=(Draw("Safety", 3),),
        attempts_allowed=0,
    )
    return settings, learner.id


def _right(answer) -> str:
    return next(c["id"] for c in answer.version.definition["choices"] if c["fraction"] == 1)


def test_two_tabs_starting_at_once_get_one_attempt(app, factory):
    with app.app_context():
        settings, learner_id = _setup(factory)
        outcomes = together(
            app,
            lambda: attempts.start(settings, learner_id).id,
            lambda: attempts.start(settings, learner_id).id,
            hold=r"INSERT INTO assessment_attempt",
        )
        assert [o.error for o in outcomes] == [None, None]
        assert outcomes[0].value == outcomes[1].value
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_two_submissions_at_once_give_one_result(app, factory):
    with app.app_context():
        settings, learner_id = _setup(factory)
        attempt = attempts.start(settings, learner_id)
        for answer in attempt.answers:
            attempts.save_answer(attempt.id, answer.slot, _right(answer), 1)
        attempt_id = attempt.id
        announced = []
        signals.attempt_submitted.connect(lambda sender, **kw: announced.append(sender), weak=False)
        try:

            def submit():
                return attempts.submit(db.session.get(Attempt, attempt_id)).mark

            outcomes = together(app, submit, submit, hold=r"FOR UPDATE")
        finally:
            signals.attempt_submitted.receivers.clear()
        assert [o.error for o in outcomes] == [None, None]
        assert [o.value for o in outcomes] == [3.0, 3.0]
        assert announced == [attempt_id]


def test_an_answer_racing_the_submission_is_either_graded_or_refused(app, factory):
    with app.app_context():
        settings, learner_id = _setup(factory)
        attempt = attempts.start(settings, learner_id)
        attempt_id, right = attempt.id, _right(attempt.answers[0])

        def save():
            attempts.save_answer(attempt_id, 1, right, 1)
            return "saved"

        def submit():
            return attempts.submit(db.session.get(Attempt, attempt_id)).mark

        saved, submitted = together(app, save, submit, hold=r"FOR UPDATE")
        db.session.expire_all()
        final = db.session.get(Attempt, attempt_id)
        if saved.error is None:
            assert final.mark == 1.0  # acknowledged, so counted
        else:
            assert isinstance(saved.error, AttemptClosed) and final.mark == 0.0
        assert submitted.error is None
