"""Read helpers for cohorts and enrollments."""

from __future__ import annotations

from sqlalchemy import Select, bindparam, func, or_, select

from lms import hot_sql
from lms.accounts.models import User
from lms.cohorts import catalogue
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, cohort_instructor
from lms.db import db


def visible_cohorts(user: User, query: str | None = None) -> Select:
    """Cohorts ``user`` instructs or runs as one of their course's staff (all of them for an admin), newest
    first: the ``cohort.view`` rule as a query."""
    stmt = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    if not user.is_admin:
        instructed = Cohort.id.in_(select(cohort_instructor.c.cohort_id).where(cohort_instructor.c.user_id == user.id))
        staffed = [Cohort.course_id.in_(course_ids) for course_ids in catalogue.staffed_course_ids(user)]
        stmt = stmt.where(or_(instructed, *staffed))
    if query:
        stmt = stmt.where(func.lower(Cohort.name).like(f"%{query.strip().lower()}%"))
    return stmt


def enrollment_counts(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.cohort_id, func.count())
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.cohort_id)
    )
    return dict(rows.all())


def cohort_enrollments(cohort: Cohort, query: str | None = None, active_only: bool = True) -> Select:
    stmt = (
        select(Enrollment)
        .join(User, Enrollment.user_id == User.id)
        .where(Enrollment.cohort_id == cohort.id)
        .order_by(func.lower(User.name), User.id)
    )
    if active_only:
        stmt = stmt.where(Enrollment.status == EnrollmentStatus.ACTIVE)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    return stmt


def active_enrollments_of(user: User) -> list[Enrollment]:
    """The learner's active enrollments, with cohort, course and institution loaded."""
    return list(
        db.session.scalars(
            select(Enrollment)
            .join(Cohort)
            .where(Enrollment.user_id == user.id, Enrollment.status == EnrollmentStatus.ACTIVE)
            .order_by(Cohort.starts_on.desc())
        )
    )


_ENROLLED = hot_sql.HotStatement(
    select(Enrollment.id)
    .join(Cohort)
    .where(
        Enrollment.user_id == bindparam("user"),
        Enrollment.status == EnrollmentStatus.ACTIVE,
        Cohort.course_id == bindparam("course"),
    )
    .limit(1)
)


def is_enrolled_in_course(user_id: int, course_id: int) -> bool:
    # Asked on every courseware request: the statement is built once (see courses/queries.py).
    return _ENROLLED.first({"user": user_id, "course": course_id}) is not None


def instructs_course_learner(instructor_id: int, learner_id: int, course_id: int) -> bool:
    """Whether ``instructor_id`` instructs a cohort of ``course_id`` in which ``learner_id`` is actively enrolled
    (asked when a handler runs: a learner withdrawn since the link was issued is no longer theirs)."""
    return (
        db.session.scalar(
            select(Enrollment.id)
            .join(Cohort)
            .join(cohort_instructor, cohort_instructor.c.cohort_id == Cohort.id)
            .where(
                Enrollment.user_id == learner_id,
                Enrollment.status == EnrollmentStatus.ACTIVE,
                Cohort.course_id == course_id,
                cohort_instructor.c.user_id == instructor_id,
            )
            .limit(1)
        )
        is not None
    )


def instructs_course(instructor_id: int, course_id: int) -> bool:
    """Whether the user instructs any cohort of the course."""
    return (
        db.session.scalar(
            select(Cohort.id)
            .join(cohort_instructor, cohort_instructor.c.cohort_id == Cohort.id)
            .where(Cohort.course_id == course_id, cohort_instructor.c.user_id == instructor_id)
            .limit(1)
        )
        is not None
    )
