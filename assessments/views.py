"""The instructor's pages of assessments: a cohort's attempts table (filter, sort, CSV), a learner's attempts
and accommodations, an attempt's answers, the manual-grading queue and its grading page, and the regrade of a
question whose key was corrected.

Who sees what follows the course's own roles (``assessments/rules.py``): a cohort's pages need ``course.assess``
on its course and ``course.view_progress`` on the cohort (admins, the course's owner and co-authors, the
cohort's instructors), and show only its actively enrolled learners; grading and accommodations are asked again
when they run, for the learner they concern (``assessment.grade``); a regrade is for those who edit the bank.
Views parse, check and call one service (``assessments.attempts``, ``assessments.grading``); the request's
transaction is committed by the framework.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from assessments import attempts, cohort_table, grading, items, queries
from assessments.errors import AttemptRefused
from assessments.forms import AccommodationForm, GradeForm, RegradeForm
from assessments.models import Accommodation, Attempt, AttemptAnswer, Question
from assessments.published import AssessmentInfo, assessment_of, published_assessments, settings_of
from assessments.rules import may_act_for
from courses.queries import authored_by, by_code
from lms.clock import utcnow
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.queries import enrollment_counts, visible_cohorts
from lms.csv_export import csv_response
from lms.dashboard import register_panel
from lms.db import db
from lms.navigation import Link, register_cohort_link, register_menu_item
from lms.permissions import can, require
from lms.web import ID_MAX, LAST_PAGE_NUMBER, paginate

bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="templates")


def init_app(app) -> None:  # noqa: ANN001
    from courses.studio.links import register_course_page

    register_menu_item("assessments", _l("Assessments"), "assessments.index", _has_cohorts, order=32)
    register_course_page("assessments.outdated", _l("Corrected questions"), order=55)
    register_cohort_link("assessments", _cohort_link)
    register_panel("grading", "assessments/panels/grading.html", _has_cohorts, _grading_panel, order=32)


def _has_cohorts(user) -> bool:  # noqa: ANN001
    # Only admins, authors and assessors can run or instruct cohorts: learners cost no query on every page.
    return can("cohort.list", user=user) and db.session.scalar(visible_cohorts(user).limit(1)) is not None


def _grading_panel(user) -> dict[str, Any] | None:  # noqa: ANN001
    waiting = queries.waiting_count(user)
    return {"waiting": waiting} if waiting else None


def _cohort_link(cohort: Cohort) -> Link | None:
    if not (can("course.assess", cohort.course) and can("course.view_progress", cohort)):
        return None
    if not published_assessments(cohort.course):
        return None
    return Link(str(_l("Assessments")), url_for("assessments.cohort_attempts", cohort_id=cohort.id))


# -- loading, with the permission checks ------------------------------------------------------------------
def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    require("course.assess", cohort.course)
    require("course.view_progress", cohort)
    return cohort


def _enrollment(cohort: Cohort, user_id: int) -> Enrollment:
    """The learner's active enrollment in the cohort: anyone else (withdrawn, another cohort's) is a 404."""
    enrollment = db.session.scalar(
        select(Enrollment).where(
            Enrollment.cohort_id == cohort.id,
            Enrollment.user_id == user_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
    )
    if enrollment is None:
        abort(404)
    return enrollment


def _attempt(attempt_id: int, permission: str) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    require(permission, attempt)
    return attempt


@dataclass
class ListPage:
    """One page of a list built in Python, with what ``_macros.pagination`` reads."""

    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _list_page(rows: list, per_page: int) -> ListPage:
    """The page ``?page=`` names; a malformed number shows the first page, one past the end the last."""
    pages = max(1, math.ceil(len(rows) / per_page))
    number = min(max(1, request.args.get("page", 1, type=int)), LAST_PAGE_NUMBER, pages)
    return ListPage(rows[(number - 1) * per_page : number * per_page], number, pages, len(rows))


# -- the index --------------------------------------------------------------------------------------------
@bp.get("/")
@login_required
def index():
    require("cohort.list")
    cohorts = db.session.scalars(visible_cohorts(current_user)).all()
    counts = enrollment_counts([c.id for c in cohorts])
    tests = {c.id: len(published_assessments(c.course)) for c in cohorts}
    courses = db.session.scalars(authored_by(current_user)).all() if can("studio.access") else []
    outdated = Counter(o.question.course_id for o in grading.outdated_questions([c.id for c in courses]))
    return render_template(
        "assessments/instructor/index.html",
        cohorts=cohorts,
        counts=counts,
        tests=tests,
        courses=[course for course in courses if outdated[course.id]],
        outdated=outdated,
        waiting=queries.waiting_count(current_user),
    )


# -- a cohort's attempts ----------------------------------------------------------------------------------
@dataclass
class TableArgs:
    assessment: str
    status: str
    sort: str
    descending: bool


def _table_args(assessments: list[AssessmentInfo]) -> TableArgs:
    """The filters and sort the address names; anything unknown (an old link, a hand-edited address) is
    dropped, and the page shows what it does use."""
    assessment = request.args.get("assessment", "")
    status = request.args.get("status", "")
    sort = request.args.get("sort", "name")
    return TableArgs(
        assessment=assessment if any(a.key == assessment for a in assessments) else "",
        status=status if status in cohort_table.STATUSES else "",
        sort=sort if sort in cohort_table.SORTS else "name",
        descending=request.args.get("dir") == "desc",
    )


def _table(cohort: Cohort) -> tuple[list[AssessmentInfo], TableArgs, list[cohort_table.Row]]:
    assessments = published_assessments(cohort.course)
    args = _table_args(assessments)
    rows = cohort_table.cohort_rows(cohort, assessments, utcnow())
    rows = cohort_table.filtered(rows, args.assessment, args.status)
    return assessments, args, cohort_table.sorted_rows(rows, args.sort, args.descending)


@bp.get("/cohorts/<int:cohort_id>/attempts")
@login_required
def cohort_attempts(cohort_id: int):
    cohort = _cohort(cohort_id)
    assessments, args, rows = _table(cohort)
    learners = enrollment_counts([cohort.id]).get(cohort.id, 0)
    return render_template(
        "assessments/instructor/attempts.html",
        cohort=cohort,
        published=cohort.course.published_version_id is not None,
        assessments=assessments,
        args=args,
        page=_list_page(rows, current_app.config["PAGE_SIZE"] * 2),
        learners=learners,
        statuses=cohort_table.STATUS_LABELS,
        waiting=db.session.scalar(
            queries.grading_queue(current_user, cohort_id=cohort.id)
            .order_by(None)
            .with_only_columns(func.count(AttemptAnswer.id))
        ),
    )


@bp.get("/cohorts/<int:cohort_id>/attempts.csv")
@login_required
def cohort_attempts_csv(cohort_id: int):
    cohort = _cohort(cohort_id)
    _assessments, _args, rows = _table(cohort)
    return csv_response(f"attempts-{cohort.course.code}-cohort-{cohort.id}.csv", cohort_table.csv_lines(rows))


# -- a learner: attempts and accommodations ---------------------------------------------------------------
def _learner_page(cohort: Cohort, enrollment: Enrollment, form: AccommodationForm | None = None, status: int = 200):
    assessments = published_assessments(cohort.course)
    learner = enrollment.user
    keys = [a.key for a in assessments]
    taken = db.session.scalars(
        select(Attempt)
        .where(Attempt.user_id == learner.id, Attempt.usage_key.in_(keys))
        .order_by(Attempt.usage_key, Attempt.number)
    ).all()
    granted = db.session.scalars(
        select(Accommodation)
        .where(Accommodation.user_id == learner.id, Accommodation.usage_key.in_(keys))
        .order_by(Accommodation.granted_at, Accommodation.id)
    ).all()
    rows = cohort_table.cohort_rows_for(enrollment, assessments, taken, utcnow())
    if form is None:
        form = _accommodation_form(assessments, formdata=None)
        if request.args.get("assessment") in keys:
            form.assessment.data = request.args["assessment"]
    return (
        render_template(
            "assessments/instructor/learner.html",
            cohort=cohort,
            learner=learner,
            rows=rows,
            granted=granted,
            titles={a.key: a.title for a in assessments},
            form=form,
            may_grant=may_act_for(current_user, learner.id, cohort.course),
        ),
        status,
    )


def _accommodation_form(assessments: list[AssessmentInfo], **kwargs: Any) -> AccommodationForm:
    form = AccommodationForm(**kwargs)
    form.assessment.choices = [(a.key, f"{a.title} ({a.kind_label})") for a in assessments]
    return form


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>")
@login_required
def learner(cohort_id: int, user_id: int):
    cohort = _cohort(cohort_id)
    return _learner_page(cohort, _enrollment(cohort, user_id))


@bp.post("/cohorts/<int:cohort_id>/learners/<int:user_id>/accommodations")
@login_required
def grant(cohort_id: int, user_id: int):
    """Two steps without JavaScript: the form's values are checked and shown for confirmation, and only the
    confirmed post records the accommodation."""
    cohort = _cohort(cohort_id)
    enrollment = _enrollment(cohort, user_id)
    if not may_act_for(current_user, user_id, cohort.course):
        abort(403)  # their own attempt, or a learner out of their reach since the page was shown
    assessments = published_assessments(cohort.course)
    form = _accommodation_form(assessments)
    if not form.validate():
        return _learner_page(cohort, enrollment, form, status=400)
    assessment = assessment_of(cohort.course, form.assessment.data)
    minutes, extra = form.extra_minutes.data or 0, form.extra_attempts.data or 0
    if form.confirmed.data != "yes":
        form.confirmed.data = "yes"
        return render_template(
            "assessments/instructor/confirm_grant.html",
            cohort=cohort,
            learner=enrollment.user,
            assessment=assessment,
            form=form,
            minutes=minutes,
            extra=extra,
        )
    try:
        attempts.grant(
            user_id, assessment.key, form.reason.data, current_user.id, extra_minutes=minutes, extra_attempts=extra
        )
    except AttemptRefused as refused:
        form.reason.errors = [*form.reason.errors, str(refused)]
        return _learner_page(cohort, enrollment, form, status=400)
    flash(_("Recorded for %(name)s on “%(title)s”.", name=enrollment.user.name, title=assessment.title), "success")
    return redirect(url_for("assessments.learner", cohort_id=cohort.id, user_id=user_id), code=303)


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
    found = _attempt(attempt_id, "assessment.review_attempt")
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


# -- regrade after a corrected key ------------------------------------------------------------------------
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
