"""Courses: the catalogue entry, its authors, its immutable published versions, assets, and learner progress.

A course's *draft* is a tree of XBlocks whose authored fields live in the XBlock field store
(``lms/xblock_host/models.py``) under usage keys ``block-v1:<code>+type@<type>+block@<id>``. Publishing
freezes the draft into a :class:`CourseVersion` snapshot that learners read; usage keys are stable across
versions, so a learner's state survives a re-publish.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from lms.clock import utcnow
from lms.db import db


class Track(enum.StrEnum):
    TVET_TOT = "tvet_tot"
    HOSPITAL = "hospital"


class AuthorRole(enum.StrEnum):
    OWNER = "owner"
    CO_AUTHOR = "co-author"


def course_root_key(code: str) -> str:
    """The usage key of a course's root block: the course code is its learning context."""
    return f"block-v1:{code}+type@course+block@course"


class Course(db.Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The code is the course's permanent key: it is part of every usage key, so it never changes.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    track: Mapped[str] = mapped_column(String(20), default=Track.TVET_TOT)
    hours: Mapped[int | None] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8), default="en")
    learning_outcomes: Mapped[str] = mapped_column(Text, default="")  # one per line
    grading_policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # kept from OLX grading_policy.json
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_version.id", use_alter=True, ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    draft_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set while an OLX import is still writing the course, in short transactions (courses.olx.writer): the time
    # of its latest write. Such a course is nobody's yet: no query lists or resolves it (queries.VISIBLE), and
    # one whose import stopped writing long ago is abandoned (services.ABANDONED_IMPORT_AFTER). None: visible.
    importing_at: Mapped[datetime | None]

    owner = relationship("User", foreign_keys=[owner_id])
    # Loaded only when used: learners' pages never need the authors.
    authors: Mapped[list[CourseAuthor]] = relationship(back_populates="course", cascade="all, delete-orphan")
    published_version: Mapped[CourseVersion | None] = relationship(
        foreign_keys=[published_version_id], post_update=True
    )

    @property
    def root_key(self) -> str:
        return course_root_key(self.code)

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    @property
    def has_unpublished_changes(self) -> bool:
        version = self.published_version
        return version is None or self.draft_changed_at > version.published_at

    def author_role(self, user) -> str | None:  # noqa: ANN001
        if "authors" in self.__dict__:  # already loaded: no query
            return next((a.role for a in self.authors if a.user_id == user.id), None)
        return author_role(self.id, user.id)

    def __repr__(self) -> str:
        return f"<Course {self.code}>"


# Codes are looked up in any case (``courses.queries.by_code``), so they are unique in any case: this index is
# what refuses a second "abc" beside "ABC" when two are created at once, and it serves those lookups.
Index("uq_course_code_lower", func.lower(Course.code), unique=True)


def author_role(course_id: int, user_id: int) -> str | None:
    return db.session.scalar(
        select(CourseAuthor.role).where(CourseAuthor.course_id == course_id, CourseAuthor.user_id == user_id)
    )


class CourseAuthor(db.Model):
    __tablename__ = "course_author"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), default=AuthorRole.CO_AUTHOR)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="authors")
    user = relationship("User", lazy="joined")


class CourseVersion(db.Model):
    """An immutable published snapshot of a course's block tree (never updated after insert)."""

    __tablename__ = "course_version"
    # Snapshots are cached per process by id, so an id must never be reused (SQLite reuses rowids of
    # deleted rows unless the table is AUTOINCREMENT).
    __table_args__ = (UniqueConstraint("course_id", "number"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")
    block_count: Mapped[int] = mapped_column(default=0)
    # {usage_key: {"type", "fields": {name: json}, "children": [...], "parent"}}; loaded only on demand.
    snapshot: Mapped[dict[str, Any]] = deferred(mapped_column(JSON))

    published_by = relationship("User")


class CourseAsset(db.Model):
    """A file of a course (image, video, PDF, caption file), referenced from content as /static/<name>."""

    __tablename__ = "course_asset"
    __table_args__ = (UniqueConstraint("course_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))  # where lms.storage keeps the bytes
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class CourseVersionAsset(db.Model):
    """A file as a published version has it: written with the version (``courses.version_files``), never updated."""

    __tablename__ = "course_version_asset"
    __table_args__ = (UniqueConstraint("version_id", "filename"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))


class BlockCompletion(db.Model):
    """How far a learner has completed one completion item (0..1): a leaf block, or a unit without
    countable leaves; from views and completion/grade events. ``updated_at`` is when it last grew."""

    __tablename__ = "block_completion"
    __table_args__ = (
        UniqueConstraint("user_id", "usage_key"),
        Index("ix_block_completion_course_user", "course_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    usage_key: Mapped[str] = mapped_column(String(255))
    completion: Mapped[float] = mapped_column(default=0.0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CompletionKind(enum.StrEnum):
    UNIT = "unit"
    MODULE = "module"
    COURSE = "course"


class Completion(db.Model):
    """A unit, module or course a learner completed: a fact written once (the unique key, not a check,
    makes it once), with its date and the published version the learner completed."""

    __tablename__ = "completion"
    __table_args__ = (
        UniqueConstraint("user_id", "usage_key"),
        Index("ix_completion_course_user", "course_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    usage_key: Mapped[str] = mapped_column(String(255))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("course_version.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlockGrade(db.Model):
    """The latest (or highest, with only_if_higher) grade a leaf block published for a learner."""

    __tablename__ = "block_grade"
    __table_args__ = (UniqueConstraint("user_id", "usage_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    usage_key: Mapped[str] = mapped_column(String(255))
    earned: Mapped[float]
    possible: Mapped[float]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CoursePosition(db.Model):
    """Where a learner left off in a course, for "resume"."""

    __tablename__ = "course_position"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    unit_key: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
