"""The studio's unit page and component editing: a block's own ``studio_view`` when it has one, else a
form generated from its editable fields; and the learner preview of a draft unit.
"""

import json

from flask import abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, FloatField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional
from xblock.exceptions import NoSuchViewError
from xblock.fields import Boolean, Dict, Float, Integer, List

from courses.context import runtime_for
from courses.courseware.unit_page import render_draft_unit
from courses.studio import catalogue, line_lists, step_list
from courses.studio import services as studio
from courses.studio.blueprint import addable_types, back_to, bp, draft_block, load_course, usage_in
from courses.studio.forms import AddBlockForm
from lms.forms import ConfirmForm, Form, add_error
from lms.xblock_host.context import DRAFT
from lms.xblock_host.page import page_parts
from lms.xblock_host.services import I18nService


@bp.get("/courses/<code>/unit/<usage_key>")
def unit(code: str, usage_key: str):
    course = load_course(code)
    usage = usage_in(course, usage_key)
    if usage.block_type != "vertical":
        abort(404)
    runtime = runtime_for(course, current_user, DRAFT)
    try:
        vertical = studio.get_draft_block(runtime, course, str(usage))
    except studio.StudioError:
        abort(404)
    runtime.prefetch_user_state([usage, *vertical.children])
    components, fragments, no_view = [], [], set()
    for child_key in vertical.children:
        child = runtime.get_block(child_key)
        view = "author_view" if hasattr(child, "author_view") else "student_view"
        try:
            fragment = runtime.render(child, view, {})  # a dict, as Open edX gives: blocks write into it (poll)
            html = fragment.content
            fragments.append(fragment)
        except NoSuchViewError:
            # A block with no view of its own (an xblock-sdk sample shown only inside another one): nothing
            # is broken, there is just nothing to show.
            html = ""
            no_view.add(str(child_key))
        except Exception:  # noqa: BLE001 - show the author which component fails, keep the page
            current_app.logger.exception("preview of %s failed", child_key)
            html = None
        kind = catalogue.describe(child.scope_ids.block_type)
        components.append(
            {"key": str(child_key), "block": child, "html": html, "kind": kind, "no_view": str(child_key) in no_view}
        )
    from web_fragments.fragment import Fragment

    combined = Fragment()
    for fragment in fragments:
        combined.add_fragment_resources(fragment)
    add_form = AddBlockForm()
    addable = addable_types("vertical")
    add_form.block_type.choices = [(t, t) for t in addable]
    return render_template(
        "courses/studio/unit.html",
        course=course,
        unit=vertical,
        usage=usage,
        components=components,
        parts=page_parts(combined),
        add_form=add_form,
        component_groups=catalogue.grouped(addable),
        confirm_form=ConfirmForm(),
    )


# (block type, field): HTML edited with the visual editor (static/html_editor.js) when JavaScript runs.
VISUAL_HTML_FIELDS = {("html", "data")}


def _html_editor_attributes() -> dict[str, str]:
    """The textarea's marks for the visual editor, and its toolbar's words in the author's language."""
    words = {
        "bold": _("Bold"),
        "italic": _("Italic"),
        "strike": _("Strikethrough"),
        "link": _("Link"),
        "heading1": _("Heading"),
        "quote": _("Quote"),
        "code": _("Code"),
        "bullets": _("Bullets"),
        "numbers": _("Numbers"),
        "outdent": _("Decrease level"),
        "indent": _("Increase level"),
        "undo": _("Undo"),
        "redo": _("Redo"),
        "url": _("Address"),
        "urlplaceholder": _("Enter an address…"),
        "unlink": _("Remove link"),
    }
    return {"rows": 12, "data-html-editor": "", **{f"data-label-{key}": word for key, word in words.items()}}


def field_labels(field_obj, name: str, translate) -> tuple[str, str]:  # noqa: ANN001
    """A field's label and help in the author's language: the field's own display name and help, through
    the block's catalogue (ours: the courses catalogue; a community block's: the one it ships). A field
    without a display name gets its name made readable ("max_attempts" → "Max attempts")."""
    # XBlock answers a field's own name when it was given no display name: make that one readable.
    own = field_obj.display_name if field_obj.display_name not in (None, "", name) else None
    label = translate(own) if own else name.replace("_", " ").capitalize()
    return label, translate(field_obj.help) if field_obj.help else ""


def _fields_form(block, data=None):
    """A WTForms form generated from the block's editable fields (for blocks without a studio_view)."""
    attrs = {}
    translate = I18nService(type(block), block.runtime.locale).ugettext
    for name, field_obj in studio.editable_fields(block):
        label, help_text = field_labels(field_obj, name, translate)
        values = getattr(field_obj, "values", None)
        if step_list.is_step_list(block, name):
            # The ids the step-list editor starts from: those it sent with a refused form, else the stored ones.
            sent_ids = data.get(step_list.ids_field(name)) if data is not None else None
            ids = sent_ids or json.dumps(step_list.step_ids(getattr(block, name)))
            hint = _("One step per line, in order. Start a line with ! for a must-pass step.")
            attrs[name] = TextAreaField(
                label,
                description=f"{help_text} {hint}".strip(),
                render_kw={
                    "rows": 10,
                    "data-step-list": "",
                    "data-step-ids": ids,
                    # The editor's own words, in the author's language.
                    "data-label-add": _("Add a step"),
                    "data-label-step": _("Step"),
                    "data-label-must": _("Must pass"),
                    "data-label-up": _("Move up"),
                    "data-label-down": _("Move down"),
                    "data-label-remove": _("Remove step"),
                },
            )
        elif (lines := line_lists.line_list(block, name)) is not None:
            attrs[name] = TextAreaField(label, description=f"{help_text} {lines.hint}".strip(), render_kw={"rows": 8})
        elif (block.scope_ids.block_type, name) in VISUAL_HTML_FIELDS:
            attrs[name] = TextAreaField(label, description=help_text, render_kw=_html_editor_attributes())
        elif isinstance(field_obj, Boolean):
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
    form_class = type("BlockFieldsForm", (Form,), attrs)
    return form_class(formdata=data)


def _initial_value(block, name, field_obj, value):  # noqa: ANN001
    if step_list.is_step_list(block, name):
        return step_list.to_lines(value)
    if (lines := line_lists.line_list(block, name)) is not None:
        return lines.to_lines(value)
    if isinstance(field_obj, (List, Dict)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return value


@bp.route("/courses/<code>/blocks/<usage_key>/edit", methods=["GET", "POST"])
def edit_block(code: str, usage_key: str):
    course = load_course(code)
    usage = usage_in(course, usage_key)
    block = draft_block(course, usage)
    back = back_to(course, usage)
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
            kind=catalogue.describe(usage.block_type),
        )
    form = _fields_form(block, request.form if request.method == "POST" else None)
    if request.method == "GET":
        for name, field_obj in studio.editable_fields(block):
            getattr(form, name).data = _initial_value(block, name, field_obj, getattr(block, name))
    if request.method == "POST" and form.validate():
        raw = {name: request.form.get(name) for name, _f in studio.editable_fields(block)}
        raw |= {
            step_list.ids_field(name): request.form.get(step_list.ids_field(name))
            for name, _f in studio.editable_fields(block)
            if step_list.is_step_list(block, name)
        }
        errors = studio.save_fields(course, str(usage), raw, current_user)
        if not errors:
            flash(_("Saved."), "success")
            return redirect(back)
        for name, message in errors.items():
            add_error(form, name, message)
    status = 400 if request.method == "POST" else 200
    names = [name for name, _f in studio.editable_fields(block)]
    return (
        render_template(
            "courses/studio/edit_form.html",
            course=course,
            block=block,
            usage=usage,
            form=form,
            back=back,
            kind=catalogue.describe(usage.block_type),
            step_list_editor=any(step_list.is_step_list(block, name) for name in names),
            html_editor=any((usage.block_type, name) in VISUAL_HTML_FIELDS for name in names),
        ),
        status,
    )


@bp.get("/courses/<code>/preview/<usage_key>")
def preview(code: str, usage_key: str):
    course = load_course(code)
    return render_draft_unit(course, str(usage_in(course, usage_key)))
