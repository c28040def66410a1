"""Demo: an earlier, finished intake of each demo course, so the learning-gain and item-analysis reports
(issue 23) have something to say.

The current cohorts ``assessments/demo.py`` simulates are small (12 to 18 learners: their rows carry the
small-sample warning, as a real new cohort's would). Each demo course here gets one more cohort, at another
institution, that ran two quarters ago and finished: 34 learners (about 31 matched), both genders, all essays
graded, a gain a little different from the current cohorts' (courses are not equally good everywhere). So a
course's report has several cohorts, institutions and periods, the two courses show both tracks, and one
cohort per course stands above the small-sample line.

The learners are simulated like the others ("Demo learner E07", ``demo-learner-…`` addresses, no password),
through the same attempt services (drawn questions, saved answers, submitted, graded, the grade published
and the modules before the post-test completed). Seeding again changes nothing; the numbers come from
generators seeded by purpose, so a new seeding makes the same attempts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from assessments import grading
from assessments.demo_learners import complete_modules, grade_essays, seeded_rng, simulated_learner, take
from lms.cohorts.models import Cohort
from lms.cohorts.services import enroll, save_cohort
from lms.db import db
from lms.institutions import queries as institutions


@dataclass(frozen=True)
class PastCohort:
    name: str
    institution: str  # where it ran (the reports' institution)
    homes: tuple[str, ...]  # where its learners work
    size: int
    prefix: str  # of the learners' numbers: "E07"
    gain: float  # mean gain in ability (logits); the current cohorts' is 1.1


PAST: dict[str, PastCohort] = {
    "TOT-ELEC-101": PastCohort(
        "IPRC Musanze — Industrial Electricity ToT (earlier intake)",
        "iprc-musanze",
        ("iprc-musanze", "iprc-karongi", "iprc-ngoma"),
        34,
        "e",
        0.9,
    ),
    "HOSP-NRP-201": PastCohort(
        "Butaro District Hospital — Neonatal resuscitation (earlier intake)",
        "butaro-hospital",
        ("butaro-hospital", "chuk"),
        34,
        "h",
        1.4,
    ),
}
STARTED_DAYS_AGO = 170  # two quarters back: its own period in the reports
LASTED_DAYS = 75
ATTRITION = 0.06  # a finished cohort: fewer left before the post-test


def seed_past_cohort(course, pre, post, admin, grader) -> int:  # noqa: ANN001
    """Add the course's earlier intake (once) and its learners' attempts; returns how many learners."""

    spec = PAST.get(course.code)
    institution = institutions.by_code(spec.institution) if spec else None
    if spec is None or institution is None:
        return 0
    cohort = _cohort(course, spec, institution.id, admin)
    start = datetime.combine(cohort.starts_on, time(8, 0))
    for number in range(1, spec.size + 1):
        user = _person(spec, number)
        enroll(cohort, user)
        rng = seeded_rng(course.code, user.email, "learner")
        ability = rng.gauss(-0.1, 1.0)
        gain = max(0.0, rng.gauss(spec.gain, 0.5))
        pre_at = start + timedelta(days=rng.uniform(0, 3), hours=rng.uniform(0, 8))
        take(pre, user, seeded_rng(course.code, user.email, "pre"), ability, pre_at)
        grading.publish_grade(user.id, course, pre.usage_key)
        if rng.random() < ATTRITION:
            continue
        post_at = start + timedelta(days=rng.uniform(LASTED_DAYS * 0.7, LASTED_DAYS - 1), hours=rng.uniform(0, 8))
        complete_modules(course, user, post)
        attempt = take(post, user, seeded_rng(course.code, user.email, "post"), ability + gain, post_at)
        if attempt is not None and attempt.needs_grading:  # a finished cohort: every essay graded
            grade_essays(attempt, grader, ability + gain, rng, post_at + timedelta(days=rng.uniform(0.5, 3)))
        grading.publish_grade(user.id, course, post.usage_key)
    return spec.size


def _cohort(course, spec: PastCohort, institution_id: int, admin) -> Cohort:  # noqa: ANN001
    found = db.session.scalar(select(Cohort).where(Cohort.course_id == course.id, Cohort.name == spec.name))
    if found is not None:
        return found
    starts = date.today() - timedelta(days=STARTED_DAYS_AGO)
    return save_cohort(
        None,
        name=spec.name,
        course_id=course.id,
        institution_id=institution_id,
        starts_on=starts,
        ends_on=starts + timedelta(days=LASTED_DAYS),
        instructors=[],
        by=admin,
    )


def _person(spec: PastCohort, number: int):  # noqa: ANN202
    label = f"{spec.prefix}{number:02d}"
    # Alternating genders, so each cohort has both in about equal numbers whatever the generator says.
    gender = ("female", "male")[number % 2]
    return simulated_learner(label, f"Demo learner {label.upper()}", spec.homes[number % len(spec.homes)], gender)
