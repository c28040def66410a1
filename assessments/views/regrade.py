"""The regrade after a corrected key: a course's list of questions whose key changed since attempts answered
them, and one question's regrade (planned on GET, run on a confirmed POST). For those who edit the bank."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user, login_required

from assessments import grading, items
from assessments.forms import RegradeForm
from assessments.models import Question
from assessments.views.blueprint import bp
from courses.queries import by_code
from lms.db import db
from lms.permissions import require


def _course(code: str):  # noqa: ANN202
    course = by_code(code)
    if course is None:
        abort(404)
    require("course.edit", course)
    return course


@bp.get("/courses/<code>/regrade")
@login_required
def outdated(code: str):
    course = _course(code)
    outdated = grading.outdated_questions(course.id)
    # What a regrade would still change: nothing, once the question's attempts were regraded.
    pending = {o.question.id: grading.plan_regrade(o.question.id).answers_changed for o in outdated}
    return render_template("assessments/instructor/outdated.html", course=course, outdated=outdated, pending=pending)


def _question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        abort(404)
    require("assessment.regrade", question)
    return question


@bp.route("/questions/<int:question_id>/regrade", methods=["GET", "POST"])
@login_required
def regrade(question_id: int):
    question = _question(question_id)
    form = RegradeForm()
    outdated = grading.outdated_questions(question.course_id, question.id)
    kind = items.get(question.type)
    try:
        if request.method == "POST" and form.validate():
            summary = grading.regrade(question.id, current_user.id)
        else:
            summary = grading.plan_regrade(question.id)
    except grading.GradingRefused as refused:
        abort(409, refused.message)
    return render_template(
        "assessments/instructor/regrade.html",
        question=question,
        current=question.current_version,
        versions=outdated[0].versions if outdated else (),
        right_answer=lambda version: kind.right_answer(version.definition),
        summary=summary,
        form=form,
    ), (400 if request.method == "POST" and form.errors else 200)
