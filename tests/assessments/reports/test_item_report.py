"""The item analysis of one assessment from the stored answers: pooled across cohorts by question version,
every submitted graded attempt, in scope; equal to ``item_statistics`` of the same matrix; versions an
attempt did not draw (random draws from a bank) are left out of that version's figures only."""

from __future__ import annotations

import pytest

from assessments.analytics import item_statistics
from assessments.reports.model import Scope
from assessments.reports.service import ReportError, item_report
from lms.db import db
from tests.assessments.reports.world import answered, attempt, cohort, course_with_tests

# Five attempts at four questions (marks out of 1); the last question is keyed wrong (the weak get it).
HAND = [
    [1, 1, 1, 0],
    [1, 1, 0, 0],
    [1, 1, 1, 1],
    [0, 1, 0, 1],
    [0, 0, 0, 1],
]


@pytest.fixture
def world(app, factory):
    course, keys, versions = course_with_tests(factory, questions=5)
    learners = [factory.user(name=f"L{n}") for n in range(len(HAND))]
    a = cohort(factory, course, learners[:3], "iprc-huye", name="A")
    b = cohort(factory, course, learners[3:], "iprc-tumba", name="B")
    for learner, row in zip(learners, HAND, strict=True):
        answered(learner, course, keys["post"], "post", dict(zip(versions[:4], row, strict=True)))
    db.session.commit()
    return {"course": course, "keys": keys, "versions": versions, "learners": learners, "a": a, "b": b}


def test_the_item_report_is_item_statistics_of_the_same_matrix_pooled_across_cohorts(world):
    report = item_report(world["course"], world["keys"]["post"])
    expected = item_statistics(HAND, [1, 1, 1, 1])
    assert report.test == expected
    assert (report.title, report.kind) == ("Post", "post")
    assert [row.version_id for row in report.items] == world["versions"][:4]
    assert [row.label for row in report.items] == ["Question 0", "Question 1", "Question 2", "Question 3"]
    assert [row.attempts for row in report.items] == [5, 5, 5, 5]
    assert [row.statistics for row in report.items] == list(expected.items)
    assert [row.miskeyed for row in report.items] == [False, False, False, True]
    assert report.items[3].discrimination_band == "invalid"
    assert report.items[0].facility_band is not None


def test_later_attempts_and_other_tests_and_ungraded_attempts_are_their_own(world):
    learner = world["learners"][0]
    versions = world["versions"]
    # A second graded attempt counts (every submitted graded attempt); one waiting for a grade does not.
    answered(learner, world["course"], world["keys"]["post"], "post", dict.fromkeys(versions[:4], 0), number=2)
    attempt(learner, world["course"], world["keys"]["post"], "post", None, number=3)
    answered(learner, world["course"], world["keys"]["practice"], "practice", {versions[4]: 1})
    db.session.commit()
    report = item_report(world["course"], world["keys"]["post"])
    assert report.test == item_statistics([*HAND, [0, 0, 0, 0]], [1, 1, 1, 1])
    practice = item_report(world["course"], world["keys"]["practice"])
    assert [row.version_id for row in practice.items] == [versions[4]] and practice.test.n == 1


def test_an_instructor_scope_analyses_only_its_cohorts(world):
    report = item_report(world["course"], world["keys"]["post"], Scope(cohort_ids=frozenset({world["b"].id})))
    assert report.test == item_statistics(HAND[3:], [1, 1, 1, 1])


def test_versions_not_drawn_are_left_out_of_their_own_figures_only(world, factory):
    """A bank draw: two more attempts drew question 4 instead of question 3."""
    course, keys, versions = world["course"], world["keys"], world["versions"]
    extra = [factory.user(), factory.user()]
    cohort(factory, course, extra, "iprc-ngoma")
    answered(extra[0], course, keys["post"], "post", {versions[0]: 1, versions[1]: 1, versions[2]: 0, versions[4]: 1})
    answered(extra[1], course, keys["post"], "post", {versions[0]: 0, versions[1]: 0, versions[2]: 1, versions[4]: 0})
    db.session.commit()
    report = item_report(course, keys["post"])
    matrix = [[*row, None] for row in HAND] + [[1, 1, 0, None, 1], [0, 0, 1, None, 0]]
    assert report.test == item_statistics(matrix, [1] * 5, not_drawn=True)
    assert [row.attempts for row in report.items] == [7, 7, 7, 5, 2]
    assert report.test.n == 7 and report.test.internal_consistency is None
    # Question 3's figures are those of the five attempts that drew it, their totals included.
    totals = [sum(row) for row in HAND]
    drawn_only = item_statistics([[t - r[3], r[3]] for t, r in zip(totals, HAND, strict=True)], [3, 1])
    assert report.items[3].statistics.facility == drawn_only.items[1].facility
    assert report.items[3].statistics.discrimination_index == pytest.approx(drawn_only.items[1].discrimination_index)


def test_an_assessment_nobody_has_taken_has_no_items(world):
    report = item_report(world["course"], world["keys"]["pre2"])
    assert report.items == () and report.test.n == 0 and report.test.mean is None


def test_a_key_that_is_not_the_courses_assessment_is_refused(world, factory):
    other, other_keys, _ = course_with_tests(factory)
    with pytest.raises(ReportError, match="not a published"):
        item_report(world["course"], other_keys["post"])
    with pytest.raises(ReportError):
        item_report(world["course"], "block-v1:nothing")


def test_the_item_report_takes_a_fixed_number_of_queries(world, factory, count_queries):
    course, keys, versions = world["course"], world["keys"], world["versions"]
    item_report(course, keys["post"])
    db.session.refresh(course)
    with count_queries() as few:
        item_report(course, keys["post"])
    for n in range(20):
        learner = factory.user()
        cohort(factory, course, [learner], "iprc-ngoma")
        answered(learner, course, keys["post"], "post", {v: (n + i) % 2 for i, v in enumerate(versions[:4])})
    db.session.commit()
    db.session.refresh(course)
    with count_queries() as many:
        report = item_report(course, keys["post"])
    assert report.test.n == 25
    assert few.count == many.count <= 2, many.statements
