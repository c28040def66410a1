"""A published course with a pre-test, a post-test and a practice test, and helpers that write learners'
attempts straight into the tables (the reports read only the stored attempts, however they came)."""

from __future__ import annotations

from datetime import date, timedelta

from assessments import bank
from assessments.models import Attempt, AttemptAnswer, AttemptState
from courses.studio import services as studio
from courses.versions import publish
from lms.clock import utcnow
from lms.cohorts.models import Cohort
from lms.db import db
from tests.blocks.helpers import configure

POST_PASS_MARK = 70.0


def course_with_tests(factory, track: str = "tvet_tot", questions: int = 0):
    """A published course with two pre-tests (the first counts), a post-test and a practice test; returns the
    course, the blocks' keys by name and the current version ids of ``questions`` new bank questions."""
    author = factory.user("author")
    course = factory.course(owner=author, track=track)
    versions = []
    for n in range(questions):
        question = bank.add_question(
            course.id,
            bank.NewQuestion(
                {
                    "type": "single_choice",
                    "stem": f"<p>Q{n}</p>",
                    "choices": [{"text": "a", "fraction": 1}, {"text": "b"}],
                },
                title=f"Question {n}",
            ),
        )
        versions.append(question.current_version_id)
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Tests")
    sequential = studio.add_block(course, chapter, "sequential", author, "Tests")
    unit = studio.add_block(course, sequential, "vertical", author, "Tests")
    keys = {}
    for name, kind, pass_mark in (
        ("pre", "pre", 50.0),
        ("pre2", "pre", 50.0),
        ("post", "post", POST_PASS_MARK),
        ("practice", "practice", 50.0),
    ):
        keys[name] = studio.add_block(course, unit, "assessment", author)
        configure(course, keys[name], author, {"kind": kind, "pass_mark": pass_mark, "display_name": name.title()})
    publish(course, author)
    db.session.commit()
    return course, keys, versions


def cohort(factory, course, learners, institution: str = "iprc-huye", starts_on: date | None = None, name=None):
    made = factory.cohort(course=course, institution=institution, learners=learners, name=name)
    if starts_on is not None:
        db.session.get(Cohort, made.id).starts_on = starts_on
        db.session.commit()
    return made


def attempt(user, course, key: str, kind: str, percent: float | None, number: int = 1, **extra) -> Attempt:
    """A submitted attempt marked ``percent`` of 20 (None: waiting for an essay's grade)."""
    started = utcnow() - timedelta(days=20 - number)
    made = Attempt(
        user_id=user.id,
        course_id=course.id,
        usage_key=key,
        kind=kind,
        number=number,
        seed=1,
        state=extra.pop("state", AttemptState.SUBMITTED),
        started_at=started,
        submitted_at=started + timedelta(minutes=30),
        max_mark=20,
        mark=None if percent is None else percent / 5,
    )
    db.session.add(made)
    db.session.flush()
    return made


def answered(user, course, key: str, kind: str, marks: dict[int, float], number: int = 1) -> Attempt:
    """A graded attempt with one answer per (version id → mark out of 1)."""
    made = attempt(user, course, key, kind, 5 * sum(marks.values()), number=number)
    made.max_mark = float(len(marks))
    made.mark = float(sum(marks.values()))
    for slot, (version_id, mark) in enumerate(marks.items(), start=1):
        db.session.add(AttemptAnswer(attempt_id=made.id, slot=slot, version_id=version_id, max_mark=1.0, fraction=mark))
    db.session.flush()
    return made
