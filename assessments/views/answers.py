"""One attempt's answers as staff see them, and manual grading: the queue of answers waiting for a person's
grade and the page that grades one (kept from overwriting a grade given meanwhile)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from assessments import grading, items, queries
from assessments.forms import GradeForm
from assessments.models import AttemptAnswer
from assessments.published import settings_of
from assessments.views.blueprint import bp, load_attempt
from lms.cohorts.models import Cohort
from lms.db import db
from lms.permissions import can, require
from lms.web import ID_MAX, paginate


# -- one attempt ------------------------------------------------------------------------------------------
@dataclass
class AnswerView:
    answer: AttemptAnswer
    stem: str
    response: str
    right_answer: str
    manual: bool
    scored: bool

    @property
    def points(self) -> float | None:
        return None if self.answer.fraction is None else self.answer.fraction * self.answer.max_mark


def answer_view(answer: AttemptAnswer) -> AnswerView:
    """An answer as staff see it: with the version the learner answered, in plain text, and its key."""
    definition = answer.version.definition
    kind = items.get(definition["type"])
    answered = answer.response not in (None, "", [], {})
    return AnswerView(
        answer=answer,
        stem=definition.get("stem", ""),
        response=kind.response_text(definition, answer.response) if answered and kind.scored else "",
        right_answer=kind.right_answer(definition) if kind.scored else "",
        manual=kind.manual,
        scored=kind.scored,
    )


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    found = load_attempt(attempt_id, "assessment.review_attempt")
    return render_template(
        "assessments/instructor/attempt.html",
        attempt=found,
        assessment=settings_of(found.course, found.usage_key),
        answers=[answer_view(a) for a in found.answers],
        may_grade=can("assessment.grade", found) and found.state == "submitted",
    )


# -- manual grading ---------------------------------------------------------------------------------------
@bp.get("/grading")
@login_required
def grading_queue():
    require("cohort.list")
    cohort_id = request.args.get("cohort", type=int)
    cohort = db.session.get(Cohort, cohort_id) if cohort_id and 0 < cohort_id <= ID_MAX else None
    if cohort is not None and not can("course.view_progress", cohort):
        cohort = None
    page = paginate(queries.grading_queue(current_user, cohort_id=cohort.id if cohort else None))
    return render_template(
        "assessments/instructor/grading_queue.html",
        page=page,
        cohort=cohort,
        titles=lambda answer: settings_of(answer.attempt.course, answer.attempt.usage_key).title,
    )


def _gradable(answer_id: int) -> AttemptAnswer:
    answer = db.session.get(AttemptAnswer, answer_id)
    if answer is None or not items.get(answer.version.definition["type"]).manual:
        abort(404)  # only answers a person grades have a grading page
    require("assessment.grade", answer.attempt)
    return answer


def _grading_page(answer: AttemptAnswer, form: GradeForm, status: int = 200, problem: str | None = None):
    definition = answer.version.definition
    return (
        render_template(
            "assessments/instructor/grade.html",
            answer=answer,
            attempt=answer.attempt,
            assessment=settings_of(answer.attempt.course, answer.attempt.usage_key),
            stem=definition.get("stem", ""),
            text=answer.response or "",
            grader_info=definition.get("grader_info", ""),
            form=form,
            problem=problem,
        ),
        status,
    )


def _seen(answer: AttemptAnswer) -> str:
    return answer.graded_at.isoformat() if answer.graded_at else ""


@bp.get("/grading/<int:answer_id>")
@login_required
def grade(answer_id: int):
    answer = _gradable(answer_id)
    form = GradeForm(formdata=None)
    form.seen.data = _seen(answer)
    if answer.fraction is not None:
        form.score.data = f"{answer.fraction * answer.max_mark:g}"
        form.comment.data = answer.comment
    return _grading_page(answer, form)


@bp.post("/grading/<int:answer_id>")
@login_required
def save_grade(answer_id: int):
    answer = _gradable(answer_id)
    form = GradeForm()
    if not form.validate():
        return _grading_page(answer, form, status=400)
    try:
        seen = datetime.fromisoformat(form.seen.data) if form.seen.data else None
    except ValueError:
        seen = None
    try:
        grading.grade_answer(answer, form.score.data, form.comment.data, current_user.id, seen_graded_at=seen)
    except grading.GradingRefused as refused:
        # Nothing was written; the answer was read again under the attempt's lock (someone's grade included).
        if refused.field:
            getattr(form, refused.field).errors.append(refused.message)
            return _grading_page(answer, form, status=refused.status)
        fresh = GradeForm(formdata=None)
        fresh.seen.data = _seen(answer)
        if answer.fraction is not None:
            fresh.score.data, fresh.comment.data = f"{answer.fraction * answer.max_mark:g}", answer.comment
        return _grading_page(answer, fresh, status=refused.status, problem=refused.message)
    flash(_("Grade saved."), "success")
    following = db.session.scalar(queries.grading_queue(current_user).limit(1))
    if following is not None:
        return redirect(url_for("assessments.grade", answer_id=following.id), code=303)
    return redirect(url_for("assessments.grading_queue"), code=303)
