"""API: cohorts and their enrollments. A cohort and its learners are read by those who run it (admins, the
course's owner and co-authors) and its instructors; only those who run it enroll (``lms/cohorts/rules.py``)."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask_login import current_user
from flask_smorest import Page
from flask_smorest import abort as smorest_abort

from lms.api import UtcDateTime, api_blueprint
from lms.cohorts import queries, services
from lms.cohorts.models import Cohort
from lms.db import db
from lms.permissions import require
from lms.web import LAST_PAGE_NUMBER

blp = api_blueprint(
    "api_cohorts", __name__, description="Cohorts (a course offered at an institution) and enrollments."
)


class CohortSchema(ma.Schema):
    id = ma.fields.Int()
    name = ma.fields.Str()
    course_id = ma.fields.Int()
    course_title = ma.fields.Function(lambda c: c.course.title)
    institution_id = ma.fields.Int()
    institution = ma.fields.Function(lambda c: c.institution.name)
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    instructors = ma.fields.Function(lambda c: [u.email for u in c.instructors])


class EnrollmentSchema(ma.Schema):
    id = ma.fields.Int()
    user_id = ma.fields.Int()
    email = ma.fields.Function(lambda e: e.user.email)
    name = ma.fields.Function(lambda e: e.user.name)
    status = ma.fields.Str()
    enrolled_at = UtcDateTime()


class EnrollArgsSchema(ma.Schema):
    email = ma.fields.Email(required=True)
    name = ma.fields.Str(
        load_default=None, metadata={"description": "Needed only when the account does not exist yet."}
    )


class EnrollResultSchema(ma.Schema):
    enrollment = ma.fields.Nested(EnrollmentSchema)
    account_created = ma.fields.Bool()
    newly_enrolled = ma.fields.Bool()


class SQLPage(Page):
    """smorest's pager over a SQLAlchemy select, paged by Flask-SQLAlchemy's ``db.paginate`` (a count and
    the rows; smorest's own Page slices the collection, which a select cannot be). A page past the end
    is an empty list, as smorest's metadata (no ``page`` key then) describes it."""

    def __init__(self, collection, page_params):  # noqa: ANN001 - smorest's signature
        number = min(page_params.page, LAST_PAGE_NUMBER)  # smorest checks >= 1, not an upper bound
        self._page = db.paginate(
            collection, page=number, per_page=page_params.page_size, max_per_page=None, error_out=False
        )
        super().__init__(collection, page_params)

    @property
    def item_count(self) -> int:
        return self._page.total

    @property
    def items(self) -> list:
        return self._page.items


def _cohort(cohort_id: int, permission: str = "cohort.view") -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404, "No cohort with this id.")
    require(permission, cohort)
    return cohort


@blp.route("")
@blp.response(200, CohortSchema(many=True))
@blp.paginate(SQLPage)
def list_cohorts():
    """Cohorts the caller instructs or runs as the course's owner or co-author (all cohorts for an admin),
    newest first. Paginated."""
    require("cohort.list")
    return queries.visible_cohorts(current_user)


@blp.route("/<int:cohort_id>")
@blp.response(200, CohortSchema)
def get_cohort(cohort_id: int):
    """One cohort."""
    return _cohort(cohort_id)


@blp.route("/<int:cohort_id>/enrollments")
@blp.response(200, EnrollmentSchema(many=True))
@blp.paginate(SQLPage)
def list_enrollments(cohort_id: int):
    """Active enrollments of a cohort, by learner name. Paginated."""
    return queries.cohort_enrollments(_cohort(cohort_id))


@blp.route("/<int:cohort_id>/enrollments", methods=["POST"])
@blp.arguments(EnrollArgsSchema)
@blp.response(201, EnrollResultSchema)
def enroll(args, cohort_id: int):
    """Enroll a learner by e-mail, creating a learner account when a name is given for a new address. For
    admins and the course's owner and co-authors."""
    cohort = _cohort(cohort_id, "cohort.manage")
    try:
        enrollment, created, new = services.enroll_by_email(cohort, args["email"], args.get("name"))
    except services.CohortError as error:
        # The same shape as a schema validation error: {"errors": {"json": {field: [message]}}}.
        smorest_abort(422, message=error.message, errors={"json": {error.field or "_schema": [error.message]}})
    return {"enrollment": enrollment, "account_created": created, "newly_enrolled": new}
