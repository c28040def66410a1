"""The rows of the learning-gain and item-analysis reports, from SQL grouped in the database: one query per
table, whatever the number of learners, on SQLite and PostgreSQL alike (Core selects, window functions).

**Who is a learner of the course.** Everyone with an enrollment (active or withdrawn: a learner who left is
attrition, not someone who never was) in a cohort of the course that the reader's :class:`Scope` and the
:class:`Filters` let through. A learner enrolled in several such cohorts counts once, in one of them: the
active enrollment first, then the cohort that started last. Their *institution* in the reports is the
cohort's institution (where the training was given and paid for), not the one on their account; their
*track* is the course's; their *period* the quarter the cohort started in; their gender the one on their
account ("" when not given).

**Scores.** Each test's score is the learner's first graded attempt of it (the lowest attempt number among
submitted attempts with a mark; an essay still waiting for its grade has none yet), as a percentage of
its maximum. Matched learners have both.

**Outcomes.** An answer assesses the learning outcome its question's category is mapped to (none when the
category has none: such answers are left out of the per-outcome marks, never counted under a guess).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import ColumnElement, Select, String, case, func, literal, literal_column, select, union_all

from assessments.models import Attempt, AttemptAnswer, AttemptState, Question, QuestionCategory, QuestionVersion
from assessments.reports.model import Filters, Scope
from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.db import db
from lms.institutions.models import Institution


def period_of(starts_on: date) -> str:
    """The quarter a cohort started in, "2026-Q3" (in Python: SQLite and PostgreSQL name dates differently)."""
    return f"{starts_on.year}-Q{(starts_on.month - 1) // 3 + 1}"


# -- learners of a course --------------------------------------------------------------------------------
def _members(course_id: int, track: str, scope: Scope, filters: Filters) -> Select:
    """One row per learner of the course the scope and filters let through, in the one cohort they count
    in (``rank`` 1), with what the breakdowns need."""
    gender = func.coalesce(User.gender, "")
    conditions: list[ColumnElement[bool]] = [Cohort.course_id == course_id]
    if scope.cohort_ids is not None:
        conditions.append(Cohort.id.in_(sorted(scope.cohort_ids)))
    if filters.cohort_ids:
        conditions.append(Cohort.id.in_(sorted(filters.cohort_ids)))
    if filters.institution_ids:
        conditions.append(Cohort.institution_id.in_(sorted(filters.institution_ids)))
    if filters.genders:
        conditions.append(gender.in_(sorted(filters.genders)))
    if filters.tracks and track not in filters.tracks:
        conditions.append(literal(False))  # the course's track is the only one its learners have
    if filters.starts_from is not None:
        conditions.append(Cohort.starts_on >= filters.starts_from)
    if filters.starts_until is not None:
        conditions.append(Cohort.starts_on <= filters.starts_until)
    active_first = case((Enrollment.status == EnrollmentStatus.ACTIVE, 0), else_=1)
    return (
        select(
            Enrollment.user_id.label("user_id"),
            User.name.label("name"),
            gender.label("gender"),
            Cohort.id.label("cohort_id"),
            Cohort.name.label("cohort_name"),
            Cohort.starts_on.label("starts_on"),
            Cohort.institution_id.label("institution_id"),
            func.coalesce(Institution.name, "").label("institution_name"),
            func.row_number()
            .over(partition_by=Enrollment.user_id, order_by=(active_first, Cohort.starts_on.desc(), Cohort.id.desc()))
            .label("rank"),
        )
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(Institution, Institution.id == Cohort.institution_id)
        .where(*conditions)
    )


@dataclass(frozen=True)
class PairRow:
    """One matched learner as the query returns them (percent scores; period computed from ``starts_on``)."""

    user_id: int
    name: str
    gender: str
    cohort_id: int
    cohort_name: str
    starts_on: date
    institution_id: int | None
    institution_name: str
    pre: float
    post: float


def _first_graded(
    course_id: int, usage_key: str, user_id: ColumnElement[int], what: ColumnElement | None = None
) -> ColumnElement[float]:
    """The percent (or ``what``, e.g. the attempt's id) of the learner's first graded attempt at ``usage_key``
    (a correlated subquery: an index lookup per learner on the attempts' unique (user, block, number) key,
    where a join of two windowed subqueries made SQLite compare every learner with every attempt)."""
    return (
        select(100.0 * Attempt.mark / Attempt.max_mark if what is None else what)
        .where(
            Attempt.user_id == user_id,
            Attempt.usage_key == usage_key,
            Attempt.course_id == course_id,
            Attempt.state == AttemptState.SUBMITTED,
            Attempt.mark.is_not(None),
            Attempt.max_mark > 0,
        )
        .order_by(Attempt.number, Attempt.id)
        .limit(1)
        .scalar_subquery()
    )


def matched_pairs(
    course_id: int, track: str, pre_key: str, post_key: str, scope: Scope, filters: Filters
) -> list[PairRow]:
    """The matched learners of the course (one query): each one's first graded pre-test and post-test score,
    in percent, with their groups; sorted by name."""
    members = _members(course_id, track, scope, filters).subquery()
    scored = (
        select(
            members,
            _first_graded(course_id, pre_key, members.c.user_id).label("pre"),
            _first_graded(course_id, post_key, members.c.user_id).label("post"),
        )
        .where(members.c.rank == 1)
        .subquery()
    )
    stmt = (
        select(
            scored.c.user_id,
            scored.c.name,
            scored.c.gender,
            scored.c.cohort_id,
            scored.c.cohort_name,
            scored.c.starts_on,
            scored.c.institution_id,
            scored.c.institution_name,
            scored.c.pre,
            scored.c.post,
        )
        # Both tests: a learner with one only is enrolled, not matched.
        .where(scored.c.pre.is_not(None), scored.c.post.is_not(None))
        .order_by(scored.c.name, scored.c.user_id)
    )
    return [PairRow(*row) for row in db.session.connection().execute(stmt)]


@dataclass(frozen=True)
class OutcomeMarks:
    """One matched learner's marks on one test's items that assess one learning outcome."""

    user_id: int
    test: str  # "pre" or "post"
    outcome: str
    mark: float  # sum of fraction × max_mark
    max_mark: float  # sum of max_mark
    items: int  # answers counted


def outcome_marks(
    course_id: int, track: str, pre_key: str, post_key: str, scope: Scope, filters: Filters
) -> list[OutcomeMarks]:
    """The matched learners' marks per learning outcome on their first graded pre-test and post-test (one
    query, summed in the database): the same learners as :func:`matched_pairs`, one row per learner × test ×
    outcome. Answers without a grade, or whose question's category has no outcome, are left out."""
    members = _members(course_id, track, scope, filters).subquery()
    firsts = (
        select(
            members.c.user_id,
            _first_graded(course_id, pre_key, members.c.user_id, Attempt.id).label("pre_id"),
            _first_graded(course_id, post_key, members.c.user_id, Attempt.id).label("post_id"),
        )
        .where(members.c.rank == 1)
        .subquery()
    )
    matched = (firsts.c.pre_id.is_not(None), firsts.c.post_id.is_not(None))
    # One row per (learner, test, attempt): a union of two index-friendly equi-joins rather than one join on
    # "attempt is the pre or the post one". The test is a literal in the SQL text, so PostgreSQL knows its type.
    attempts = union_all(
        select(
            firsts.c.user_id, literal_column("'pre'", String).label("test"), firsts.c.pre_id.label("attempt_id")
        ).where(*matched),
        select(
            firsts.c.user_id, literal_column("'post'", String).label("test"), firsts.c.post_id.label("attempt_id")
        ).where(*matched),
    ).subquery()
    groups = (attempts.c.user_id, attempts.c.test, QuestionCategory.outcome)
    stmt = (
        select(
            *groups,
            func.sum(AttemptAnswer.fraction * AttemptAnswer.max_mark),
            func.sum(AttemptAnswer.max_mark),
            func.count(AttemptAnswer.id),
        )
        .select_from(attempts)
        .join(AttemptAnswer, AttemptAnswer.attempt_id == attempts.c.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .where(QuestionCategory.outcome != "", AttemptAnswer.fraction.is_not(None))
        .group_by(*groups)
        .order_by(*groups)
    )
    return [
        OutcomeMarks(user_id, test, outcome, float(mark), float(top), int(items))
        for user_id, test, outcome, mark, top, items in db.session.execute(stmt)
    ]


@dataclass(frozen=True)
class EnrolledCell:
    """How many learners of one cohort have one gender (the finest grouping: every breakdown sums these)."""

    cohort_id: int
    cohort_name: str
    starts_on: date
    institution_id: int | None
    institution_name: str
    gender: str
    enrolled: int


def enrolled_cells(course_id: int, track: str, scope: Scope, filters: Filters) -> list[EnrolledCell]:
    """The learners of the course counted by cohort and gender in the database (one query). A cohort fixes
    the institution, the track and the period, so each breakdown's counts are sums of these cells."""
    members = _members(course_id, track, scope, filters).subquery()
    groups = (
        members.c.cohort_id,
        members.c.cohort_name,
        members.c.starts_on,
        members.c.institution_id,
        members.c.institution_name,
        members.c.gender,
    )
    stmt = (
        select(*groups, func.count().label("enrolled"))
        .where(members.c.rank == 1)
        .group_by(*groups)
        .order_by(members.c.cohort_id, members.c.gender)
    )
    return [EnrolledCell(*row) for row in db.session.execute(stmt)]


def cohorts_in_scope(course_id: int, scope: Scope) -> list[tuple[int, str, date, int | None, str]]:
    """The course's cohorts the reader may see (id, name, start, institution id and name), oldest first:
    what the filter form offers."""
    stmt = (
        select(Cohort.id, Cohort.name, Cohort.starts_on, Cohort.institution_id, func.coalesce(Institution.name, ""))
        .outerjoin(Institution, Institution.id == Cohort.institution_id)
        .where(Cohort.course_id == course_id)
        .order_by(Cohort.starts_on, Cohort.id)
    )
    if scope.cohort_ids is not None:
        stmt = stmt.where(Cohort.id.in_(sorted(scope.cohort_ids)))
    return [tuple(row) for row in db.session.execute(stmt)]


def genders_in_scope(course_id: int, scope: Scope) -> list[str]:
    """The genders ("" for not given) of the learners of the course's cohorts in scope."""
    gender = func.coalesce(User.gender, "")
    stmt = (
        select(gender)
        .select_from(Enrollment)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(User, User.id == Enrollment.user_id)
        .where(Cohort.course_id == course_id)
        .distinct()
        .order_by(gender)
    )
    if scope.cohort_ids is not None:
        stmt = stmt.where(Cohort.id.in_(sorted(scope.cohort_ids)))
    return list(db.session.scalars(stmt))


# -- item marks ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemMatrix:
    """The marks of one assessment's graded attempts, one row per attempt and one column per question
    version (``nan``: the attempt did not draw it), with each column's maximum and how many drew it."""

    version_ids: tuple[int, ...]
    max_marks: tuple[float, ...]
    marks: np.ndarray  # shape (attempts, versions)

    @property
    def drawn(self) -> tuple[int, ...]:
        return tuple(int(n) for n in (~np.isnan(self.marks)).sum(axis=0))


def item_marks(course_id: int, usage_key: str, scope: Scope) -> ItemMatrix:
    """Every submitted, graded attempt at ``usage_key`` by a learner of a cohort in scope, pooled across
    cohorts by question version (one query; the matrix is filled with numpy, not a Python loop per attempt;
    columns in version order, rows in attempt order). Each mark is the answer's fraction × its mark; a
    column's maximum is the largest mark the version was given (the same everywhere unless the test's marks
    were changed between sittings)."""
    stmt = (
        select(
            AttemptAnswer.attempt_id,
            AttemptAnswer.version_id,
            AttemptAnswer.fraction * AttemptAnswer.max_mark,
            AttemptAnswer.max_mark,
        )
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .where(
            Attempt.course_id == course_id,
            Attempt.usage_key == usage_key,
            Attempt.state == AttemptState.SUBMITTED,
            Attempt.mark.is_not(None),
            AttemptAnswer.fraction.is_not(None),  # an answer without a grade in a graded attempt: none drawn
        )
    )
    if scope.cohort_ids is not None:
        stmt = stmt.where(
            Attempt.user_id.in_(
                select(Enrollment.user_id)
                .join(Cohort, Cohort.id == Enrollment.cohort_id)
                .where(Cohort.course_id == course_id, Cohort.id.in_(sorted(scope.cohort_ids)))
            )
        )
    # Straight into numpy from the Core result: an array built from 800,000 ORM rows took ten seconds.
    result = db.session.connection().execute(stmt)
    return _pivot(np.fromiter(itertools.chain.from_iterable(result), dtype=float).reshape(-1, 4))


def _pivot(data: np.ndarray) -> ItemMatrix:
    """Rows of (attempt id, version id, mark, max mark) as the attempts × versions matrix, NaN where not drawn."""
    if not data.size:
        return ItemMatrix((), (), np.zeros((0, 0)))
    attempts, attempt_index = np.unique(data[:, 0], return_inverse=True)
    versions, version_index = np.unique(data[:, 1], return_inverse=True)
    marks = np.full((attempts.size, versions.size), np.nan)
    marks[attempt_index, version_index] = data[:, 2]
    maxima = np.zeros(versions.size)
    np.maximum.at(maxima, version_index, data[:, 3])
    return ItemMatrix(tuple(int(v) for v in versions), tuple(float(m) for m in maxima), marks)


def version_labels(version_ids: Iterable[int]) -> dict[int, tuple[int, str, int]]:
    """Each version's question id, title and version number (one query)."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    stmt = (
        select(QuestionVersion.id, Question.id, Question.title, QuestionVersion.number)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(ids))
    )
    return {vid: (qid, title, number) for vid, qid, title, number in db.session.execute(stmt)}
