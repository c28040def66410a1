"""The read API other packages use: a learner's result by the block's grading method and pass mark, and the
pre/post pairs of a course or a cohort (first attempts, both scores where there are both)."""

from __future__ import annotations

from datetime import timedelta

from assessments import bank, queries
from assessments.models import Attempt, AttemptState
from courses.studio import services as studio
from courses.versions import publish
from lms.clock import utcnow
from lms.db import db
from tests.blocks.helpers import configure


def _course_with_tests(factory):
    author = factory.user("author")
    course = factory.course(owner=author)
    bank.add_question(
        course.id,
        bank.NewQuestion(
            {"type": "single_choice", "stem": "<p>Q</p>", "choices": [{"text": "a", "fraction": 1}, {"text": "b"}]}
        ),
    )
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Tests")
    sequential = studio.add_block(course, chapter, "sequential", author, "Tests")
    unit = studio.add_block(course, sequential, "vertical", author, "Tests")
    keys = {}
    for kind, grading, pass_mark in (("pre", "first", 50.0), ("post", "highest", 70.0)):
        keys[kind] = studio.add_block(course, unit, "assessment", author)
        configure(course, keys[kind], author, {"kind": kind, "grading": grading, "pass_mark": pass_mark})
    publish(course, author)
    return course, keys


def _attempt(user_id, course, key, kind, number, percent, state=AttemptState.SUBMITTED, days=0):
    started = utcnow() - timedelta(days=10 - days)
    attempt = Attempt(
        user_id=user_id,
        course_id=course.id,
        usage_key=key,
        kind=kind,
        number=number,
        seed=1,
        state=state,
        started_at=started,
        submitted_at=started + timedelta(minutes=20),
        max_mark=4,
        mark=None if percent is None else percent / 25,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def test_a_result_follows_the_blocks_grading_method_and_pass_mark(app, factory):
    course, keys = _course_with_tests(factory)
    learner = factory.user()
    assert queries.result(learner.id, course.id, "post") is None
    _attempt(learner.id, course, keys["post"], "post", 1, 50, days=1)
    _attempt(learner.id, course, keys["post"], "post", 2, 75, days=2)
    _attempt(learner.id, course, keys["post"], "post", 3, None, state=AttemptState.IN_PROGRESS, days=3)
    post = queries.result(learner.id, course.id, "post")
    assert (post.percent, post.passed, post.usage_key) == (75.0, True, keys["post"])  # highest, pass mark 70
    _attempt(learner.id, course, keys["pre"], "pre", 1, 25)
    pre = queries.result(learner.id, course.id, "pre")
    assert (pre.percent, pre.passed) == (25.0, False)
    assert queries.result(learner.id, course.id, "practice") is None


def test_an_essay_waiting_for_grading_gives_no_result_yet(app, factory):
    course, keys = _course_with_tests(factory)
    learner = factory.user()
    _attempt(learner.id, course, keys["post"], "post", 1, None)  # submitted, mark not known yet
    assert queries.result(learner.id, course.id, "post") is None


def test_pre_post_pairs_use_first_attempts_and_keep_unmatched_learners(app, factory):
    course, keys = _course_with_tests(factory)
    both, pre_only, withdrawn_elsewhere = factory.user(), factory.user(), factory.user()
    cohort = factory.cohort(course=course, learners=[both, pre_only])
    _attempt(both.id, course, keys["pre"], "pre", 1, 25, days=0)
    _attempt(both.id, course, keys["post"], "post", 1, 75, days=5)
    _attempt(both.id, course, keys["post"], "post", 2, 100, days=6)  # a second try is not the gain
    _attempt(pre_only.id, course, keys["pre"], "pre", 1, 50)
    _attempt(withdrawn_elsewhere.id, course, keys["pre"], "pre", 1, 0)
    pairs = {p.user_id: (p.pre, p.post) for p in queries.pre_post_pairs(course.id)}
    assert pairs == {both.id: (25.0, 75.0), pre_only.id: (50.0, None), withdrawn_elsewhere.id: (0.0, None)}
    in_cohort = {p.user_id for p in queries.pre_post_pairs(course.id, cohort_id=cohort.id)}
    assert in_cohort == {both.id, pre_only.id}
