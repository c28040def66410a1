"""The bank's list page (search, filters by category, type and tag, one page of questions) and its categories:
adding one, mapping it to a course outcome, renaming and deleting it (only an empty one)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from assessments import bank, items, queries
from assessments.forms import CategoryForm, OutcomeForm, RenameCategoryForm
from assessments.models import Question
from assessments.studio_views.blueprint import bp, load_category, outcome_choices
from courses.studio.blueprint import load_course
from lms.db import db
from lms.forms import ConfirmForm
from lms.web import ID_MAX, paginate


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
    category_form.outcome.choices = outcome_choices(course)
    outcome_forms = {}
    for found, _n in counts:
        form = OutcomeForm(prefix=f"c{found.id}")
        form.outcome.choices = outcome_choices(course, found.outcome)
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


# -- categories -------------------------------------------------------------------------------------------------
@bp.post("/categories")
def add_category(code: str):
    course = load_course(code)
    form = CategoryForm()
    form.outcome.choices = outcome_choices(course)
    if form.validate_on_submit():
        found = bank.category(course.id, form.path.data, form.outcome.data or "")
        flash(_("Category “%(name)s” saved.", name=found.path), "success")
    else:
        flash(_("Give the category a name."), "error")
    return redirect(url_for("bank.index", code=code))


@bp.post("/categories/<int:category_id>/outcome")
def category_outcome(code: str, category_id: int):
    course = load_course(code)
    found = load_category(course, category_id)
    form = OutcomeForm(prefix=f"c{found.id}")
    form.outcome.choices = outcome_choices(course, found.outcome)
    if not form.validate_on_submit():
        abort(400)
    found.outcome = form.outcome.data or ""
    db.session.flush()
    flash(_("“%(name)s” is mapped to its outcome.", name=found.path), "success")
    return redirect(url_for("bank.index", code=code))


@bp.route("/categories/<int:category_id>/rename", methods=["GET", "POST"])
def rename_category(code: str, category_id: int):
    course = load_course(code)
    found = load_category(course, category_id)
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
    found = load_category(course, category_id)
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
