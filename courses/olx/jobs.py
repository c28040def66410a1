"""The studio's OLX imports as jobs, so a large course never has to fit in one request.

:func:`start_import` keeps the uploaded archive in the instance folder and records an :class:`OlxImport`;
once the request has committed, ``lms.tasks.enqueue`` runs :func:`run_import`: inline, as a unit of
work of its own, on a single machine; in an RQ worker when ``LMS_QUEUE_URL`` is set. The job page
(``courses.olx.views``) follows it from queued to running to done (with the new course) or failed (with
the message that names the file and line to fix). The import itself is ``courses.olx.importer``: it reads
and parses with no transaction open and writes the course, hidden, in short transactions; the job's last
transaction shows the course and records the job done. A failed import leaves only the job's record of the
failure: what was written is deleted (``writer.discard``).
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from courses.olx import writer
from courses.olx.errors import OlxError
from courses.olx.importer import import_archive
from courses.olx.models import ImportStatus, OlxImport
from lms.clock import utcnow
from lms.db import after_commit, db
from lms.tasks import enqueue, may_run_for, timed_out

log = logging.getLogger(__name__)
UPLOAD_FOLDER = "olx-imports"
FILENAME_MAX = 255
# A worker stops a job at its timeout: a generous bound for the largest archive the form takes.
IMPORT_TIMEOUT_SECONDS = 30 * 60
# A job still queued after this long means no worker is taking jobs.
STALLED_AFTER = timedelta(minutes=5)
STALLED, STOPPED = "stalled", "stopped"


def upload_folder() -> Path:
    return Path(current_app.instance_path) / UPLOAD_FOLDER


def upload_path(job_id: int) -> Path:
    """Where the archive of import ``job_id`` waits for its job (removed once the job has run)."""
    return upload_folder() / f"{job_id}.tar.gz"


def start_import(user, upload: FileStorage, code: str = "") -> OlxImport:  # noqa: ANN001
    """Record the upload as an import of ``user``'s and have it run after this transaction commits."""
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    # Copied before the job's row is written: on SQLite that INSERT takes the database's write lock until
    # the request commits, and copying a large archive must not hold it. Renaming is instant.
    staging = folder / f"upload-{uuid.uuid4().hex}.part"
    upload.save(staging)
    try:
        job = OlxImport(
            user_id=user.id,
            filename=(upload.filename or "course.tar.gz")[:FILENAME_MAX],
            size=staging.stat().st_size,
            requested_code=(code or "").strip(),
        )
        db.session.add(job)
        db.session.flush()
        staging.replace(upload_path(job.id))
    finally:
        staging.unlink(missing_ok=True)  # gone already unless something failed
    enqueue(run_import, job.id)  # after the commit: a queue's worker must find the job's row
    return job


@may_run_for(IMPORT_TIMEOUT_SECONDS)
def run_import(job_id: int) -> None:
    """The job: import the kept archive; records done (with the course) or failed (with the message).

    It commits step by step (``importer``): "running" first, so the job page says so, then the import's own
    short steps; its last transaction shows the course and records the job done, together.
    """
    job = db.session.get(OlxImport, job_id)
    if job is None or job.status != ImportStatus.QUEUED:
        return  # run already (a queue may deliver a job twice): harmless
    job.status, job.started_at = ImportStatus.RUNNING, utcnow()
    path = upload_path(job_id)
    # Read before the commit: after it the ORM objects would load again, each time in a transaction.
    language = job.user.language or current_app.config["DEFAULT_LANGUAGE"]
    author, requested_code = job.user, job.requested_code or None
    db.session.commit()  # the job page shows "importing" while a worker runs it
    # Its messages are for the author, in the author's language, wherever the job runs.
    with force_locale(language):
        _import_recording_the_outcome(job_id, author, requested_code, path)
    after_commit(lambda: path.unlink(missing_ok=True))


def _link(job_id: int, course_id: int) -> None:
    """In the transaction that creates the hidden course: this job is writing it (to discard on failure)."""
    db.session.execute(
        update(OlxImport)
        .where(OlxImport.id == job_id)
        .values(course_id=course_id)
        .execution_options(synchronize_session=False)
    )


def _import_recording_the_outcome(job_id: int, author, code: str | None, path: Path) -> None:  # noqa: ANN001
    try:
        with path.open("rb") as stream:
            # Positional: a test wraps the import with a function that forwards only those.
            result = import_archive(stream, author, code, lambda course_id: _link(job_id, course_id))
        job = db.session.get(OlxImport, job_id)
        job.status, job.course_id = ImportStatus.DONE, result.course.id
        job.summary = {
            "blocks": result.blocks,
            "files": result.files,
            "kept": result.kept,
            "unavailable": result.unavailable,
            "notes": result.notes,  # in the author's language already (force_locale)
        }
    except Exception as error:  # the archive, a bug, a disk or database failure, or the worker's timeout
        job = _failed(job_id)
        if isinstance(error, OlxError):
            job.message, job.error_field = error.message, error.field or ""
        elif timed_out(error):
            log.warning("OLX import %s stopped at the worker's timeout", job_id)
            job.message = stopped_message()
        else:
            log.exception("OLX import %s failed", job_id)
            job.message = _(
                "The import stopped because of an error on the server. Nothing was imported; the error was "
                "logged for the administrators."
            )
    job.finished_at = utcnow()
    db.session.flush()


def _failed(job_id: int) -> OlxImport:
    """After a failure: nothing of the import stays (a course it had written, hidden, is deleted), and the
    job's record of the failure begins (the caller fills in the message; the unit of work commits it)."""
    db.session.rollback()
    course_id = db.session.scalar(select(OlxImport.course_id).where(OlxImport.id == job_id))
    db.session.commit()
    if course_id is not None:
        writer.discard(course_id)  # deletes only a course still hidden: this import's
    job = db.session.get(OlxImport, job_id)
    job.status, job.course_id = ImportStatus.FAILED, None
    return job


def stopped_message() -> str:
    return ngettext(
        "This import ran for more than %(num)d minute, the longest a worker allows, and was stopped. "
        "Import the archive again; if it stops again, ask an administrator to look at the worker's log.",
        "This import ran for more than %(num)d minutes, the longest a worker allows, and was stopped. "
        "Import the archive again; if it stops again, ask an administrator to look at the worker's log.",
        IMPORT_TIMEOUT_SECONDS // 60,
    )


def shown_state(job: OlxImport) -> str:
    """What the author is told of ``job``: its status, or ``"stalled"`` (queued for five minutes: no
    worker takes jobs) or ``"stopped"`` (still running past the worker's timeout: its process died, or the
    worker stopped it before it could record the failure; the status will never change). Nothing of such an
    import is visible: what it wrote is a hidden course, deleted once abandoned (``writer``)."""
    now = utcnow()
    if job.status == ImportStatus.QUEUED and now - job.created_at > STALLED_AFTER:
        return STALLED
    if (
        job.status == ImportStatus.RUNNING
        and job.started_at is not None
        and now - job.started_at > timedelta(seconds=IMPORT_TIMEOUT_SECONDS)
    ):
        return STOPPED
    return job.status


def imports_of(user, limit: int = 10) -> list[OlxImport]:  # noqa: ANN001
    """The user's latest imports, newest first."""
    query = select(OlxImport).where(OlxImport.user_id == user.id).order_by(OlxImport.id.desc()).limit(limit)
    return list(db.session.scalars(query))
