"""Assessments' data: each course's question bank (categories, questions and their versions) and learners'
attempts at the course's assessment blocks (one row per answer, accommodations granted).

**Versions.** A question's content is a definition (``assessments/items/base.py``) on a
:class:`QuestionVersion`. A version that an attempt has drawn is frozen: editing the question then makes a
new version and points the question at it, and the attempt keeps the one it drew (its responses name the
version). A version nobody has drawn yet is edited in place.

**Attempts.** An :class:`Attempt` is one learner's sitting of one assessment block (``usage_key``). It drew
its questions when it started (one :class:`AttemptAnswer` per slot, naming the version drawn and the slot's
mark), with its ``seed`` deciding question and option order, so the learner sees the same page on any device.
``deadline`` is the server's: an answer after it is refused and the attempt closes itself. The score is kept
on the attempt when it is graded; an attempt with an essay not yet graded has no score (``needs_grading``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.db import db


class Difficulty(enum.StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class QuestionCategory(db.Model):
    """A category of a course's bank, by path (``Safety/Isolation``), mapped to one of the course's learning
    outcomes so results and gains can be reported per competency."""

    __tablename__ = "question_category"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(Text, default="")  # a line of Course.learning_outcomes, or ""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class Question(db.Model):
    """A question of a course's bank: where it is filed and how it is found; its content is its current version."""

    __tablename__ = "question"
    __table_args__ = (Index("ix_question_course_category", "course_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(ForeignKey("question_category.id", ondelete="RESTRICT"))
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(255))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # lower-case words, sorted
    difficulty: Mapped[str | None] = mapped_column(String(10))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    category: Mapped[QuestionCategory] = relationship()
    course = relationship("Course")
    current_version: Mapped[QuestionVersion | None] = relationship(foreign_keys=[current_version_id], post_update=True)


class QuestionVersion(db.Model):
    """One version of a question's definition; frozen once an attempt has drawn it."""

    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"  # by the learner, by the deadline passing, or by an instructor


class Attempt(db.Model):
    """One learner's sitting of one assessment block."""

    __tablename__ = "assessment_attempt"
    __table_args__ = (
        UniqueConstraint("user_id", "usage_key", "number"),
        Index("ix_assessment_attempt_course_kind", "course_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    usage_key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(10))  # pre, post, practice (the block's, when it started)
    number: Mapped[int] = mapped_column(Integer)  # 1 for the first attempt
    seed: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default=AttemptState.IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[str | None] = mapped_column(String(12))  # learner, deadline, instructor
    max_mark: Mapped[float] = mapped_column(Float)
    mark: Mapped[float | None] = mapped_column(Float)  # None until every answer is graded
    needs_grading: Mapped[bool] = mapped_column(default=False)

    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.slot", cascade="all, delete-orphan"
    )
    # By name: the courses package and the core register these classes in the same registry.
    course = relationship("Course")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def percent(self) -> float | None:
        return None if self.mark is None or not self.max_mark else 100 * self.mark / self.max_mark


class AttemptAnswer(db.Model):
    """One slot of an attempt: the question version drawn, its mark, the learner's answer and its grade."""

    __tablename__ = "attempt_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("assessment_attempt.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(Integer)  # 1-based position in the attempt's (shuffled) order
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id", ondelete="RESTRICT"), index=True)
    max_mark: Mapped[float] = mapped_column(Float)
    response: Mapped[Any | None] = mapped_column(JSON)
    saved_at: Mapped[datetime | None]
    # The browser numbers each change it sends; a change older than the one stored (offline replays,
    # retries) is acknowledged and ignored, so answers arrive in order and never twice.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    fraction: Mapped[float | None] = mapped_column(Float)  # None: not graded yet (an essay)
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    graded_at: Mapped[datetime | None]
    comment: Mapped[str] = mapped_column(Text, default="")

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    version: Mapped[QuestionVersion] = relationship()
    graded_by = relationship("User", foreign_keys=[graded_by_id])


class Accommodation(db.Model):
    """Extra time or another attempt granted to one learner on one assessment, with who and why."""

    __tablename__ = "assessment_accommodation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    usage_key: Mapped[str] = mapped_column(String(255), index=True)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str] = mapped_column(Text)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    granted_by = relationship("User", foreign_keys=[granted_by_id])
