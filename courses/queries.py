"""Read helpers for courses."""

from __future__ import annotations

from sqlalchemy import Select, bindparam, func, or_, select

from courses.models import Course, CourseAuthor
from lms.db import db

# Statements on every learner request are built once (bind parameters): SQLAlchemy then skips building
# and keying the expression each time, which costs more than running the query on SQLite.
_BY_CODE = select(Course).where(func.lower(Course.code) == bindparam("code"))


_course = Course.__table__
_PUBLISHED_ROW = select(_course.c.id, _course.c.code, _course.c.title, _course.c.published_version_id).where(
    func.lower(_course.c.code) == bindparam("code"), _course.c.published_version_id.is_not(None)
)


def by_code(code: str) -> Course | None:
    return db.session.scalar(_BY_CODE, {"code": code.strip().lower()})


def published_row(code: str) -> tuple[int, str, str, int] | None:
    """``(id, code, title, published_version_id)`` of a published course, as one Core row (no ORM object)."""
    return db.session.connection().execute(_PUBLISHED_ROW, {"code": code.strip().lower()}).first()


def authored_by(user) -> Select:  # noqa: ANN001
    """Courses the user owns or co-authors (every course for an admin), by title."""
    stmt = select(Course).order_by(func.lower(Course.title))
    if not user.is_admin:
        stmt = stmt.where(Course.authors.any(CourseAuthor.user_id == user.id))
    return stmt


def offerable_by(user) -> list[tuple[int, str]]:  # noqa: ANN001
    """Courses a cohort may offer: published ones, plus the user's own drafts (all for an admin)."""
    stmt = select(Course.id, Course.title, Course.code).order_by(func.lower(Course.title))
    if not user.is_admin:
        stmt = stmt.where(
            or_(Course.published_version_id.is_not(None), Course.authors.any(CourseAuthor.user_id == user.id))
        )
    return [(course_id, f"{title} ({code})") for course_id, title, code in db.session.execute(stmt)]


def enrolled_courses(user) -> list[Course]:  # noqa: ANN001
    """Published courses the user is actively enrolled in, through any cohort, by title."""
    from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus

    stmt = (
        select(Course)
        .where(
            Course.id.in_(
                select(Cohort.course_id)
                .join(Enrollment, Enrollment.cohort_id == Cohort.id)
                .where(Enrollment.user_id == user.id, Enrollment.status == EnrollmentStatus.ACTIVE)
            ),
            Course.published_version_id.is_not(None),
        )
        .order_by(func.lower(Course.title))
    )
    return list(db.session.scalars(stmt))
