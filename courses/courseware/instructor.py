"""The instructor's view of a cohort: a learner × module progress table, sortable, with CSV export.

All completion rows of the cohort's learners are read in one query, whatever the cohort's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from courses import progress
from courses.models import BlockCompletion
from courses.structure import Structure, published_structure
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.csv_export import csv_response
from lms.db import db
from lms.navigation import Link, register_cohort_link
from lms.permissions import require

bp = Blueprint("instructor", __name__)


def init_app(app) -> None:  # noqa: ANN001
    register_cohort_link("progress", _progress_link)


def _progress_link(cohort) -> Link | None:  # noqa: ANN001
    if cohort.course.published_version_id is None:
        return None
    return Link(str(_l("Progress")), url_for("instructor.cohort_progress", cohort_id=cohort.id))


@dataclass
class Row:
    user_id: int
    name: str
    email: str
    institution: str
    modules: list[int]  # percent per module
    total: int
    completed: bool


def progress_rows(cohort: Cohort, structure: Structure) -> list[Row]:
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE)
    ).all()
    user_ids = [e.user_id for e in enrollments]
    done: dict[int, dict[str, float]] = {uid: {} for uid in user_ids}
    if user_ids:
        rows = db.session.execute(
            select(BlockCompletion.user_id, BlockCompletion.usage_key, BlockCompletion.completion).where(
                BlockCompletion.course_id == cohort.course_id, BlockCompletion.user_id.in_(user_ids)
            )
        )
        for user_id, key, value in rows:
            done[user_id][key] = value
    result = []
    for enrollment in enrollments:
        user = enrollment.user
        learner = progress.course_progress(structure, done[user.id])
        result.append(
            Row(
                user_id=user.id,
                name=user.name,
                email=user.email,
                institution=user.institution.name if user.institution else "",
                modules=[module.percent for module in learner.modules],
                total=learner.percent,
                completed=learner.complete,
            )
        )
    return result


def sort_key(raw: str | None, module_count: int) -> str:
    """The column ``?sort=`` names: ``name``, ``total`` or ``m<i>`` for one of the course's modules; anything
    else (an old link, a hand-edited address) sorts by name, and the page shows that it does."""
    if raw == "total" or raw in {f"m{index}" for index in range(module_count)}:
        return raw
    return "name"


def _sorted(rows: list[Row], sort: str, descending: bool) -> list[Row]:
    if sort == "total":
        key = lambda r: (r.total, r.name.lower())  # noqa: E731
    elif sort.startswith("m"):
        index = int(sort[1:])
        key = lambda r: (r.modules[index], r.name.lower())  # noqa: E731
    else:
        key = lambda r: r.name.lower()  # noqa: E731
    return sorted(rows, key=key, reverse=descending)


def _load(cohort_id: int) -> tuple[Cohort, Structure]:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    require("course.view_progress", cohort)
    structure = published_structure(cohort.course)
    if structure is None:
        abort(404)
    return cohort, structure


@bp.get("/cohorts/<int:cohort_id>/progress")
def cohort_progress(cohort_id: int):
    cohort, structure = _load(cohort_id)
    sort = sort_key(request.args.get("sort"), len(structure.modules))
    descending = request.args.get("dir") == "desc"
    q = request.args.get("q", "").strip().lower()
    rows = progress_rows(cohort, structure)
    if q:
        rows = [r for r in rows if q in r.name.lower() or q in r.email.lower()]
    return render_template(
        "courses/instructor/progress.html",
        cohort=cohort,
        structure=structure,
        rows=_sorted(rows, sort, descending),
        sort=sort,
        descending=descending,
        q=q,
    )


@bp.get("/cohorts/<int:cohort_id>/progress.csv")
def cohort_progress_csv(cohort_id: int):
    cohort, structure = _load(cohort_id)
    rows = _sorted(progress_rows(cohort, structure), "name", False)
    header = [_("Name"), _("E-mail"), _("Institution")]
    header += [f"{m.title} (%)" for m in structure.modules] + [_("Course (%)"), _("Completed")]
    lines = (
        [row.name, row.email, row.institution, *row.modules, row.total, _("yes") if row.completed else _("no")]
        for row in rows
    )
    return csv_response(f"progress-{cohort.course.code}-cohort-{cohort.id}.csv", [header, *lines])
