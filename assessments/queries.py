"""Read helpers of assessments with the non-trivial SQL: a course's bank as the studio lists it, the read
API other packages use — a learner's result in a course's pre-test or post-test (certificates ask whether the
post-test is passed) and the pre/post pairs of a course or cohort (the learning-gain analytics) — and whose
attempts a user may read or grade, as queries (the instructor's pages and the API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, String, and_, case, cast, exists, false, func, or_, select

from assessments.models import Attempt, AttemptAnswer, AttemptState, Question, QuestionCategory, QuestionVersion
from assessments.scoring import graded_percent
from lms.accounts.models import Role
from lms.cohorts import catalogue
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, cohort_instructor
from lms.db import db


def bank_questions(
    course_id: int, search: str = "", category_id: int | None = None, type_: str = "", tag: str = ""
) -> Select:
    """The course's questions, filtered, newest change first (for ``lms.web.paginate``)."""
    stmt = select(Question).where(Question.course_id == course_id)
    words = search.strip().lower()
    if words:
        pattern = f"%{_escape_like(words)}%"
        stmt = stmt.where(
            or_(
                func.lower(Question.title).like(pattern, escape="\\"),
                func.lower(cast(Question.tags, String)).like(pattern, escape="\\"),
            )
        )
    if category_id is not None:
        stmt = stmt.where(Question.category_id == category_id)
    if type_:
        stmt = stmt.where(Question.type == type_)
    if tag.strip():
        stmt = stmt.where(cast(Question.tags, String).like(f'%"{_escape_like(tag.strip().lower())}"%', escape="\\"))
    return stmt.order_by(Question.updated_at.desc(), Question.id.desc())


def category_counts(course_id: int) -> list[tuple[QuestionCategory, int]]:
    """Each category of the course's bank with its number of questions, by path."""
    count = select(func.count(Question.id)).where(Question.category_id == QuestionCategory.id).scalar_subquery()
    rows = (
        select(QuestionCategory, count).where(QuestionCategory.course_id == course_id).order_by(QuestionCategory.path)
    )
    return [(category, n) for category, n in db.session.execute(rows)]


def answered(question_ids: list[int]) -> set[int]:
    """Which of these questions attempts have drawn (they cannot be deleted, and edits make new versions)."""
    if not question_ids:
        return set()
    return set(
        db.session.scalars(
            select(QuestionVersion.question_id)
            .where(QuestionVersion.question_id.in_(question_ids))
            .where(exists().where(AttemptAnswer.version_id == QuestionVersion.id))
            .distinct()
        )
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- results ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Result:
    """A learner's result in one assessment: the graded score in percent (by its grading method), whether it
    reaches the pass mark, and when the attempt that gave it was submitted."""

    usage_key: str
    percent: float
    passed: bool
    submitted_at: datetime


def assessments_of(version_id: int, kind: str | None = None) -> dict[str, dict]:
    """The assessment blocks of a published version (usage key → authored fields), of one kind if given."""
    from courses.versions import snapshot_store

    return {
        key: dict(entry.get("fields", {}))
        for key, entry in snapshot_store(version_id).snapshot.items()
        if entry.get("type") == "assessment"
        and (kind is None or entry.get("fields", {}).get("kind", "practice") == kind)
    }


def result(user_id: int, course_id: int, kind: str) -> Result | None:
    """The learner's graded result in the course's ``kind`` assessment (pre, post, practice) of the published
    version, or None when there is none yet (not submitted, or waiting for an essay's grading). With several
    assessments of that kind, the best result."""
    from courses.models import Course

    version_id = db.session.scalar(select(Course.published_version_id).where(Course.id == course_id))
    if version_id is None:
        return None
    blocks = assessments_of(version_id, kind)
    if not blocks:
        return None
    attempts = db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.usage_key.in_(list(blocks)), Attempt.state == AttemptState.SUBMITTED)
        .order_by(Attempt.usage_key, Attempt.number)
    ).all()
    best: Result | None = None
    for key, fields in blocks.items():
        mine = [a for a in attempts if a.usage_key == key]
        percent = graded_percent(mine, fields.get("grading", "highest"))
        if percent is None:
            continue
        graded = [a for a in mine if a.percent is not None]
        source = next((a for a in reversed(graded) if a.percent == percent), graded[-1])
        found = Result(key, percent, percent >= float(fields.get("pass_mark", 50.0)), source.submitted_at)
        if best is None or found.percent > best.percent:
            best = found
    return best


@dataclass(frozen=True)
class PrePost:
    """One learner's matched scores: the first graded attempt of the pre-test and of the post-test, in percent
    (the first attempt, as item analysis and gain reports use: later attempts have seen the test)."""

    user_id: int
    pre: float | None
    post: float | None


def pre_post_pairs(course_id: int, cohort_id: int | None = None) -> list[PrePost]:
    """Every learner of the course (or of one cohort: its active learners) who has a graded first attempt at a
    pre-test or a post-test, with both scores where there are both. One query, grouped in the database."""
    first = select(
        Attempt.user_id,
        Attempt.kind,
        (100.0 * Attempt.mark / Attempt.max_mark).label("percent"),
        func.row_number()
        .over(partition_by=(Attempt.user_id, Attempt.kind), order_by=(Attempt.started_at, Attempt.id))
        .label("rank"),
    ).where(
        Attempt.course_id == course_id,
        Attempt.kind.in_(("pre", "post")),
        Attempt.state == AttemptState.SUBMITTED,
        Attempt.mark.is_not(None),
        Attempt.max_mark > 0,
    )
    if cohort_id is not None:
        first = first.where(
            Attempt.user_id.in_(
                select(Enrollment.user_id).where(
                    Enrollment.cohort_id == cohort_id, Enrollment.status == EnrollmentStatus.ACTIVE
                )
            )
        )
    ranked = first.subquery()
    rows = db.session.execute(
        select(
            ranked.c.user_id,
            func.max(_when(ranked.c.kind == "pre", ranked.c.percent)),
            func.max(_when(ranked.c.kind == "post", ranked.c.percent)),
        )
        .where(ranked.c.rank == 1)
        .group_by(ranked.c.user_id)
        .order_by(ranked.c.user_id)
    )
    return [PrePost(user_id, pre, post) for user_id, pre, post in rows]


def _when(condition, value):  # noqa: ANN001, ANN202
    return case((condition, value), else_=None)


# -- whose attempts a user may see and grade (the rules of assessments/rules.py as queries) ----------------
def _instructed_learner(user_id: int):  # noqa: ANN202 - a SQL condition on Attempt
    """The attempt's learner is actively enrolled in a cohort of the attempt's course that ``user_id`` instructs."""
    return exists(
        select(Enrollment.id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(cohort_instructor, cohort_instructor.c.cohort_id == Cohort.id)
        .where(
            Enrollment.user_id == Attempt.user_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Cohort.course_id == Attempt.course_id,
            cohort_instructor.c.user_id == user_id,
        )
    )


def _active_in_course():  # noqa: ANN202 - a SQL condition on Attempt
    return exists(
        select(Enrollment.id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(
            Enrollment.user_id == Attempt.user_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Cohort.course_id == Attempt.course_id,
        )
    )


def _instructor(user) -> bool:  # noqa: ANN001
    return user.has_role(Role.AUTHOR, Role.ASSESSOR)


def visible_attempts(user) -> Select:  # noqa: ANN001
    """Attempts ``user`` may read (``assessment.view_attempt``): their own, every attempt of the courses they
    are staff of (all of them for an admin), and those of the learners actively enrolled in cohorts they
    instruct."""
    stmt = select(Attempt)
    if user.is_admin:
        return stmt
    allowed = [Attempt.user_id == user.id]
    allowed += [Attempt.course_id.in_(course_ids) for course_ids in catalogue.staffed_course_ids(user)]
    if _instructor(user):
        allowed.append(_instructed_learner(user.id))
    return stmt.where(or_(*allowed))


def grading_queue(user, course_id: int | None = None, cohort_id: int | None = None) -> Select:  # noqa: ANN001
    """Answers waiting for a person's grade that ``user`` may grade (``assessment.grade``), oldest submission
    first: essays of submitted attempts by learners actively enrolled where the user acts for them (any
    cohort of a course they are staff of, the cohorts they instruct), never their own."""
    stmt = (
        select(AttemptAnswer)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(
            AttemptAnswer.fraction.is_(None),
            Attempt.state == AttemptState.SUBMITTED,
            Attempt.user_id != user.id,
        )
        .order_by(Attempt.submitted_at, Attempt.id, AttemptAnswer.slot)
    )
    if user.is_admin:
        stmt = stmt.where(_active_in_course())
    else:
        allowed = [
            and_(Attempt.course_id.in_(course_ids), _active_in_course())
            for course_ids in catalogue.staffed_course_ids(user)
        ]
        if _instructor(user):
            allowed.append(_instructed_learner(user.id))
        if not allowed:
            return stmt.where(false())
        stmt = stmt.where(or_(*allowed))
    if course_id is not None:
        stmt = stmt.where(Attempt.course_id == course_id)
    if cohort_id is not None:
        stmt = stmt.where(
            exists(
                select(Enrollment.id)
                .join(Cohort, Cohort.id == Enrollment.cohort_id)
                .where(
                    Enrollment.cohort_id == cohort_id,
                    Enrollment.user_id == Attempt.user_id,
                    Enrollment.status == EnrollmentStatus.ACTIVE,
                    Cohort.course_id == Attempt.course_id,
                )
            )
        )
    return stmt


def waiting_count(user) -> int:  # noqa: ANN001
    """How many answers wait for ``user``'s grade (the dashboard's panel)."""
    queue = grading_queue(user).order_by(None).with_only_columns(func.count(AttemptAnswer.id))
    return db.session.scalar(queue) or 0
