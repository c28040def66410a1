"""Studio pages for OLX: import an Open edX course export (``olx.import_course``, GET/POST /studio/import),
follow the import (``olx.import_status``, GET /studio/imports/<id>) and download a course as an export
(``olx.export_course``, GET /studio/courses/<code>/export). The studio links to these endpoint names.

An upload becomes an import job (``courses.olx.jobs``): the form answers with a redirect to the job's
page, which refreshes itself (no JavaScript needed) until the import is done or has failed, or says
that it is stuck (no worker took it; a worker stopped it at its timeout: ``jobs.shown_state``).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courses import queries
from courses import services as course_services
from courses.olx import cli, jobs
from courses.olx.errors import OlxError
from courses.olx.forms import ImportForm
from courses.olx.models import ImportStatus, OlxImport
from lms.db import db
from lms.forms import add_error
from lms.permissions import can, permission_required, require

bp = Blueprint("olx", __name__)
REFRESH_SECONDS = 3


def init_app(app) -> None:  # noqa: ANN001
    cli.init_app(app)


def import_summary(job: OlxImport) -> str:
    """What a finished import brought in, in the author's words."""
    summary = job.summary or {}
    title = job.course.title if job.course else job.filename
    blocks, files = summary.get("blocks", 0), summary.get("files", 0)
    # Translators: e.g. "Imported Welding: 16 blocks and 2 files. …"; each count's part is translated on its own,
    # with its plural forms.
    message = _(
        "Imported %(title)s: %(blocks)s and %(files)s. Review it, then publish it for learners.",
        title=title,
        blocks=ngettext("%(num)d block", "%(num)d blocks", blocks),
        files=ngettext("%(num)d file", "%(num)d files", files),
    )
    unavailable = summary.get("unavailable") or {}
    if unavailable:
        kinds = ", ".join(f"{block_type} × {count}" for block_type, count in sorted(unavailable.items()))
        message += " " + ngettext(
            "%(num)d component cannot run here (%(kinds)s): learners see a notice instead, and it is kept "
            "unchanged for export.",
            "%(num)d components cannot run here (%(kinds)s): learners see a notice instead, and they are kept "
            "unchanged for export.",
            sum(unavailable.values()),
            kinds=kinds,
        )
    if summary.get("kept"):
        message += " " + ngettext(
            "%(num)d file of the export that this LMS does not use (such as about/ and info/ pages) is kept "
            "and written back when you export the course.",
            "%(num)d files of the export that this LMS does not use (such as about/ and info/ pages) are kept "
            "and written back when you export the course.",
            summary["kept"],
        )
    return message


@bp.route("/studio/import", methods=["GET", "POST"])
@permission_required("course.create")
def import_course():
    form = ImportForm()
    if form.validate_on_submit():
        code = (form.code.data or "").strip()
        try:
            if code:
                course_services.check_new_code(code)  # said at once, not after the upload has been imported
        except course_services.CourseError as error:
            add_error(form, "code", error.message)
        else:
            job = jobs.start_import(current_user, form.archive.data, code)
            return redirect(url_for("olx.import_status", job_id=job.id))
    status = 400 if request.method == "POST" else 200
    limit_mb = current_app.config["OLX_MAX_BYTES"] // (1024 * 1024)
    imports = jobs.imports_of(current_user)
    return (
        render_template(
            "courses/olx/import.html", form=form, limit_mb=limit_mb, imports=imports, shown_state=jobs.shown_state
        ),
        status,
    )


@bp.get("/studio/imports/<int:job_id>")
@permission_required("course.create")
def import_status(job_id: int):
    job = db.session.get(OlxImport, job_id)
    if job is None or not can("course.import_view", job):
        abort(404)  # another author's import is none of this author's business, not even its existence
    state = jobs.shown_state(job)
    return render_template(
        "courses/olx/import_status.html",
        job=job,
        state=state,
        summary=import_summary(job) if job.status == ImportStatus.DONE else "",
        notes=((job.summary or {}).get("notes") or []) if job.status == ImportStatus.DONE else [],
        refresh=REFRESH_SECONDS if state in (ImportStatus.QUEUED, ImportStatus.RUNNING) else None,
        stopped_message=jobs.stopped_message() if state == jobs.STOPPED else "",
    )


@bp.get("/studio/courses/<code>/export")
def export_course(code: str):
    from courses.olx.exporter import export_archive

    course = queries.by_code(code)
    if course is None:
        abort(404)
    require("course.edit", course)
    published = request.args.get("version") == "published"
    try:
        archive = export_archive(course, current_user, published=published)
    except OlxError as error:
        flash(error.message, "error")
        return redirect(url_for("studio.course", code=course.code))
    suffix = "-published" if published else ""
    response = send_file(
        archive,
        mimetype="application/gzip",
        as_attachment=True,
        download_name=f"{course.code}{suffix}.tar.gz",
        max_age=0,
    )
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
