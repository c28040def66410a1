"""Moving questions in and out of the bank as files: importing a question file (GIFT, Moodle XML, Aiken, ...,
through ``assessments.interchange``) and exporting the whole bank as GIFT or Moodle XML."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from assessments import formats, interchange
from assessments.forms import ImportForm
from assessments.studio_views.blueprint import bp
from courses.studio.blueprint import load_course

EXPORTS = {"gift": ("GIFT", "text/plain", ".txt"), "moodlexml": ("Moodle XML", "application/xml", ".xml")}


@bp.route("/import", methods=["GET", "POST"])
def import_questions(code: str):
    course = load_course(code)
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(formats.MAX_BYTES + 1)
        if not data.strip():
            errors = [_("The file is empty.")]
        elif len(data) > formats.MAX_BYTES:
            errors = [_("The file is larger than %(size)s MB.", size=formats.MAX_BYTES // (1024 * 1024))]
        else:
            try:
                imported = interchange.import_file(
                    course,
                    data,
                    fmt=form.format.data or None,
                    filename=upload.filename or None,
                    category=form.category.data or None,
                    author_id=current_user.id,
                )
            except interchange.ImportFailed as failed:
                errors = failed.errors
            else:
                flash(
                    ngettext("Imported %(num)d question.", "Imported %(num)d questions.", imported.questions),
                    "success",
                )
                return redirect(url_for("bank.index", code=code))
    status = 400 if request.method == "POST" else 200
    return render_template("assessments/studio/import.html", course=course, form=form, errors=errors), status


@bp.get("/export")
def export(code: str):
    course = load_course(code)
    fmt = request.args.get("format", "")
    errors: list[str] = []
    if fmt in EXPORTS:
        try:
            data = interchange.export_file(course, fmt)
        except formats.ExportError as error:
            errors = error.messages
        else:
            _name, mimetype, suffix = EXPORTS[fmt]
            response = send_file(
                io.BytesIO(data),
                mimetype=mimetype,
                as_attachment=True,
                download_name=f"{course.code}-questions{suffix}",
                max_age=0,
            )
            response.cache_control.private = True
            response.cache_control.no_store = True
            return response
    elif fmt:
        abort(404)
    status = 400 if errors else 200
    return (
        render_template("assessments/studio/export.html", course=course, exports=EXPORTS, errors=errors, fmt=fmt),
        status,
    )
