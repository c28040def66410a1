"""The authoring studio: my courses, create a course, settings, co-authors, the outline (add, rename,
reorder, delete with confirmation), the unit editor, component editing (the block's ``studio_view`` when
it has one, else a form generated from its editable fields), learner preview, files and publishing.

Every route checks ``course.edit`` (or ``course.create``/``studio.access``) through the one permission
helper; changes go through ``courses.studio.services`` and ``courses.services``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional
from xblock.fields import Boolean, Dict, Float, Integer, List

from courses import assets, queries, services, versions
from courses.context import runtime_for
from courses.courseware.views import render_draft_unit
from courses.models import CourseAsset
from courses.studio import services as studio
from courses.studio.forms import AddBlockForm, AssetForm, CoAuthorForm, CourseForm, PublishForm, RenameForm
from lms.accounts import services as accounts
from lms.db import db
from lms.forms import ConfirmForm, add_error
from lms.navigation import register_menu_item
from lms.permissions import can, permission_required, require
from lms.web import paginate
from lms.xblock_host.context import DRAFT
from lms.xblock_host.keys import InvalidKey, UsageKey
from lms.xblock_host.page import page_parts

bp = Blueprint("studio", __name__, url_prefix="/studio", static_folder="static")

# Our own content types come first in the "add a component" list.
PREFERRED_COMPONENTS = ("html", "video", "resource", "skill_checklist", "procedure_log")
KIND_LABELS = {
    "chapter": _l("module"),
    "sequential": _l("lesson"),
    "vertical": _l("unit"),
}


def init_app(app) -> None:  # noqa: ANN001
    register_menu_item("studio", _l("Studio"), "studio.index", lambda u: can("studio.access", user=u), order=20)


def _course(code: str):
    course = queries.by_code(code)
    if course is None:
        abort(404)
    require("course.edit", course)
    return course


def _usage(course, key: str) -> UsageKey:
    try:
        usage = UsageKey(key)
    except InvalidKey:
        abort(404)
    if usage.context_key != course.code:
        abort(404)
    return usage


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
    course = _course(code)
    tree = studio.outline(course, current_user)
    return render_template(
        "courses/studio/outline.html",
        course=course,
        tree=tree,
        kind_labels=KIND_LABELS,
        confirm_form=ConfirmForm(),
        publish_form=PublishForm(),
        versions=versions.versions_of(course),
    )


@bp.route("/courses/<code>/settings", methods=["GET", "POST"])
def settings(code: str):
    course = _course(code)
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
    course = _course(code)
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
    course = _course(code)
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


def _back_to(course, usage: UsageKey) -> str:
    """After an outline action, return to the unit editor for components, else to the outline."""
    if usage.block_type not in studio.STRUCTURE:
        parent = runtime_for(course, current_user, DRAFT).get_block(usage).parent
        if parent:
            return url_for("studio.unit", code=course.code, usage_key=str(parent))
    anchor = f"#b-{usage.block_id}"
    return url_for("studio.course", code=course.code) + anchor


@bp.post("/courses/<code>/blocks/<usage_key>/add")
def add_block(code: str, usage_key: str):
    course = _course(code)
    parent = _usage(course, usage_key)
    form = AddBlockForm()
    form.block_type.choices = [(t, t) for t in _addable_types(parent.block_type)]
    if not form.validate_on_submit():
        flash(_("Choose what to add."), "error")
        return redirect(_back_to(course, parent))
    try:
        key = studio.add_block(course, str(parent), form.block_type.data, current_user, form.display_name.data)
    except studio.StudioError as error:
        flash(error.message, "error")
        return redirect(_back_to(course, parent))
    child = UsageKey(key)
    if child.block_type == "vertical":
        return redirect(url_for("studio.unit", code=code, usage_key=key))
    if child.block_type not in studio.STRUCTURE:
        return redirect(url_for("studio.edit_block", code=code, usage_key=key))
    return redirect(_back_to(course, child))


def _addable_types(parent_type: str) -> list[str]:
    if parent_type in studio.CHILD_TYPE:
        return [studio.CHILD_TYPE[parent_type]]
    if parent_type != "vertical":
        return []
    available = [t for t in current_app.extensions["xblock_types"].allowed_types() if t not in studio.STRUCTURE]
    preferred = [t for t in PREFERRED_COMPONENTS if t in available]
    return preferred + sorted(t for t in available if t not in preferred)


@bp.route("/courses/<code>/blocks/<usage_key>/rename", methods=["GET", "POST"])
def rename_block(code: str, usage_key: str):
    course = _course(code)
    usage = _usage(course, usage_key)
    block = _draft_block(course, usage)
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
            return redirect(_back_to(course, usage))
    status = 400 if request.method == "POST" else 200
    return render_template("courses/studio/rename.html", course=course, form=form, block=block, usage=usage), status


@bp.post("/courses/<code>/blocks/<usage_key>/move")
def move_block(code: str, usage_key: str):
    course = _course(code)
    usage = _usage(course, usage_key)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None or not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        studio.move_block(course, str(usage), offset, current_user)
    except studio.StudioError as error:
        flash(error.message, "error")
    return redirect(_back_to(course, usage))


@bp.route("/courses/<code>/blocks/<usage_key>/delete", methods=["GET", "POST"])
def delete_block(code: str, usage_key: str):
    course = _course(code)
    usage = _usage(course, usage_key)
    block = _draft_block(course, usage)
    back = _back_to(course, usage) if usage.block_type not in studio.STRUCTURE else url_for("studio.course", code=code)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            count = studio.delete_block(course, str(usage), current_user)
        except studio.StudioError as error:
            flash(error.message, "error")
        else:
            flash(_("Deleted (%(n)d items). Learners keep seeing it until you publish.", n=count), "info")
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


def _draft_block(course, usage: UsageKey):
    runtime = runtime_for(course, current_user, DRAFT)
    try:
        return studio.get_draft_block(runtime, course, str(usage))
    except studio.StudioError:
        abort(404)


# --- units and components ---------------------------------------------------------------------------


@bp.get("/courses/<code>/unit/<usage_key>")
def unit(code: str, usage_key: str):
    course = _course(code)
    usage = _usage(course, usage_key)
    if usage.block_type != "vertical":
        abort(404)
    runtime = runtime_for(course, current_user, DRAFT)
    try:
        vertical = studio.get_draft_block(runtime, course, str(usage))
    except studio.StudioError:
        abort(404)
    runtime.prefetch_user_state([usage, *vertical.children])
    components, fragments = [], []
    for child_key in vertical.children:
        child = runtime.get_block(child_key)
        view = "author_view" if hasattr(child, "author_view") else "student_view"
        try:
            fragment = runtime.render(child, view)
            html = fragment.content
            fragments.append(fragment)
        except Exception:  # noqa: BLE001 - show the author which component fails, keep the page
            current_app.logger.exception("preview of %s failed", child_key)
            html = None
        components.append({"key": str(child_key), "block": child, "html": html})
    from web_fragments.fragment import Fragment

    combined = Fragment()
    for fragment in fragments:
        combined.add_fragment_resources(fragment)
    add_form = AddBlockForm()
    add_form.block_type.choices = [(t, t) for t in _addable_types("vertical")]
    return render_template(
        "courses/studio/unit.html",
        course=course,
        unit=vertical,
        usage=usage,
        components=components,
        parts=page_parts(combined),
        add_form=add_form,
        confirm_form=ConfirmForm(),
    )


def _fields_form(block, data=None):
    """A WTForms form generated from the block's editable fields (for blocks without a studio_view)."""
    attrs = {}
    for name, field_obj in studio.editable_fields(block):
        label = field_obj.display_name or name.replace("_", " ").capitalize()
        help_text = field_obj.help or ""
        values = getattr(field_obj, "values", None)
        if isinstance(field_obj, Boolean):
            attrs[name] = BooleanField(label, description=help_text)
        elif isinstance(values, (list, tuple)) and values:
            choices = [
                (v.get("value"), v.get("display_name", v.get("value"))) if isinstance(v, dict) else (v, v)
                for v in values
            ]
            attrs[name] = SelectField(label, choices=choices, description=help_text)
        elif isinstance(field_obj, Integer):
            attrs[name] = IntegerField(label, validators=[Optional()], description=help_text)
        elif isinstance(field_obj, Float):
            attrs[name] = FloatField(label, validators=[Optional()], description=help_text)
        elif isinstance(field_obj, (List, Dict)) or name == "data" or getattr(field_obj, "multiline_editor", False):
            attrs[name] = TextAreaField(label, description=help_text)
        else:
            attrs[name] = StringField(label, description=help_text)
    attrs["submit"] = SubmitField(_l("Save"))
    form_class = type("BlockFieldsForm", (FlaskForm,), attrs)
    return form_class(formdata=data)


def _initial_value(field_obj, value):
    import json

    if isinstance(field_obj, (List, Dict)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return value


@bp.route("/courses/<code>/blocks/<usage_key>/edit", methods=["GET", "POST"])
def edit_block(code: str, usage_key: str):
    course = _course(code)
    usage = _usage(course, usage_key)
    block = _draft_block(course, usage)
    back = _back_to(course, usage)
    use_studio_view = hasattr(block, "studio_view") and request.args.get("form") != "1"
    if use_studio_view and request.method == "GET":
        runtime = block.runtime
        fragment = runtime.render(block, "studio_view")
        return render_template(
            "courses/studio/studio_view.html",
            course=course,
            block=block,
            usage=usage,
            parts=page_parts(fragment),
            back=back,
        )
    form = _fields_form(block, request.form if request.method == "POST" else None)
    if request.method == "GET":
        for name, field_obj in studio.editable_fields(block):
            getattr(form, name).data = _initial_value(field_obj, getattr(block, name))
    if request.method == "POST" and form.validate():
        raw = {name: request.form.get(name) for name, _f in studio.editable_fields(block)}
        errors = studio.save_fields(course, str(usage), raw, current_user)
        if not errors:
            flash(_("Saved."), "success")
            return redirect(back)
        for name, message in errors.items():
            add_error(form, name, message)
    status = 400 if request.method == "POST" else 200
    return (
        render_template("courses/studio/edit_form.html", course=course, block=block, usage=usage, form=form, back=back),
        status,
    )


@bp.get("/courses/<code>/preview/<usage_key>")
def preview(code: str, usage_key: str):
    course = _course(code)
    return render_draft_unit(course, str(_usage(course, usage_key)))


# --- publishing -------------------------------------------------------------------------------------


@bp.post("/courses/<code>/publish")
def publish(code: str):
    course = _course(code)
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


# --- files ------------------------------------------------------------------------------------------


@bp.route("/courses/<code>/files", methods=["GET", "POST"])
def files(code: str):
    course = _course(code)
    form = AssetForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            asset = assets.save_asset(course, upload.filename, upload.stream, upload.mimetype)
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
    course = _course(code)
    asset = db.session.scalar(select(CourseAsset).where(CourseAsset.id == asset_id, CourseAsset.course_id == course.id))
    if asset is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        assets.delete_asset(asset)
        flash(_("%(name)s deleted.", name=asset.filename), "info")
        return redirect(url_for("studio.files", code=code))
    return render_template(
        "confirm.html",
        form=form,
        title=_("Delete %(name)s?", name=asset.filename),
        message=_("Pages that show this file, including published ones, will show a broken link."),
        cancel_url=url_for("studio.files", code=code),
        danger=True,
        confirm_label=_("Delete"),
    )
