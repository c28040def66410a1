"""A learner's page in a cohort: their attempts at the course's published assessments and the accommodations
granted to them, and granting one (checked, confirmed, then recorded)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from assessments import attempts, cohort_table
from assessments.errors import AttemptRefused
from assessments.forms import AccommodationForm
from assessments.models import Accommodation, Attempt
from assessments.published import AssessmentInfo, assessment_of, published_assessments
from assessments.rules import may_act_for
from assessments.views.blueprint import bp, load_cohort, load_enrollment
from lms.clock import utcnow
from lms.cohorts.models import Cohort, Enrollment
from lms.db import db


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
    cohort = load_cohort(cohort_id)
    return _learner_page(cohort, load_enrollment(cohort, user_id))


@bp.post("/cohorts/<int:cohort_id>/learners/<int:user_id>/accommodations")
@login_required
def grant(cohort_id: int, user_id: int):
    """Two steps without JavaScript: the form's values are checked and shown for confirmation, and only the
    confirmed post records the accommodation."""
    cohort = load_cohort(cohort_id)
    enrollment = load_enrollment(cohort, user_id)
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
