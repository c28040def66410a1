"""Studio pages for OLX: import an Open edX course export (``olx.import_course``, GET/POST /studio/import)
and download a course as one (``olx.export_course``, GET /studio/courses/<code>/export). The studio links
to these endpoint names.

The import is one request: on success the request commits and redirects to the new course; on failure
the page answers 400, so the request's transaction rolls back and nothing of the course remains.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courses import queries
from courses.olx import cli
from courses.olx.errors import OlxError
from courses.olx.forms import ImportForm
from lms.forms import add_error
from lms.permissions import permission_required, require

bp = Blueprint("olx", __name__)


def init_app(app) -> None:  # noqa: ANN001
    cli.init_app(app)


def _summary(result) -> str:  # noqa: ANN001
    message = _(
        "Imported %(title)s: %(blocks)d blocks and %(files)d files. Review it, then publish it for learners.",
        title=result.course.title,
        blocks=result.blocks,
        files=result.files,
    )
    if result.unavailable:
        kinds = ", ".join(f"{block_type} × {count}" for block_type, count in sorted(result.unavailable.items()))
        message += " " + ngettext(
            "%(num)d component cannot run here (%(kinds)s): learners see a notice instead, and it is kept "
            "unchanged for export.",
            "%(num)d components cannot run here (%(kinds)s): learners see a notice instead, and they are kept "
            "unchanged for export.",
            sum(result.unavailable.values()),
            kinds=kinds,
        )
    return message


@bp.route("/studio/import", methods=["GET", "POST"])
@permission_required("course.create")
def import_course():
    from courses.olx.importer import import_archive

    form = ImportForm()
    if form.validate_on_submit():
        upload = form.archive.data
        try:
            result = import_archive(upload.stream, current_user, form.code.data)
        except OlxError as error:
            add_error(form, "code" if error.field == "code" else "archive", error.message)
        else:
            flash(_summary(result), "success")
            return redirect(url_for("studio.course", code=result.course.code))
    status = 400 if request.method == "POST" else 200
    limit_mb = current_app.config["OLX_MAX_BYTES"] // (1024 * 1024)
    return render_template("courses/olx/import.html", form=form, limit_mb=limit_mb), status


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
