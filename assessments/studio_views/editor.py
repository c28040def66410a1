"""Adding and editing a question: choosing its type, the question form with the type's own editor
(``assessments/items/editing.py``), and saving it through ``assessments.bank``. The type's ``normalise`` errors
are shown beside the form with a 400 and nothing saved; "Add rows" shows the form again with more empty rows."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from assessments import bank, items
from assessments.forms import QuestionForm
from assessments.items import editing
from assessments.models import Question
from assessments.studio_views.blueprint import bp, load_item_type, load_question
from courses.studio.blueprint import load_course


@bp.get("/new")
def choose_type(code: str):
    course = load_course(code)
    return render_template(
        "assessments/studio/choose_type.html",
        course=course,
        types=items.all_types(),
        category=request.args.get("category", ""),
    )


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
    return _edit_page(course, load_item_type(type_name), None)


@bp.route("/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(code: str, question_id: int):
    course = load_course(code)
    question = load_question(course, question_id)
    return _edit_page(course, load_item_type(question.type), question)
