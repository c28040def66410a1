"""The studio's course files: upload, list, delete (with confirmation)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from courses import assets
from courses.models import CourseAsset
from courses.studio.blueprint import bp, load_course
from courses.studio.forms import AssetForm
from lms.db import db
from lms.forms import ConfirmForm, add_error


@bp.route("/courses/<code>/files", methods=["GET", "POST"])
def files(code: str):
    course = load_course(code)
    form = AssetForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            asset = assets.save_asset(course, upload.filename, upload.stream)
        except assets.AssetError as error:
            add_error(form, "file", error.message)
        else:
            flash(_("%(name)s uploaded. Refer to it as /static/%(name)s.", name=asset.filename), "success")
            return redirect(url_for("studio.files", code=code))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "courses/studio/files.html",
            course=course,
            form=form,
            files=assets.assets_of(course),
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@bp.route("/courses/<code>/files/<int:asset_id>/delete", methods=["GET", "POST"])
def delete_file(code: str, asset_id: int):
    course = load_course(code)
    asset = db.session.scalar(select(CourseAsset).where(CourseAsset.id == asset_id, CourseAsset.course_id == course.id))
    if asset is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        assets.delete_asset(course, asset)
        flash(_("%(name)s deleted.", name=asset.filename), "info")
        return redirect(url_for("studio.files", code=code))
    return render_template(
        "confirm.html",
        form=form,
        title=_("Delete %(name)s?", name=asset.filename),
        message=_(
            "Draft pages that show this file will show a broken link; learners keep the published copy until "
            "you publish again."
        ),
        cancel_url=url_for("studio.files", code=code),
        danger=True,
        confirm_label=_("Delete"),
    )
