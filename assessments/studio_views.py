"""The studio's question bank of a course: the list (search, filters, categories and their outcomes), adding
and editing a question through its type's editor, previewing it as a learner sees it, moving, deleting
(with confirmation; an answered question is kept), importing a question file and exporting the bank.

Every page checks ``course.edit`` through the studio's ``load_course``; every change goes through
``assessments.bank`` or ``assessments.interchange``. The type's part of the question form is the type's
editor (``assessments/items/editing.py``); its errors are the type's ``normalise`` errors, shown beside the
form with a 400 and nothing saved. No JavaScript: "Add rows" is a submit button that shows the form again.
"""

from __future__ import annotations

import io
import random
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments import bank, formats, interchange, items, queries
from assessments.forms import (
    CategoryForm,
    ImportForm,
    MoveQuestionForm,
    OutcomeForm,
    QuestionForm,
    RenameCategoryForm,
)
from assessments.items import editing
from assessments.models import Question, QuestionCategory
from courses.studio.blueprint import load_course
from lms.db import db
from lms.forms import ConfirmForm
from lms.web import ID_MAX, paginate

bp = Blueprint("bank", __name__, url_prefix="/studio/courses/<code>/questions", template_folder="templates")
EXPORTS = {"gift": ("GIFT", "text/plain", ".txt"), "moodlexml": ("Moodle XML", "application/xml", ".xml")}


def init_app(app) -> None:  # noqa: ANN001
    from courses.studio.links import register_course_page

    app.register_blueprint(bp)
    register_course_page("bank.index", _l("Question bank"), order=50)


def _question(course, question_id: int) -> Question:  # noqa: ANN001
    question = db.session.scalar(select(Question).where(Question.id == question_id, Question.course_id == course.id))
    if question is None or question.current_version is None:
        abort(404)
    return question


def _category(course, category_id: int) -> QuestionCategory:  # noqa: ANN001
    found = db.session.scalar(
        select(QuestionCategory).where(QuestionCategory.id == category_id, QuestionCategory.course_id == course.id)
    )
    if found is None:
        abort(404)
    return found


def _outcome_choices(course, current: str = "") -> list[tuple[str, str]]:  # noqa: ANN001
    outcomes = course.outcomes
    choices = [("", _("No outcome"))] + [(o, o) for o in outcomes]
    if current and current not in outcomes:  # an outcome since removed from the course: still shown
        choices.append((current, current))
    return choices


# -- the list -------------------------------------------------------------------------------------------------
@bp.get("/")
def index(code: str):
    course = load_course(code)
    search = request.args.get("q", "").strip()[:200]
    category_id = request.args.get("category", type=int)
    category_id = category_id if category_id is not None and 0 < category_id <= ID_MAX else None  # no id is larger
    type_ = request.args.get("type", "")
    type_ = type_ if type_ in {t.name for t in items.all_types()} else ""
    tag = request.args.get("tag", "").strip()[:40]
    stmt = queries.bank_questions(course.id, search, category_id, type_, tag)
    # each row shows its category and version number: loaded with the page, not one query per row
    page = paginate(stmt.options(selectinload(Question.category), selectinload(Question.current_version)))
    counts = queries.category_counts(course.id)
    category_form = CategoryForm()
    category_form.outcome.choices = _outcome_choices(course)
    outcome_forms = {}
    for found, _n in counts:
        form = OutcomeForm(prefix=f"c{found.id}")
        form.outcome.choices = _outcome_choices(course, found.outcome)
        form.outcome.data = found.outcome
        outcome_forms[found.id] = form
    filtered = bool(search or category_id or type_ or tag)
    return render_template(
        "assessments/studio/bank.html",
        course=course,
        page=page,
        answered=queries.answered([q.id for q in page.items]),
        types={t.name: t for t in items.all_types()},
        counts=counts,
        total=sum(n for _c, n in counts),
        category_form=category_form,
        outcome_forms=outcome_forms,
        filters={"q": search, "category": category_id, "type": type_, "tag": tag},
        filtered=filtered,
    )


@bp.post("/categories")
def add_category(code: str):
    course = load_course(code)
    form = CategoryForm()
    form.outcome.choices = _outcome_choices(course)
    if form.validate_on_submit():
        found = bank.category(course.id, form.path.data, form.outcome.data or "")
        flash(_("Category “%(name)s” saved.", name=found.path), "success")
    else:
        flash(_("Give the category a name."), "error")
    return redirect(url_for("bank.index", code=code))


@bp.post("/categories/<int:category_id>/outcome")
def category_outcome(code: str, category_id: int):
    course = load_course(code)
    found = _category(course, category_id)
    form = OutcomeForm(prefix=f"c{found.id}")
    form.outcome.choices = _outcome_choices(course, found.outcome)
    if not form.validate_on_submit():
        abort(400)
    found.outcome = form.outcome.data or ""
    db.session.flush()
    flash(_("“%(name)s” is mapped to its outcome.", name=found.path), "success")
    return redirect(url_for("bank.index", code=code))


@bp.route("/categories/<int:category_id>/rename", methods=["GET", "POST"])
def rename_category(code: str, category_id: int):
    course = load_course(code)
    found = _category(course, category_id)
    form = RenameCategoryForm()
    if request.method == "GET":
        form.path.data = found.path
    if form.validate_on_submit():
        try:
            bank.rename_category(found, form.path.data)
        except bank.BankError as refused:
            form.path.errors = [*form.path.errors, refused.errors[0]]
        else:
            flash(_("Category renamed “%(name)s”.", name=found.path), "success")
            return redirect(url_for("bank.index", code=code))
    status = 400 if request.method == "POST" else 200
    return render_template("assessments/studio/rename_category.html", course=course, category=found, form=form), status


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
def delete_category(code: str, category_id: int):
    course = load_course(code)
    found = _category(course, category_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            bank.delete_category(found)
        except bank.BankError as refused:
            error = refused.errors[0]
        else:
            flash(_("Category “%(name)s” deleted.", name=found.path), "info")
            return redirect(url_for("bank.index", code=code))
    page = render_template(
        "confirm.html",
        form=form,
        title=_("Delete the category “%(name)s”?", name=found.path),
        message=_("Only an empty category can be deleted."),
        error=error,
        cancel_url=url_for("bank.index", code=code),
        danger=True,
        confirm_label=_("Delete"),
    )
    return page, (409 if error else 200)


# -- adding and editing -----------------------------------------------------------------------------------------
@bp.get("/new")
def choose_type(code: str):
    course = load_course(code)
    return render_template(
        "assessments/studio/choose_type.html",
        course=course,
        types=items.all_types(),
        category=request.args.get("category", ""),
    )


def _item_type(name: str):  # noqa: ANN202
    try:
        return items.get(name)
    except items.ItemInvalid:
        abort(404)


def _shown_rows(item_type, values: dict[str, Any], add: str | None, fresh: bool) -> dict[str, int]:  # noqa: ANN001
    """How many rows of each list to show: those filled, plus a few empty ones (more for "Add rows")."""
    counts = {}
    for rows in item_type.editor.rows if item_type.editor else ():
        filled = len(values.get(rows.key) or [])
        extra = editing.ADD_ROWS if rows.key == add else (editing.EMPTY_ROWS if fresh else 0)
        counts[rows.key] = filled + extra
    return counts


def _editor_values(item_type) -> dict[str, Any]:  # noqa: ANN001
    if item_type.editor is None:
        return {"format": request.form.get("g-format", editing.JSON), "text": request.form.get("g-text", "")}
    return editing.submitted_values(item_type.editor, request.form)


def _edit_page(course, item_type, question: Question | None):  # noqa: ANN001, C901, ANN202
    form = QuestionForm()
    errors: list[str] = []
    add = None
    fresh = request.method == "GET"
    if request.method == "GET":
        definition = question.current_version.definition if question else None
        values = item_type.to_form(definition)
        if question:
            form.title.data = question.title
            form.category.data = question.category.path
            form.tags.data = ", ".join(question.tags)
            form.difficulty.data = question.difficulty or ""
            form.stem.data = definition.get("stem", "")
            form.general_feedback.data = definition.get("general_feedback", "")
            form.default_mark.data = f"{definition.get('default_mark', 1):g}"
        else:
            form.category.data = request.args.get("category") or bank.DEFAULT_CATEGORY
    else:
        values = _editor_values(item_type)
        add = next((key[len("add-") :] for key in request.form if key.startswith("add-")), None)
    status = 200
    if request.method == "POST" and add is None:
        if form.validate_on_submit():
            saved = _save(course, item_type, question, form, errors)
            if saved is not None:
                return saved
        status = 400
    return (
        render_template(
            "assessments/studio/edit.html",
            course=course,
            item_type=item_type,
            question=question,
            form=form,
            values=values,
            rows_shown=_shown_rows(item_type, values, add, fresh),
            errors=errors,
            drawn=bool(question and bank.is_drawn(question.current_version_id)),
            generic_labels=editing.GENERIC_LABELS,
            editing=editing,
        ),
        status,
    )


def _save(course, item_type, question: Question | None, form: QuestionForm, errors: list[str]):  # noqa: ANN001, ANN202
    """Check the definition with its type, then save it; None (with ``errors`` filled) when refused."""
    try:
        own = item_type.from_form(request.form)
        if item_type.editor is None and question is not None:
            own = editing.keep_ids(question.current_version.definition, own)
        definition = {
            **own,
            "type": item_type.name,
            "stem": form.stem.data or "",
            "general_feedback": form.general_feedback.data or "",
            "default_mark": (form.default_mark.data or "").replace(",", "."),
        }
        item_type.normalise(dict(definition))  # every problem at once, without the bank's numbering
        if question is None:
            question = bank.add_question(
                course.id,
                bank.NewQuestion(
                    definition,
                    category=form.category.data,
                    title=form.title.data or "",
                    tags=tuple(bank.tags_of(form.tags.data or "")),
                    difficulty=form.difficulty.data or None,
                ),
                author_id=current_user.id,
            )
            flash(_("Question added."), "success")
        else:
            before = question.current_version_id
            version = bank.save_question(
                question,
                definition,
                author_id=current_user.id,
                title=form.title.data or "",
                tags=form.tags.data or "",
                difficulty=form.difficulty.data or "",
            )
            if bank.normalise_path(form.category.data) != question.category.path:
                bank.move_question(question, form.category.data)
            if version.id != before:
                flash(_("Saved as version %(n)s; attempts keep the version they drew.", n=version.number), "success")
            else:
                flash(_("Question saved."), "success")
    except (items.ItemInvalid, bank.BankError) as invalid:
        errors.extend(invalid.errors)
        return None
    return redirect(url_for("bank.index", code=course.code) + f"#q-{question.id}")


@bp.route("/new/<type_name>", methods=["GET", "POST"])
def new_question(code: str, type_name: str):
    course = load_course(code)
    return _edit_page(course, _item_type(type_name), None)


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(code: str, question_id: int):
    course = load_course(code)
    question = _question(course, question_id)
    return _edit_page(course, _item_type(question.type), question)


# -- preview, move, delete ----------------------------------------------------------------------------------------
@bp.get("/<int:question_id>/preview")
def preview(code: str, question_id: int):
    course = load_course(code)
    question = _question(course, question_id)
    item_type = _item_type(question.type)
    definition = question.current_version.definition
    seed = request.args.get("seed", type=int) or 1
    return render_template(
        "assessments/studio/preview.html",
        course=course,
        question=question,
        item_type=item_type,
        item=item_type.present(definition, random.Random(seed)),
        right_answer=item_type.right_answer(definition) if item_type.scored else "",
        general_feedback=definition.get("general_feedback", ""),
        next_seed=seed + 1,
    )


@bp.route("/<int:question_id>/move", methods=["GET", "POST"])
def move(code: str, question_id: int):
    course = load_course(code)
    question = _question(course, question_id)
    form = MoveQuestionForm()
    if request.method == "GET":
        form.category.data = question.category.path
    if form.validate_on_submit():
        bank.move_question(question, form.category.data)
        flash(_("Moved to “%(name)s”.", name=question.category.path), "success")
        return redirect(url_for("bank.index", code=code))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "assessments/studio/move.html",
            course=course,
            question=question,
            form=form,
            categories=bank.categories(course.id),
        ),
        status,
    )


@bp.route("/<int:question_id>/delete", methods=["GET", "POST"])
def delete(code: str, question_id: int):
    course = load_course(code)
    question = _question(course, question_id)
    form = ConfirmForm()
    answered = question.id in queries.answered([question.id])
    error = _("This question has been answered in attempts: it is kept for their results.") if answered else None
    if form.validate_on_submit() and not answered:
        try:
            bank.delete_question(question)
        except bank.BankError as refused:
            error = refused.errors[0]
        else:
            flash(_("Question “%(title)s” deleted.", title=question.title), "info")
            return redirect(url_for("bank.index", code=code))
    status = 409 if (error and request.method == "POST") else 200
    return (
        render_template(
            "assessments/studio/delete.html",
            course=course,
            question=question,
            form=form,
            error=error,
        ),
        status,
    )


# -- import and export -------------------------------------------------------------------------------------------
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
