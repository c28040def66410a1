"""One question's actions beside its editor: previewing it as a learner sees it (with a seed to redraw its
shuffles), moving it to another category, and deleting it (with confirmation; an answered question is kept for
its attempts' results)."""

from __future__ import annotations

import random

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from assessments import bank, queries
from assessments.forms import MoveQuestionForm
from assessments.studio_views.blueprint import bp, load_item_type, load_question
from courses.studio.blueprint import load_course
from lms.forms import ConfirmForm


@bp.get("/<int:question_id>/preview")
def preview(code: str, question_id: int):
    course = load_course(code)
    question = load_question(course, question_id)
    item_type = load_item_type(question.type)
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
    question = load_question(course, question_id)
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
    question = load_question(course, question_id)
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
