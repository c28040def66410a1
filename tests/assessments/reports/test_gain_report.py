"""The course gain report from the stored attempts: who is matched (first graded attempt of the first
pre-test and of the post-test), who is only enrolled, what a reader's scope and each filter let through,
the groups of each breakdown, and the figures — exactly ``paired_gain`` of the same numbers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from assessments.analytics import paired_gain
from assessments.reports.model import DIMENSIONS, Filters, Scope
from assessments.reports.service import filter_choices, gain_report, gain_tests
from lms.db import db
from lms.institutions.queries import by_code
from tests.assessments.reports.world import POST_PASS_MARK, attempt, cohort, course_with_tests


def _learner(factory, name, gender):
    user = factory.user(name=name)
    user.gender = gender
    db.session.commit()
    return user


@pytest.fixture
def world(app, factory):
    """Cohort A (IPRC Huye, 2026 Q1): Ann (f) 40→80, Ben (m) 50→60 — first attempts; Cat (f) only a pre-test.
    Cohort B (IPRC Musanze, 2026 Q3): Dan (m) 20→90, Eve (no gender given) 60→50; Fay (f) a post-test only."""
    course, keys, _ = course_with_tests(factory)
    people = {
        name: _learner(factory, name, gender)
        for name, gender in (("Ann", "female"), ("Ben", "male"), ("Cat", "female"), ("Dan", "male"), ("Eve", None))
    }
    people["Fay"] = _learner(factory, "Fay", "female")
    a = cohort(factory, course, [people[n] for n in ("Ann", "Ben", "Cat")], "iprc-huye", date(2026, 2, 1), "A")
    b = cohort(factory, course, [people[n] for n in ("Dan", "Eve", "Fay")], "iprc-musanze", date(2026, 8, 1), "B")
    scores = {"Ann": (40, 80), "Ben": (50, 60), "Dan": (20, 90), "Eve": (60, 50)}
    for name, (pre, post) in scores.items():
        attempt(people[name], course, keys["pre"], "pre", pre)
        attempt(people[name], course, keys["post"], "post", post)
    # Later attempts and other tests never replace the first graded one.
    attempt(people["Ann"], course, keys["post"], "post", 100, number=2)
    attempt(people["Ben"], course, keys["pre2"], "pre", 0)  # the course's second pre-test does not count
    attempt(people["Ben"], course, keys["practice"], "practice", 0)
    attempt(people["Cat"], course, keys["pre"], "pre", 30)
    attempt(people["Fay"], course, keys["post"], "post", 75)
    db.session.commit()
    return {"course": course, "keys": keys, "people": people, "a": a, "b": b, "scores": scores}


def _pairs(report):
    return {p.name: (p.pre, p.post) for p in report.learners}


def test_matched_learners_are_those_with_both_tests_by_their_first_graded_attempts(world):
    report = gain_report(world["course"], Filters(), Scope())
    assert _pairs(report) == {name: (float(a), float(b)) for name, (a, b) in world["scores"].items()}
    assert [p.name for p in report.learners] == ["Ann", "Ben", "Dan", "Eve"]  # by name
    assert report.overall.enrolled == 6  # Cat (pre only) and Fay (post only) are enrolled, not matched
    assert report.overall.gain.n == 4
    assert report.pass_mark == POST_PASS_MARK


def test_a_first_attempt_waiting_for_its_grade_gives_way_to_the_first_graded_one(world):
    cat = world["people"]["Cat"]
    attempt(cat, world["course"], world["keys"]["post"], "post", None)  # an essay not graded yet
    attempt(cat, world["course"], world["keys"]["post"], "post", 65, number=2)
    db.session.commit()
    assert _pairs(gain_report(world["course"]))["Cat"] == (30.0, 65.0)


def test_the_figures_are_paired_gain_of_the_same_numbers(world):
    report = gain_report(world["course"])
    pre, post = zip(*world["scores"].values(), strict=True)
    assert report.overall.gain == paired_gain(pre, post, 100, POST_PASS_MARK, enrolled=6)
    by_cohort = {g.label: g for g in report.breakdowns["cohort"]}
    assert by_cohort["A"].gain == paired_gain([40, 50], [80, 60], 100, POST_PASS_MARK, enrolled=3)
    assert by_cohort["B"].gain == paired_gain([20, 60], [90, 50], 100, POST_PASS_MARK, enrolled=3)
    assert by_cohort["A"].key == str(world["a"].id)


def test_every_breakdown_has_its_groups_with_their_enrolled(world):
    report = gain_report(world["course"])
    assert tuple(report.breakdowns) == DIMENSIONS
    shape = {d: [(g.label, g.enrolled, g.gain.n) for g in report.breakdowns[d]] for d in DIMENSIONS}
    assert shape == {
        "cohort": [("A", 3, 2), ("B", 3, 2)],
        "institution": [("IPRC Huye", 3, 2), ("IPRC Musanze", 3, 2)],
        "gender": [("female", 3, 1), ("male", 2, 2), ("", 1, 1)],
        "track": [("tvet_tot", 6, 4)],
        "period": [("2026-Q1", 3, 2), ("2026-Q3", 3, 2)],
    }
    # The institution is the cohort's (every test user's account says IPRC Kigali).
    huye = report.breakdowns["institution"][0]
    assert huye.key == str(by_code("iprc-huye").id)
    pair = next(p for p in report.learners if p.name == "Dan")
    assert (pair.institution_name, pair.period, pair.track, pair.gender) == (
        "IPRC Musanze",
        "2026-Q3",
        "tvet_tot",
        "male",
    )


def test_an_instructor_scope_sees_only_its_cohorts(world):
    report = gain_report(world["course"], Filters(), Scope(cohort_ids=frozenset({world["b"].id})))
    assert set(_pairs(report)) == {"Dan", "Eve"}
    assert report.overall.enrolled == 3
    assert [g.label for g in report.breakdowns["cohort"]] == ["B"]
    # A filter cannot widen the scope.
    widened = gain_report(
        world["course"], Filters(cohort_ids=frozenset({world["a"].id})), Scope(frozenset({world["b"].id}))
    )
    assert widened.learners == () and widened.overall.enrolled == 0


@pytest.mark.parametrize(
    ("filters", "expected", "enrolled"),
    [
        (lambda w: Filters(cohort_ids=frozenset({w["a"].id})), {"Ann", "Ben"}, 3),
        (lambda w: Filters(institution_ids=frozenset({by_code("iprc-musanze").id})), {"Dan", "Eve"}, 3),
        (lambda w: Filters(genders=frozenset({"female"})), {"Ann"}, 3),
        (lambda w: Filters(genders=frozenset({"", "male"})), {"Ben", "Dan", "Eve"}, 3),
        (lambda w: Filters(tracks=frozenset({"tvet_tot"})), {"Ann", "Ben", "Dan", "Eve"}, 6),
        (lambda w: Filters(tracks=frozenset({"hospital"})), set(), 0),
        (lambda w: Filters(starts_from=date(2026, 3, 1)), {"Dan", "Eve"}, 3),
        (lambda w: Filters(starts_until=date(2026, 2, 1)), {"Ann", "Ben"}, 3),
    ],
    ids=["cohort", "institution", "gender", "not-given-gender", "track", "other-track", "from", "until"],
)
def test_each_filter_narrows_the_learners_and_the_enrolled(world, filters, expected, enrolled):
    chosen = filters(world)
    report = gain_report(world["course"], chosen)
    assert set(_pairs(report)) == expected
    assert report.overall.enrolled == enrolled
    assert report.filters == chosen


def test_a_learner_in_two_cohorts_counts_once_in_the_active_one(world, factory):
    from lms.cohorts.services import withdraw

    ann = world["people"]["Ann"]
    c = cohort(factory, world["course"], [ann], "iprc-tumba", date(2026, 11, 1), "C")
    report = gain_report(world["course"])  # active in both: the cohort that started last
    assert next(p.cohort_name for p in report.learners if p.name == "Ann") == "C"
    assert report.overall.enrolled == 6
    from lms.cohorts.models import Enrollment

    withdraw(db.session.scalars(select(Enrollment).filter_by(cohort_id=c.id, user_id=ann.id)).one())
    db.session.commit()
    report = gain_report(world["course"])  # withdrawn from C: the active enrollment first
    assert next(p.cohort_name for p in report.learners if p.name == "Ann") == "A"
    assert [(g.label, g.enrolled) for g in report.breakdowns["cohort"]] == [("A", 3), ("B", 3)]


def test_no_post_test_means_no_pairs_but_the_enrolled_are_counted(app, factory):
    from assessments.reports.service import report_assessments

    course, keys, _ = course_with_tests(factory)
    learner = _learner(factory, "Gil", "male")
    cohort(factory, course, [learner])
    attempt(learner, course, keys["pre"], "pre", 50)
    db.session.commit()
    assert [a.title for a in report_assessments(course)] == ["Pre", "Pre2", "Post", "Practice"]
    assert gain_tests(course)[0].key == keys["pre"]
    report = gain_report(course)
    assert (report.overall.gain.n, report.overall.enrolled) == (0, 1)
    assert report.overall.gain.warnings[0].code == "no_pairs"


def test_filter_choices_offer_what_is_in_scope(world):
    everything = filter_choices(world["course"])
    assert [c.label for c in everything.cohorts] == ["A", "B"]
    assert [c.label for c in everything.institutions] == ["IPRC Huye", "IPRC Musanze"]
    assert [c.value for c in everything.genders] == ["female", "male", ""]
    assert [c.value for c in everything.tracks] == ["tvet_tot"]
    assert [c.value for c in everything.periods] == ["2026-Q1", "2026-Q3"]
    mine = filter_choices(world["course"], Scope(cohort_ids=frozenset({world["a"].id})))
    assert [c.label for c in mine.cohorts] == ["A"]
    assert [c.value for c in mine.genders] == ["female", "male"]


def test_the_gain_report_takes_a_fixed_number_of_queries(world, factory, count_queries):
    course = world["course"]
    gain_report(course)  # the published tree cached
    db.session.refresh(course)
    with count_queries() as few:
        gain_report(course)
    for n in range(15):
        learner = _learner(factory, f"Extra {n}", "female")
        cohort(factory, course, [learner], "iprc-ngoma")
        attempt(learner, course, world["keys"]["pre"], "pre", 10 + n)
        attempt(learner, course, world["keys"]["post"], "post", 50 + 2 * n)
    db.session.commit()
    db.session.refresh(course)
    with count_queries() as many:
        report = gain_report(course)
    assert report.overall.gain.n == 19
    assert few.count == many.count <= 3, many.statements
