"""The instructor's index (the cohorts they may see, the courses with corrected questions) and a cohort's
attempts table: its filters and sort from the address, its pages and its CSV."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func

from assessments import cohort_table, grading, queries
from assessments.models import AttemptAnswer
from assessments.published import AssessmentInfo, published_assessments
from assessments.views.blueprint import bp, load_cohort
from courses.queries import authored_by
from lms.clock import utcnow
from lms.cohorts.models import Cohort
from lms.cohorts.queries import enrollment_counts, visible_cohorts
from lms.csv_export import csv_response
from lms.db import db
from lms.permissions import can, require
from lms.web import list_page


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
    cohort = load_cohort(cohort_id)
    assessments, args, rows = _table(cohort)
    learners = enrollment_counts([cohort.id]).get(cohort.id, 0)
    return render_template(
        "assessments/instructor/attempts.html",
        cohort=cohort,
        published=cohort.course.published_version_id is not None,
        assessments=assessments,
        args=args,
        page=list_page(rows, current_app.config["PAGE_SIZE"] * 2),
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
    cohort = load_cohort(cohort_id)
    _assessments, _args, rows = _table(cohort)
    return csv_response(f"attempts-{cohort.course.code}-cohort-{cohort.id}.csv", cohort_table.csv_lines(rows))
