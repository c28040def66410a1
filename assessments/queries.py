"""Read helpers of assessments with the non-trivial SQL: a course's bank as the studio lists it."""

from __future__ import annotations

from sqlalchemy import Select, String, cast, exists, func, or_, select

from assessments.models import AttemptAnswer, Question, QuestionCategory, QuestionVersion
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
