"""What OLX import keeps: the files of an export this LMS does not use (:class:`CourseOlxFile`), and the
import jobs that the studio's upload form starts and shows the progress of (:class:`OlxImport`)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.db import db


class CourseOlxFile(db.Model):
    """A file of an imported Open edX export that this LMS does not use (``about/overview.html``,
    ``info/updates.html``, ``tabs/…``, ``policies/assets.json``, drafts), kept as it came so that an
    export of the course writes it back: an import loses nothing."""

    __tablename__ = "course_olx_file"
    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(500))  # inside the course folder, e.g. "about/overview.html"
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(255))  # where lms.storage keeps the bytes


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class OlxImport(db.Model):
    """One upload through the studio's import form, from queued to done (with the new course) or failed
    (with the message that says which file and line to fix). The uploaded archive waits in the instance
    folder until the job has run (``courses.olx.jobs``)."""

    __tablename__ = "olx_import"
    __table_args__ = (Index("ix_olx_import_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(255))  # as the author's browser named it, for display
    size: Mapped[int]
    requested_code: Mapped[str] = mapped_column(String(40), default="")  # empty: made from the export
    status: Mapped[str] = mapped_column(String(10), default=ImportStatus.QUEUED)
    message: Mapped[str] = mapped_column(Text, default="")  # the error, when failed
    error_field: Mapped[str] = mapped_column(String(20), default="")  # "code" when the code was the problem
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"))
    # {"blocks": n, "files": n, "kept": n, "unavailable": {type: n}, "notes": [text]} once done
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    user = relationship("User")
    course = relationship("Course")

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
