"""Cohorts and enrollment: a course offered at an institution, with dates, instructors and learners.

A cohort points at a course by foreign key only (``course.id``); the core never imports the courses
package, which registers the ``Course`` class in the same SQLAlchemy registry.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.db import db

cohort_instructor = Table(
    "cohort_instructor",
    db.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class EnrollmentStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Cohort(db.Model):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="RESTRICT"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id", ondelete="RESTRICT"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course = relationship("Course", lazy="joined")
    institution = relationship("Institution", lazy="joined")
    instructors = relationship("User", secondary=cohort_instructor, lazy="selectin", order_by="User.name")
    enrollments: Mapped[list[Enrollment]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", lazy="select"
    )

    def has_instructor(self, user) -> bool:  # noqa: ANN001
        return any(instructor.id == user.id for instructor in self.instructors)


class Enrollment(db.Model):
    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=EnrollmentStatus.ACTIVE)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="enrollments")
    user = relationship("User", lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.status == EnrollmentStatus.ACTIVE
