"""Importing an Open edX course export (``.tar.gz``) as a new tot-lms course: all or nothing, and without
holding the database while it reads, unpacks and parses the archive.

:func:`import_archive` runs the two phases. ``plan.prepare`` does everything that reads, parses and can
fail, in memory and in ``lms.storage``, with no transaction open; ``writer.write`` then writes the course in
short transactions, hidden from everyone until the caller's own transaction shows it (``writer.reveal``).
An import that fails anywhere leaves nothing: the writer deletes what it wrote. The studio's job
(``jobs``) and ``lms import-olx`` (``cli``) both import this way; on SQLite, learners' writes go on
meanwhile, waiting at most for one short step (``bench/import_contention.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from courses.models import Course
from courses.olx import writer
from courses.olx.plan import course_code, prepare
from courses.olx.runtime import ImportAuthor
from lms import audit
from lms.db import db

__all__ = ["ImportResult", "course_code", "import_archive"]


@dataclass
class ImportResult:
    course: Course
    blocks: int
    files: int
    unavailable: dict[str, int] = field(default_factory=dict)  # block type -> count kept but not runnable
    kept: int = 0  # files of the export this LMS does not use, kept for export (courses.olx.kept)
    notes: list[str] = field(default_factory=list)  # what archive parts tell the author (courses.olx.parts)


def import_archive(
    stream: IO[bytes],
    author,  # noqa: ANN001 - a User
    code: str | None = None,
    on_created: Callable[[int], Any] | None = None,
) -> ImportResult:
    """Import the archive read from ``stream`` as a new course owned by ``author``.

    Unlike a service, it commits, step by step, beginning with whatever the caller has pending (a job commits
    its "running" first anyway). The last step, which shows the course, is only flushed: the caller commits
    it with its own record of the outcome. A caller that fails before that commit rolls back and calls
    ``writer.discard(course_id)`` (``on_created(course_id)`` tells it the id, in the course's first
    transaction). Raises :class:`~courses.olx.errors.OlxError` with a message for the author when the
    archive is at fault; nothing is left of the course then.
    """
    acting = ImportAuthor.of(author)  # read now: after the commit the ORM user would load again, in a transaction
    db.session.commit()
    plan = prepare(stream, acting, code)
    course_id = writer.write(plan, on_created)
    try:
        course = writer.reveal(course_id, acting)
        audit.record(
            "course.imported",
            "course",
            course_id,
            actor=acting,
            blocks=plan.blocks,
            files=len(plan.assets),
            kept=len(plan.kept_files),
        )
        db.session.flush()
    except BaseException:
        db.session.rollback()
        writer.discard(course_id)
        raise
    return ImportResult(
        course=course,
        blocks=plan.blocks,
        files=len(plan.assets),
        unavailable=plan.unavailable,
        kept=len(plan.kept_files),
        notes=plan.notes,
    )
