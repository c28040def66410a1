"""Gain per learning outcome in the gain report: parallel pre and post forms whose questions assess outcomes
through their category; each learner's outcome percent summed from the stored answers of their first graded
attempts; the figures exactly ``paired_gain`` of those percents; the page's table (or its empty state), the
CSV rows and the API field; a fixed number of queries whatever the number of learners."""

from __future__ import annotations

import csv
import io

import pytest

from assessments import bank
from assessments.analytics import paired_gain
from assessments.models import AttemptAnswer
from assessments.reports.model import Filters
from assessments.reports.service import gain_report
from lms.db import db
from tests.assessments.reports.world import attempt, cohort, course_with_tests
from tests.test_api import bearer, token_for  # noqa: F401 - the fixture

API = "/api/v1/reports/courses"
WIRING, ISOLATE, EARTHING = "Read a wiring diagram", "Isolate a circuit safely", "Test an earthing system"

# The forms: (name, category, max mark). Each outcome is assessed with different items on each form; a
# category without an outcome counts for none, and Earthing is on the pre-test only (nothing to pair).
PRE_FORM = (("p1", "Isolation", 1.0), ("p2", "Isolation", 1.0), ("p3", "Wiring", 2.0), ("p4", "Misc", 1.0),
            ("p5", "Earthing", 1.0))  # fmt: skip
POST_FORM = (("q1", "Isolation", 2.0), ("q2", "Wiring", 1.0), ("q3", "Wiring", 1.0), ("q4", "Misc", 1.0))
# Each learner's fraction of each item of their first graded attempt.
PRE = {
    "Ann": {"p1": 1, "p2": 0, "p3": 0.5, "p4": 1, "p5": 1},  # isolation 1/2 = 50 %, wiring 1/2 = 50 %
    "Ben": {"p1": 0, "p2": 0, "p3": 0, "p4": 1, "p5": 0},  # 0 %, 0 %
    "Cat": {"p1": 1, "p2": 1, "p3": 0.25, "p4": 0, "p5": 1},  # 100 %, 0.5/2 = 25 %
}
POST = {
    "Ann": {"q1": 0.75, "q2": 1, "q3": 0, "q4": 0},  # isolation 1.5/2 = 75 %, wiring 1/2 = 50 %
    "Ben": {"q1": 0.5, "q2": 1, "q3": 1, "q4": 0},  # 50 %, 100 %
    "Cat": {"q1": 1, "q2": 0, "q3": 1, "q4": 1},  # 100 %, 50 %
}
# The same, by hand, in the learners' order (Ann, Ben, Cat).
EXPECTED = {WIRING: ([50.0, 0.0, 25.0], [50.0, 100.0, 50.0]), ISOLATE: ([50.0, 0.0, 100.0], [75.0, 50.0, 100.0])}


def _question(course, name: str, category: str) -> int:
    question = bank.add_question(
        course.id,
        bank.NewQuestion(
            {
                "type": "single_choice",
                "stem": f"<p>{name}</p>",
                "choices": [{"text": "a", "fraction": 1}, {"text": "b"}],
            },
            category=category,
            title=name,
        ),
    )
    return question.current_version_id


def _sit(user, course, key, kind, form, fractions, versions, number=1):
    """A graded attempt of ``form`` with these fractions (its mark the sum of fraction × max mark)."""
    made = attempt(user, course, key, kind, 0, number=number)
    made.max_mark = sum(top for _, _, top in form)
    made.mark = sum(fractions[name] * top for name, _, top in form)
    for slot, (name, _, top) in enumerate(form, start=1):
        db.session.add(
            AttemptAnswer(
                attempt_id=made.id, slot=slot, version_id=versions[name], max_mark=top, fraction=fractions[name]
            )
        )
    db.session.flush()
    return made


@pytest.fixture
def world(factory):
    """Ann and Ben in cohort A, Cat in cohort B: three matched learners; Dan (A) took the pre-test only."""
    course, keys, _ = course_with_tests(factory)
    # Wiring first: the report follows the course's order of outcomes.
    course.learning_outcomes = f"{WIRING}\n{ISOLATE}\n{EARTHING}\n"
    for path, outcome in (("Isolation", ISOLATE), ("Wiring", WIRING), ("Earthing", EARTHING), ("Misc", None)):
        bank.category(course.id, path, outcome)
    versions = {name: _question(course, name, category) for name, category, _ in PRE_FORM + POST_FORM}
    people = {name: factory.user("learner", name=name) for name in ("Ann", "Ben", "Cat", "Dan")}
    a = cohort(factory, course, [people["Ann"], people["Ben"], people["Dan"]], "iprc-huye", name="A")
    cohort(factory, course, [people["Cat"]], "iprc-musanze", name="B")
    for name in ("Ann", "Ben", "Cat"):
        _sit(people[name], course, keys["pre"], "pre", PRE_FORM, PRE[name], versions)
        _sit(people[name], course, keys["post"], "post", POST_FORM, POST[name], versions)
    # A retake never replaces the first graded attempt; a learner with one test only is not matched.
    _sit(people["Ann"], course, keys["post"], "post", POST_FORM, dict.fromkeys(POST["Ann"], 1), versions, number=2)
    _sit(people["Dan"], course, keys["pre"], "pre", PRE_FORM, dict.fromkeys(PRE["Ann"], 1), versions)
    db.session.commit()
    return {"course": course, "keys": keys, "people": people, "a": a, "versions": versions}


def test_the_figures_per_outcome_are_paired_gain_of_the_hand_computed_percents(world):
    report = gain_report(world["course"])
    assert report.overall.gain.n == 3
    assert [o.outcome for o in report.outcomes] == [WIRING, ISOLATE]  # Earthing: pre-test only; Misc: none
    for figures in report.outcomes:
        pre, post = EXPECTED[figures.outcome]
        assert figures.gain == paired_gain(pre, post, 100)
    wiring, isolation = report.outcomes
    assert (wiring.items_pre, wiring.items_post) == (1, 2)
    assert (isolation.items_pre, isolation.items_post) == (2, 1)
    assert isolation.gain.mean_pre == pytest.approx(50.0) and isolation.gain.mean_post == pytest.approx(75.0)


def test_filters_narrow_the_outcomes_to_the_same_learners(world):
    report = gain_report(world["course"], Filters(cohort_ids=frozenset({world["a"].id})))
    assert report.overall.gain.n == 2
    for figures in report.outcomes:
        pre, post = EXPECTED[figures.outcome]
        assert figures.gain == paired_gain(pre[:2], post[:2], 100)  # Ann and Ben


def test_no_outcome_on_both_tests_means_no_outcome_figures(app, factory):
    course, keys, versions = course_with_tests(factory, questions=2)  # the default category: no outcome
    learner = factory.user("learner")
    cohort(factory, course, [learner])
    form = (("x", "", 1.0), ("y", "", 1.0))
    by_name = dict(zip(("x", "y"), versions, strict=True))
    _sit(learner, course, keys["pre"], "pre", form, {"x": 0, "y": 1}, by_name)
    _sit(learner, course, keys["post"], "post", form, {"x": 1, "y": 1}, by_name)
    db.session.commit()
    report = gain_report(course)
    assert report.overall.gain.n == 1 and report.outcomes == ()


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_shows_the_outcome_table_and_the_csv_its_rows(client, auth, world, factory):
    code = world["course"].code
    auth.login(factory.user("admin"))
    html = _text(client.get(f"/reports/{code}/"))
    section = html.split('id="h-outcomes"', 1)[1].split("</section>", 1)[0]
    assert 'role="region" aria-labelledby="h-outcomes"' in section
    assert f'<th scope="row">{WIRING}</th>' in section and f'<th scope="row">{ISOLATE}</th>' in section
    assert section.index(WIRING) < section.index(ISOLATE) and EARTHING not in section
    isolation = paired_gain(*EXPECTED[ISOLATE], 100)
    row = section.split(ISOLATE, 1)[1].split("</tr>", 1)[0]
    assert f"{isolation.mean_gain:.1f}" in row and f"{isolation.hake_g:.2f}" in row
    assert html.index('id="h-period"') < html.index('id="h-outcomes"')  # after the breakdown tables

    rows = list(csv.reader(io.StringIO(_text(client.get(f"/reports/{code}/gain.csv")).lstrip("\ufeff"))))
    outcomes = [row for row in rows if row[0] == "Learning outcome"]
    assert [row[1] for row in outcomes] == [WIRING, ISOLATE]
    header = rows[0]
    wiring = dict(zip(header, outcomes[0], strict=True))
    expected = paired_gain(*EXPECTED[WIRING], 100)
    assert wiring["Matched (n)"] == "3" and float(wiring["Mean gain"]) == round(expected.mean_gain, 1)


def test_the_page_says_when_no_outcome_is_assessed_by_both_tests(client, auth, world, factory):
    bank.category(world["course"].id, "Wiring", "")  # unmapped: only isolation remains, on both tests …
    bank.category(world["course"].id, "Isolation", "")  # … and now none
    db.session.commit()
    auth.login(factory.user("admin"))
    html = _text(client.get(f"/reports/{world['course'].code}/"))
    assert "No learning outcome is assessed by both the pre-test and the post-test" in html
    assert 'aria-labelledby="h-outcomes"' in html and f'<th scope="row">{ISOLATE}</th>' not in html


def test_the_api_gives_the_outcomes(client, world, factory, token_for):  # noqa: F811 - the fixture
    report = client.get(f"{API}/{world['course'].code}/gain", headers=bearer(token_for(factory.user("admin"))))
    outcomes = report.get_json()["outcomes"]
    assert [(o["outcome"], o["items_pre"], o["items_post"]) for o in outcomes] == [(WIRING, 1, 2), (ISOLATE, 2, 1)]
    expected = paired_gain(*EXPECTED[ISOLATE], 100)
    assert outcomes[1]["gain"]["n"] == 3 and outcomes[1]["gain"]["mean_gain"] == pytest.approx(expected.mean_gain)


def test_the_outcomes_take_one_query_whatever_the_number_of_learners(world, factory, count_queries):
    course, keys, versions = world["course"], world["keys"], world["versions"]
    gain_report(course)  # the published tree cached
    db.session.refresh(course)
    with count_queries() as few:
        gain_report(course)
    for n in range(12):
        learner = factory.user("learner", name=f"Extra {n}")
        cohort(factory, course, [learner], "iprc-ngoma")
        _sit(learner, course, keys["pre"], "pre", PRE_FORM, dict.fromkeys(PRE["Ann"], n % 2), versions)
        _sit(learner, course, keys["post"], "post", POST_FORM, dict.fromkeys(POST["Ann"], 1), versions)
    db.session.commit()
    db.session.refresh(course)
    with count_queries() as many:
        report = gain_report(course)
    assert [o.gain.n for o in report.outcomes] == [15, 15]
    assert few.count == many.count <= 3, many.statements
