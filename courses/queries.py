"""Read helpers for courses, and the questions other packages ask of courses (the part below the line):
certificates, assessments and reports call these, never courses' models or views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select

from courses.models import BlockGrade, Completion, CompletionKind, Course, CourseAuthor
from lms import hot_sql
from lms.accounts.models import Role
from lms.db import db

# A course an OLX import is still writing is nobody's yet (Course.importing_at): every query that lists or
# resolves courses for people keeps to these. A published course is always visible (an import publishes
# nothing), so the learners' queries below, which ask for a published version, need no more.
VISIBLE = Course.importing_at.is_(None)
# Statements on every learner request are built once (bind parameters): SQLAlchemy then skips building
# and keying the expression each time, which costs more than running the query on SQLite.
_BY_CODE = select(Course).where(func.lower(Course.code) == bindparam("code"), VISIBLE)


_course = Course.__table__
_PUBLISHED_ROW = hot_sql.HotStatement(
    select(_course.c.id, _course.c.code, _course.c.title, _course.c.published_version_id).where(
        func.lower(_course.c.code) == bindparam("code"), _course.c.published_version_id.is_not(None)
    )
)


def by_code(code: str) -> Course | None:
    return db.session.scalar(_BY_CODE, {"code": code.strip().lower()})


def published_row(code: str) -> tuple[int, str, str, int] | None:
    """``(id, code, title, published_version_id)`` of a published course, as one Core row (no ORM object)."""
    return _PUBLISHED_ROW.first({"code": code.strip().lower()})


def authored_by(user) -> Select:  # noqa: ANN001
    """Courses the user owns or co-authors (every course for an admin), by title."""
    stmt = select(Course).where(VISIBLE).order_by(func.lower(Course.title))
    if not user.is_admin:
        stmt = stmt.where(Course.authors.any(CourseAuthor.user_id == user.id))
    return stmt


def offerable_by(user) -> list[tuple[int, str]]:  # noqa: ANN001
    """Courses ``user`` may offer as a cohort: those they own or co-author, drafts too (every course for an
    admin). Nobody else's: a cohort makes its instructors assessors of the course's learners."""
    stmt = select(Course.id, Course.title, Course.code).where(VISIBLE).order_by(func.lower(Course.title))
    if not user.is_admin:
        staffed = staffed_by(user)
        if staffed is None:
            return []
        stmt = stmt.where(Course.id.in_(staffed))
    return [(course_id, f"{title} ({code})") for course_id, title, code in db.session.execute(stmt)]


def staffed_by(user) -> Select | None:  # noqa: ANN001
    """The ids of the courses whose own staff ``user`` is, as ``course.edit`` counts them (owner or co-author,
    holding the author role), or None when they cannot be: the cohorts of these courses are theirs to run."""
    if not user.has_role(Role.AUTHOR):
        return None
    return select(CourseAuthor.course_id).where(CourseAuthor.user_id == user.id)


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


# -- what other packages ask of courses (certificates, assessments, reports): read only these ------------


@dataclass(frozen=True)
class CourseCompletion:
    """What a learner has completed of a course: each module's date, and the course's date and version."""

    modules: dict[str, datetime]  # module usage key -> completed at
    completed_at: datetime | None  # the course, or None while it is not complete
    version_id: int | None  # the published version the learner completed

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


def completion(user_id: int, course_id: int) -> CourseCompletion:
    rows = db.session.execute(
        select(Completion.kind, Completion.usage_key, Completion.completed_at, Completion.version_id).where(
            Completion.user_id == user_id,
            Completion.course_id == course_id,
            Completion.kind.in_((CompletionKind.MODULE, CompletionKind.COURSE)),
        )
    ).all()
    modules = {key: at for kind, key, at, _v in rows if kind == CompletionKind.MODULE}
    course = next(((at, version) for kind, _k, at, version in rows if kind == CompletionKind.COURSE), (None, None))
    return CourseCompletion(modules, *course)


@dataclass(frozen=True)
class CompletedLearner:
    user_id: int
    completed_at: datetime
    version_id: int | None


def completed_learners(cohort_id: int) -> list[CompletedLearner]:
    """The learners actively enrolled in the cohort who completed its course, earliest first."""
    from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus

    rows = db.session.execute(
        select(Completion.user_id, Completion.completed_at, Completion.version_id)
        .join(Cohort, Cohort.course_id == Completion.course_id)
        .join(Enrollment, (Enrollment.cohort_id == Cohort.id) & (Enrollment.user_id == Completion.user_id))
        .where(
            Cohort.id == cohort_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            Completion.kind == CompletionKind.COURSE,
        )
        .order_by(Completion.completed_at, Completion.user_id)
    ).all()
    return [CompletedLearner(*row) for row in rows]


@dataclass(frozen=True)
class Grade:
    """A learner's grade in a course: the sum of the latest (or highest) grade of each graded block."""

    earned: float
    possible: float
    graded_blocks: int

    @property
    def percent(self) -> float | None:
        return 100 * self.earned / self.possible if self.possible else None


def grade(user_id: int, course_id: int) -> Grade:
    earned, possible, count = db.session.execute(
        select(
            func.coalesce(func.sum(BlockGrade.earned), 0), func.coalesce(func.sum(BlockGrade.possible), 0), func.count()
        ).where(BlockGrade.user_id == user_id, BlockGrade.course_id == course_id)
    ).one()
    return Grade(float(earned), float(possible), count)


def published_blocks(course: Course, block_type: str) -> list[tuple[str, str]]:
    """``(usage key, title)`` of every block of ``block_type`` in the course's published version, in reading
    order (certificates: the skill checklists a hospital course's certificate needs signed off). Read from the
    cached snapshot: no query once the version is in the process cache."""
    from courses.versions import snapshot_store

    if course.published_version_id is None:
        return []
    snapshot = snapshot_store(course.published_version_id).snapshot
    found, stack = [], [course.root_key]
    while stack:
        key = stack.pop()
        entry = snapshot.get(key)
        if entry is None:
            continue
        if entry.get("type") == block_type:
            found.append((key, (entry.get("fields") or {}).get("display_name") or block_type))
        stack.extend(reversed(entry.get("children") or ()))  # depth first, children in order
    return found


def block_grades(user_id: int, course_id: int, usage_keys: list[str]) -> dict[str, tuple[float, float]]:
    """The learner's stored grade ``(earned, possible)`` of each of these blocks that has one."""
    if not usage_keys:
        return {}
    rows = db.session.execute(
        select(BlockGrade.usage_key, BlockGrade.earned, BlockGrade.possible).where(
            BlockGrade.user_id == user_id, BlockGrade.course_id == course_id, BlockGrade.usage_key.in_(usage_keys)
        )
    )
    return {key: (float(earned), float(possible)) for key, earned, possible in rows}
