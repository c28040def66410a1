"""The instructor pages' blueprint, its menu item, cohort link and dashboard panel, and what every page of it
shares: loading a cohort, a learner's enrollment or an attempt with the permission checks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assessments import queries
from assessments.models import Attempt
from assessments.published import published_assessments
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.queries import visible_cohorts
from lms.dashboard import register_panel
from lms.db import db
from lms.navigation import Link, register_cohort_link, register_menu_item
from lms.permissions import can, require

# The pages are in this package's modules, the templates in assessments/templates.
bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="../templates")


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
def load_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    require("course.assess", cohort.course)
    require("course.view_progress", cohort)
    return cohort


def load_enrollment(cohort: Cohort, user_id: int) -> Enrollment:
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


def load_attempt(attempt_id: int, permission: str) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404)
    require(permission, attempt)
    return attempt
