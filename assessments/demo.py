"""Demo assessments: each demo course's question bank, its pre-test and post-test, and a simulated cohort's
attempts, so that the bank, the pre-test gate and the results have something real to show.

* **Banks.** ``assessments/demo_assets`` holds each bank as a GIFT file (with its sources in its opening
  comment) and a Moodle XML file for the ordering questions GIFT cannot hold; both are imported through
  ``assessments.interchange`` as an author would. A tag ``easy``, ``medium`` or ``hard`` becomes the
  question's difficulty. Each category is mapped to one of the course's learning outcomes (an outcome the
  course lacks is added).
* **Tests.** A module of its own at the start holds the pre-test (so the other modules are locked behind
  it, ``assessments/gates.py``) and one at the end the post-test, both drawn from the bank by blueprint.
* **Attempts.** ``SIMULATED`` learners per cohort ("Demo learner 07", no password: nobody logs in as them)
  take the pre-test early in the cohort and, most of them, the post-test later, answering each question
  right or wrong by a per-learner ability, so scores spread and the post-test is higher on average; a few
  essays are left for the trainer to grade. The named demo learners have taken their pre-test (README,
  "Demo accounts"), except ``FRESH``, who sees the course locked behind it. ``demo_cohorts`` adds an
  earlier, finished intake of each course at another institution, for the gain and item reports.

Idempotent: a bank that has questions, a course that has a pre-test and a learner who has an attempt are
left as they are. Deterministic: one seeded ``random.Random`` per learner and attempt, and attempts start
with a fixed seed, so the numbers are the same on every run.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from assessments import bank, grading, interchange, queries
from assessments.attempts import Draw, Settings
from assessments.demo_cohorts import seed_past_cohort
from assessments.demo_learners import complete_modules, grade_essays, seeded_rng, simulated_learner, take
from assessments.models import Question
from courses import queries as courses
from courses import versions
from courses.context import runtime_for
from courses.studio import services as studio
from lms.clock import utcnow
from lms.cohorts.models import Cohort
from lms.cohorts.services import enroll
from lms.db import db
from lms.demo import DEMO_DOMAIN, SeedContext
from lms.xblock_host.context import DRAFT

ASSETS = Path(__file__).resolve().parent / "demo_assets"
DIFFICULTIES = ("easy", "medium", "hard")
FRESH = "nurse.butaro"  # the named demo learner who has not taken the pre-test
WRITTEN = "Written response"  # the essays' category: post-tests draw one

BANKS: dict[str, dict[str, Any]] = {
    "TOT-ELEC-101": {
        "files": ["electrical-safety.gift", "electrical-safety-ordering.xml"],
        "outcomes": {  # category → learning outcome
            "Safe isolation": "Demonstrate safe isolation of a circuit",
            "Conductors and earthing": "Identify conductors, earthing and protective devices",
            "Protective devices": "Identify conductors, earthing and protective devices",
            "Cable sizing and calculations": "Size a final circuit's cable and protection",
            WRITTEN: "Assess trainees with a practical checklist",
        },
        "blueprint": {
            "Safe isolation": 3,
            "Conductors and earthing": 2,
            "Protective devices": 2,
            "Cable sizing and calculations": 2,
        },  # fmt: skip
        "author": "author",
        "grader": "author",
        "subject": "electrical safety and installation",
    },
    "HOSP-NRP-201": {
        "files": ["neonatal-resuscitation.gift", "neonatal-resuscitation-ordering.xml"],
        "outcomes": {
            "Preparation": "Prepare for every birth",
            "The golden minute": "Dry, stimulate and assess a newborn in the golden minute",
            "Bag-mask ventilation": "Ventilate a newborn with bag and mask",
            "Chest compressions": "Give chest compressions when the heart rate stays below 60",
            "Records": "Log supervised resuscitations",
            WRITTEN: "Dry, stimulate and assess a newborn in the golden minute",
        },
        "blueprint": {
            "Preparation": 2,
            "The golden minute": 3,
            "Bag-mask ventilation": 3,
            "Chest compressions": 2,
            "Records": 1,
        },  # fmt: skip
        "author": "doctor",
        "grader": "assessor",
        "subject": "neonatal resuscitation",
    },
}

# Simulated learners per cohort (by the cohort's institution code): how many, and the institutions they come
# from (a cohort at a hospital takes staff of the district hospitals too).
SIMULATED: dict[str, tuple[int, tuple[str, ...]]] = {
    "iprc-huye": (12, ("iprc-huye", "iprc-tumba")),
    "iprc-kigali": (14, ("iprc-kigali", "iprc-musanze", "iprc-karongi")),
    "chuk": (18, ("chuk", "butaro-hospital")),
}
ATTRITION = 0.12  # share of simulated learners who never take the post-test
UNGRADED = 0.25  # share of post-test essays the trainer has not graded yet


def seed(ctx: SeedContext) -> None:
    simulated = 0
    for code, spec in BANKS.items():
        course = courses.by_code(code)
        if course is None:
            continue
        author = ctx.users[spec["author"]]
        _bank(course, spec, author)
        pre, post = _tests(course, spec, author)
        named = [user for user in _learners(course) if user.email.endswith(f"@{DEMO_DOMAIN}")]
        for user in named:
            if user.email != f"{FRESH}@{DEMO_DOMAIN}" and not _simulated(user):
                take(
                    pre,
                    user,
                    seeded_rng(code, user.email, "pre"),
                    ability=0.2,
                    when=_cohort_start(course, user) + timedelta(days=1),
                )
                grading.publish_grade(user.id, course, pre.usage_key)  # as the block's grade event would
        simulated += _simulate(course, spec, pre, post, ctx.users[spec["grader"]])
        # An earlier, finished intake at another institution, for the gain and item reports (issue 23).
        simulated += seed_past_cohort(course, pre, post, ctx.users["admin"], ctx.users[spec["grader"]])
    if simulated:
        ctx.summary.notes.append(
            f"Assessments: a question bank, a pre-test and a post-test in each demo course, and {simulated} "
            "simulated learners' attempts (Demo learner NN, no password)."
        )


# -- the bank ------------------------------------------------------------------------------------------------
def _bank(course, spec: dict[str, Any], author) -> None:  # noqa: ANN001
    outcomes = list(course.outcomes)
    for outcome in spec["outcomes"].values():
        if outcome not in outcomes:
            outcomes.append(outcome)
    course.learning_outcomes = "\n".join(outcomes)
    if db.session.scalar(select(Question.id).where(Question.course_id == course.id).limit(1)) is not None:
        return  # imported before: an author may have changed it since
    for name in spec["files"]:
        interchange.import_file(course, ASSETS / name, author_id=author.id)
    for path, outcome in spec["outcomes"].items():
        bank.category(course.id, path, outcome)
    for question in db.session.scalars(select(Question).where(Question.course_id == course.id)):
        level = next((tag for tag in question.tags if tag in DIFFICULTIES), None)
        if level:
            question.difficulty = level
            question.tags = [tag for tag in question.tags if tag != level]
    db.session.flush()


# -- the pre-test and post-test ------------------------------------------------------------------------------
def _tests(course, spec: dict[str, Any], author) -> tuple[Settings, Settings]:  # noqa: ANN001
    found = _published_tests(course)
    if found is None:
        first = _add_test(course, author, "pre", spec)
        _add_test(course, author, "post", spec)
        for _ in range(len(studio.outline(course, author).children) - 1):
            studio.move_block(course, first, -1, author)  # to the start: the course opens with it
        versions.publish(course, author, "Demo pre-test and post-test")
        found = _published_tests(course)
    pre_key, post_key = found
    draws = tuple(Draw(category, count) for category, count in spec["blueprint"].items())
    pre = Settings(pre_key, course.id, kind="pre", draws=draws, time_limit_minutes=30, pass_mark=60.0)
    post = Settings(
        post_key, course.id, kind="post", draws=(*draws, Draw(WRITTEN, 1)), time_limit_minutes=45,
        attempts_allowed=2, pass_mark=60.0, pre_usage_keys=(pre_key,),
    )  # fmt: skip
    return pre, post


def _published_tests(course) -> tuple[str, str] | None:  # noqa: ANN001
    if course.published_version_id is None:
        return None
    pre = queries.assessments_of(course.published_version_id, "pre")
    post = queries.assessments_of(course.published_version_id, "post")
    if not pre or not post:
        return None
    return next(iter(pre)), next(iter(post))


def _add_test(course, author, kind: str, spec: dict[str, Any]) -> str:  # noqa: ANN001
    """A module holding one assessment; returns the module's key."""
    pre = kind == "pre"
    title = "Before you start: pre-test" if pre else "Final assessment: post-test"
    chapter = studio.add_block(course, course.root_key, "chapter", author, title)
    sequential = studio.add_block(course, chapter, "sequential", author, "Pre-test" if pre else "Post-test")
    unit = studio.add_block(course, sequential, "vertical", author, "What you know" if pre else "What you learnt")
    key = studio.add_block(course, unit, "assessment", author)
    block = runtime_for(course, author, DRAFT).get_block(key)
    draws = [{"category": category, "count": count} for category, count in spec["blueprint"].items()]
    block.display_name = "Pre-test" if pre else "Post-test"
    block.kind = kind
    block.intro = (
        f"<p>Before the course starts: what do you already know about {spec['subject']}? Answer each question "
        "as well as you can. Your score does not count towards your result; the other modules open once you "
        "have submitted it.</p>"
        if pre
        else "<p>The end of the course: the same topics as the pre-test, other questions, and one written "
        "answer that your trainer grades. It opens once you have completed every module.</p>"
    )
    block.draws = draws if pre else [*draws, {"category": WRITTEN, "count": 1}]
    block.time_limit_minutes = 30 if pre else 45
    block.attempts_allowed = 1 if pre else 2
    block.grading = "highest"
    block.pass_mark = 60.0
    block.save()
    return chapter


# -- simulated attempts ------------------------------------------------------------------------------------
def _learners(course) -> list:  # noqa: ANN001
    from lms.accounts.models import User
    from lms.cohorts.models import Enrollment

    return list(
        db.session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Cohort.course_id == course.id)
            .order_by(User.id)
            .distinct()
        )
    )


def _simulated(user) -> bool:  # noqa: ANN001
    return user.email.startswith("demo-learner-")


def _cohort_start(course, user) -> datetime:  # noqa: ANN001
    from lms.cohorts.models import Enrollment

    starts = db.session.scalar(
        select(Cohort.starts_on)
        .join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Cohort.course_id == course.id, Enrollment.user_id == user.id)
        .order_by(Cohort.starts_on)
        .limit(1)
    )
    return datetime.combine(starts, time(8, 0)) if starts else utcnow() - timedelta(days=14)


def _simulate(course, spec: dict[str, Any], pre: Settings, post: Settings, grader) -> int:  # noqa: ANN001
    count = 0
    cohorts = db.session.scalars(select(Cohort).where(Cohort.course_id == course.id).order_by(Cohort.id)).all()
    for cohort in cohorts:
        code = _institution_code(cohort)
        if code not in SIMULATED:
            continue
        size, homes = SIMULATED[code]
        start = datetime.combine(cohort.starts_on, time(8, 0))
        # Attempts between the cohort's start and today (its end is in the future): pre early, post late.
        days = max(2, min((cohort.ends_on - cohort.starts_on).days, (utcnow() - start).days))
        for number in range(1, size + 1):
            user = _person(cohort, code, number, homes)
            enroll(cohort, user)
            rng = seeded_rng(course.code, user.email, "learner")
            ability = rng.gauss(0.0, 1.0)
            gain = max(0.0, rng.gauss(1.1, 0.5))  # the course helps most, some more than others
            pre_at = start + timedelta(days=rng.uniform(0, min(3, days / 3)), hours=rng.uniform(0, 8))
            take(pre, user, seeded_rng(course.code, user.email, "pre"), ability, pre_at)
            grading.publish_grade(user.id, course, pre.usage_key)  # as the block's grade event would
            if rng.random() < ATTRITION:
                count += 1
                continue
            post_at = start + timedelta(days=rng.uniform(days * 0.6, days - 0.5), hours=rng.uniform(0, 8))
            complete_modules(course, user, post)  # the post-test opens once they are done
            attempt = take(post, user, seeded_rng(course.code, user.email, "post"), ability + gain, post_at)
            if attempt is not None and attempt.needs_grading and rng.random() >= UNGRADED:
                grade_essays(attempt, grader, ability + gain, rng, post_at + timedelta(days=rng.uniform(0.5, 3)))
            grading.publish_grade(user.id, course, post.usage_key)
            count += 1
    return count


def _institution_code(cohort) -> str:  # noqa: ANN001
    from lms.institutions.models import Institution

    found = db.session.get(Institution, cohort.institution_id) if cohort.institution_id else None
    return found.code if found else ""


def _person(cohort, code: str, number: int, homes: tuple[str, ...]):  # noqa: ANN001, ANN202
    """Demo learner NN of the cohort (numbered across cohorts by their institution code)."""
    offset = sum(size for key, (size, _) in SIMULATED.items() if key < code)  # stable numbering
    label = f"{offset + number:02d}"
    return simulated_learner(label, f"Demo learner {label}", homes[number % len(homes)])
