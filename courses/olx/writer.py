"""Phase 2 of an OLX import: writing an :class:`~courses.olx.plan.ImportPlan` in short transactions.

On SQLite a transaction that writes holds the database's only write lock, and every learner's write
(progress, handler calls) waits for it; so the import never writes much in one. :func:`write` commits step
by step:

1. the course row (and its owner), *hidden*: ``Course.importing_at`` is set, and no query lists or resolves
   such a course (``courses.queries.VISIBLE``), so nobody sees a half-written one;
2. the rows of other packages' archive parts (``courses.olx.parts``: the question bank), each part's steps
   committed one by one, before the XBlock rows (a part may point them at the ids its rows got);
3. its XBlock rows, then its assets, then the files kept for export, at most ``ROWS_PER_TRANSACTION`` rows a
   transaction (a few ms each), each also touching ``importing_at``: the import is alive.

The caller's own last transaction shows the course (:func:`reveal`, which only flushes), together with
what the caller records (the studio's job: done). If a step fails, or the caller fails before its commit,
:func:`discard` deletes what was written, again in short steps: all or nothing, as a single transaction
would be. An import whose process died cannot clean up; its course stays hidden, and once it has not
been touched for ``courses.services.ABANDONED_IMPORT_AFTER`` it is abandoned: its code may be used again
(``services.create_course`` deletes it then), and every import deletes all abandoned ones before it starts
(:func:`discard_abandoned`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from courses import services
from courses.models import Course, CourseAsset
from courses.olx.errors import OlxError
from courses.olx.models import CourseOlxFile
from courses.olx.plan import ImportPlan
from lms.accounts.models import User
from lms.clock import utcnow
from lms.db import db
from lms.xblock_host.models import XBlockField

log = logging.getLogger(__name__)
# Rows a transaction writes: a few milliseconds of SQLite's write lock (bench/import_contention.py).
ROWS_PER_TRANSACTION = 500


def write(plan: ImportPlan, on_created: Callable[[int], Any] | None = None) -> int:
    """Write the planned course, hidden, committing each step; returns its id.

    ``on_created(course_id)`` runs in the transaction that creates the course (the studio's job records
    which course it is writing, so that it can discard it should it fail after this returns). On failure
    what was written is discarded and the error raised again.
    """
    discard_abandoned()
    course_id = _create(plan, on_created)
    try:
        for prepared in plan.parts:
            for _step in prepared.part.write(course_id, prepared.prepared, plan.field_rows):
                services.touch_import(course_id)
                db.session.commit()
            services.touch_import(course_id)  # and what the part did after its last step
            db.session.commit()
        now = utcnow()
        steps = (
            (XBlockField, [{**row, "updated_at": now} for row in plan.field_rows]),
            (CourseAsset, [{**asdict(stored), "course_id": course_id, "uploaded_at": now} for stored in plan.assets]),
            (CourseOlxFile, [{**row, "course_id": course_id} for row in plan.kept_files]),
        )
        for model, rows in steps:
            for start in range(0, len(rows), ROWS_PER_TRANSACTION):
                insert_batch(course_id, model, rows[start : start + ROWS_PER_TRANSACTION])
                db.session.commit()
    except BaseException:
        db.session.rollback()
        discard(course_id)
        raise
    return course_id


def _create(plan: ImportPlan, on_created: Callable[[int], Any] | None) -> int:
    try:
        owner = db.session.get(User, plan.author.id)
        course = services.create_course(
            code=plan.code,
            title=plan.title,
            owner=owner,
            language=plan.language,
            description=plan.description,
            importing=True,
        )
        course.grading_policy = plan.grading_policy
        db.session.flush()
        course_id = course.id
        if on_created is not None:
            on_created(course_id)
        db.session.commit()
    except services.CourseError as error:
        db.session.rollback()
        raise OlxError(f"{error.message} ({plan.code})", error.field) from error
    except IntegrityError as error:  # another course took the code since the check: the unique key says so
        db.session.rollback()
        raise OlxError(f"{_('Another course already uses this code.')} ({plan.code})", "code") from error
    except BaseException:
        db.session.rollback()
        raise
    return course_id


def insert_batch(course_id: int, model: type, rows: list[dict[str, Any]]) -> None:
    """Insert one step's rows of hidden course ``course_id`` (flushes; the caller commits)."""
    services.touch_import(course_id)
    db.session.execute(insert(model), rows)


def reveal(course_id: int, actor: Any) -> Course:  # noqa: ANN401 - the author, as a User or an ImportAuthor
    """Show the course, in the caller's transaction (flushes): the last step of an import."""
    return services.finish_import(course_id, actor=actor)


def discard(course_id: int) -> None:
    """Delete what an unfinished import wrote of hidden course ``course_id``, committing each step. A failure
    here is logged, not raised: the course stays hidden, and is deleted once it counts as abandoned."""
    try:
        while True:
            done = services.delete_unfinished_import(course_id, limit=ROWS_PER_TRANSACTION)
            db.session.commit()
            if done:
                return
    except Exception:
        db.session.rollback()
        log.exception("could not delete the unfinished OLX import of course %s; it stays hidden", course_id)


def discard_abandoned() -> None:
    """Delete the hidden courses of imports that stopped without cleaning up (a process that died)."""
    abandoned = services.abandoned_imports()
    db.session.commit()
    for course_id in abandoned:
        log.warning("deleting course %s, left hidden by an OLX import that stopped long ago", course_id)
        discard(course_id)
