"""The authoring studio: my courses, create a course, settings, co-authors, the outline (add, rename,
reorder, delete with confirmation) and publishing.

Every route checks ``course.edit`` (or ``course.create``/``studio.access``) through the one permission
helper; changes go through ``courses.studio.services`` and ``courses.services``.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courses import queries, services, versions
from courses.olx import kept
from courses.studio import services as studio
from courses.studio.blueprint import KIND_LABELS, addable_types, back_to, bp, draft_block, load_course, usage_in
from courses.studio.forms import AddBlockForm, CoAuthorForm, CourseForm, PublishForm, RenameForm
from courses.studio.links import course_pages
from lms.accounts import services as accounts
from lms.forms import ConfirmForm, add_error
from lms.permissions import permission_required, require
from lms.web import paginate
from lms.xblock_host.keys import UsageKey


@bp.get("/")
@permission_required("studio.access")
def index():
    page = paginate(queries.authored_by(current_user))
    return render_template("courses/studio/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("course.create")
def new_course():
    form = CourseForm()
    if request.method == "GET":
        form.language.data = current_user.language
    if form.validate_on_submit():
        try:
            course = services.create_course(
                code=form.code.data,
                title=form.title.data,
                owner=current_user,
                track=form.track.data,
                description=form.description.data or "",
                hours=form.hours.data,
                language=form.language.data,
                learning_outcomes=form.learning_outcomes.data or "",
            )
        except services.CourseError as error:
            add_error(form, error.field, error.message)
        else:
            flash(_("Course created. Add its first module below."), "success")
            return redirect(url_for("studio.course", code=course.code))
    status = 400 if request.method == "POST" else 200
    return render_template("courses/studio/course_form.html", form=form, course=None), status


@bp.get("/courses/<code>/")
def course(code: str):
    course = load_course(code)
    tree = studio.outline(course, current_user)
    return render_template(
        "courses/studio/outline.html",
        course=course,
        tree=tree,
        kind_labels=KIND_LABELS,
        confirm_form=ConfirmForm(),
        publish_form=PublishForm(),
        versions=versions.versions_of(course),
        kept_files=kept.kept_files(course),
        course_pages=course_pages(),
    )


@bp.route("/courses/<code>/settings", methods=["GET", "POST"])
def settings(code: str):
    course = load_course(code)
    form = CourseForm(obj=course)
    form.code.data = course.code  # permanent
    if form.validate_on_submit():
        try:
            services.update_course(
                course,
                title=form.title.data,
                description=form.description.data or "",
                track=form.track.data,
                hours=form.hours.data,
                language=form.language.data,
                learning_outcomes=form.learning_outcomes.data or "",
            )
            studio.rename_block(course, course.root_key, form.title.data, current_user)
        except (services.CourseError, studio.StudioError) as error:
            add_error(form, error.field, error.message)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("studio.course", code=course.code))
    status = 400 if request.method == "POST" else 200
    return render_template("courses/studio/course_form.html", form=form, course=course), status


@bp.route("/courses/<code>/authors", methods=["GET", "POST"])
def authors(code: str):
    course = load_course(code)
    form = CoAuthorForm()
    if form.validate_on_submit():
        require("course.manage_authors", course)
        user = accounts.get_by_email(form.email.data)
        if user is None:
            add_error(form, "email", _("No account uses this address."))
        else:
            try:
                services.add_co_author(course, user)
            except services.CourseError as error:
                add_error(form, error.field, error.message)
            else:
                flash(_("%(name)s can now edit this course.", name=user.name), "success")
                return redirect(url_for("studio.authors", code=code))
    status = 400 if request.method == "POST" else 200
    return (
        render_template("courses/studio/authors.html", course=course, form=form, confirm_form=ConfirmForm()),
        status,
    )


@bp.route("/courses/<code>/authors/<int:user_id>/remove", methods=["GET", "POST"])
def remove_author(code: str, user_id: int):
    course = load_course(code)
    require("course.manage_authors", course)
    author = next((a for a in course.authors if a.user_id == user_id), None) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.remove_co_author(course, user_id)
        except services.CourseError as error:
            flash(error.message, "error")
        else:
            flash(_("%(name)s removed from the authors.", name=author.user.name), "info")
        return redirect(url_for("studio.authors", code=code))
    return render_template(
        "confirm.html",
        form=form,
        title=_("Remove %(name)s from the authors of %(course)s?", name=author.user.name, course=course.title),
        message=_("They will no longer be able to edit this course."),
        cancel_url=url_for("studio.authors", code=code),
        danger=True,
    )


# --- the outline ------------------------------------------------------------------------------------


@bp.post("/courses/<code>/blocks/<usage_key>/add")
def add_block(code: str, usage_key: str):
    course = load_course(code)
    parent = usage_in(course, usage_key)
    form = AddBlockForm()
    form.block_type.choices = [(t, t) for t in addable_types(parent.block_type)]
    if not form.validate_on_submit():
        flash(_("Choose what to add."), "error")
        return redirect(back_to(course, parent))
    try:
        key = studio.add_block(course, str(parent), form.block_type.data, current_user, form.display_name.data)
    except studio.StudioError as error:
        flash(error.message, "error")
        return redirect(back_to(course, parent))
    child = UsageKey(key)
    if child.block_type == "vertical":
        return redirect(url_for("studio.unit", code=code, usage_key=key))
    if child.block_type not in studio.STRUCTURE:
        return redirect(url_for("studio.edit_block", code=code, usage_key=key))
    return redirect(back_to(course, child))


@bp.route("/courses/<code>/blocks/<usage_key>/rename", methods=["GET", "POST"])
def rename_block(code: str, usage_key: str):
    course = load_course(code)
    usage = usage_in(course, usage_key)
    block = draft_block(course, usage)
    form = RenameForm()
    if request.method == "GET":
        form.display_name.data = getattr(block, "display_name", "")
    if form.validate_on_submit():
        try:
            studio.rename_block(course, str(usage), form.display_name.data, current_user)
        except studio.StudioError as error:
            add_error(form, error.field or "display_name", error.message)
        else:
            flash(_("Renamed."), "success")
            return redirect(back_to(course, usage))
    status = 400 if request.method == "POST" else 200
    return render_template("courses/studio/rename.html", course=course, form=form, block=block, usage=usage), status


@bp.post("/courses/<code>/blocks/<usage_key>/move")
def move_block(code: str, usage_key: str):
    course = load_course(code)
    usage = usage_in(course, usage_key)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None or not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        studio.move_block(course, str(usage), offset, current_user)
    except studio.StudioError as error:
        flash(error.message, "error")
    return redirect(back_to(course, usage))


@bp.route("/courses/<code>/blocks/<usage_key>/delete", methods=["GET", "POST"])
def delete_block(code: str, usage_key: str):
    course = load_course(code)
    usage = usage_in(course, usage_key)
    block = draft_block(course, usage)
    back = back_to(course, usage) if usage.block_type not in studio.STRUCTURE else url_for("studio.course", code=code)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            count = studio.delete_block(course, str(usage), current_user)
        except studio.StudioError as error:
            flash(error.message, "error")
        else:
            deleted = ngettext(
                "Deleted (%(num)d item). Learners keep seeing it until you publish.",
                "Deleted (%(num)d items). Learners keep seeing it until you publish.",
                count,
            )
            flash(deleted, "info")
        return redirect(back)
    name = getattr(block, "display_name", "") or usage.block_type
    return render_template(
        "confirm.html",
        form=form,
        title=_("Delete “%(name)s”?", name=name),
        message=_("It is removed from the draft with everything inside it. Published versions are not changed."),
        cancel_url=back,
        danger=True,
        confirm_label=_("Delete"),
    )


# --- publishing -------------------------------------------------------------------------------------


@bp.post("/courses/<code>/publish")
def publish(code: str):
    course = load_course(code)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = versions.publish(course, current_user, form.note.data or "")
    except versions.PublishError as error:
        flash(error.message, "error")
    else:
        flash(_("Version %(n)d published: learners now see it.", n=version.number), "success")
    return redirect(url_for("studio.course", code=code))
