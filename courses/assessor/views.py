"""The assessor's workspace: the cohorts I assess, a cohort's learners against the skill checklists and
procedure logbooks of its published course, and one learner's block in its ``assessor_view``.

These pages only read. Every change (a sign-off, a verified entry) goes through the block's own handler,
whose URL is signed for this assessor and this learner; the XBlock host checks again that the assessor
may act for the learner (``can_act_for``) and the block checks the role the runtime gives it, so a page
that was never shown cannot be bypassed by calling the handler.

Who may assess a cohort: admins, the course's owner and co-authors, and the cohort's instructors (assigned by
those): ``course.assess`` on the course and ``course.view_progress`` on the cohort; and a learner only while
actively enrolled in it (``can_act_for``, asked again by the handler route at call time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from courses.context import course_context, runtime_for
from courses.models import Course
from courses.versions import snapshot_store
from lms import caches
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus
from lms.cohorts.queries import cohort_enrollments, enrollment_counts, visible_cohorts
from lms.db import db
from lms.navigation import Link, register_cohort_link, register_menu_item
from lms.permissions import can, require
from lms.xblock_host.context import PUBLISHED
from lms.xblock_host.models import XBlockField
from lms.xblock_host.page import page_parts

bp = Blueprint("assessor", __name__, url_prefix="/assess")

ASSESSED_TYPES = ("skill_checklist", "procedure_log")
# The user_state fields the overview needs (what each block's ``assessment_status`` reads).
STATUS_FIELDS = ("signoff", "self_assessment", "entries")


def init_app(app) -> None:  # noqa: ANN001
    register_menu_item("assess", _l("Assess learners"), "assessor.index", _has_cohorts_to_assess, order=30)
    register_cohort_link("assess", _cohort_link)


def _has_cohorts_to_assess(user) -> bool:  # noqa: ANN001
    # Only admins, authors and assessors can be cohort instructors ("cohort.list"): learners, most users,
    # cost no query on every page.
    return can("cohort.list", user=user) and db.session.scalar(visible_cohorts(user).limit(1)) is not None


def _cohort_link(cohort: Cohort) -> Link | None:
    if not (can("course.assess", cohort.course) and can("course.view_progress", cohort)):
        return None
    if not assessed_blocks(cohort.course.published_version_id):
        return None
    return Link(str(_l("Assess learners")), url_for("assessor.cohort", cohort_id=cohort.id))


# -- what is assessed in a published course ---------------------------------------------------------------
@dataclass(frozen=True)
class AssessedBlock:
    key: str
    block_type: str
    title: str
    module: str
    fields: Mapping[str, Any] = field(hash=False, compare=False)  # read-only: shared by every request


def _assessed_blocks(version_id: int) -> tuple[AssessedBlock, ...]:
    """The checklists and logbooks of a published version in reading order (versions never change)."""
    snapshot = snapshot_store(version_id).snapshot
    root = next((key for key, entry in snapshot.items() if entry.get("type") == "course"), None)
    found: list[AssessedBlock] = []

    def walk(key: str, module: str) -> None:
        entry = snapshot.get(key)
        if entry is None:
            return
        fields = entry.get("fields") or {}
        if entry.get("type") == "chapter":
            module = fields.get("display_name") or ""
        if entry.get("type") in ASSESSED_TYPES:
            title = fields.get("competency") or fields.get("procedure") or fields.get("display_name") or key
            found.append(AssessedBlock(key, entry["type"], title, module, fields))
        for child in entry.get("children") or []:
            walk(child, module)

    if root is not None:
        walk(root, "")
    return tuple(found)


def assessed_blocks(version_id: int | None) -> tuple[AssessedBlock, ...]:
    if version_id is None:
        return ()
    return caches.ASSESSED_BLOCKS.get_or_build(version_id, lambda: _assessed_blocks(version_id))


def _block_class(block_type: str):  # noqa: ANN202
    cls = current_app.extensions["xblock_types"].load(block_type)
    return cls if hasattr(cls, "assessment_status") else None


def _states(blocks: tuple[AssessedBlock, ...], learner_ids) -> dict[tuple[int, str], dict[str, Any]]:  # noqa: ANN001
    """Every learner's state of these blocks, in one query: {(user_id, block_key): {field: value}}."""
    states: dict[tuple[int, str], dict[str, Any]] = defaultdict(dict)
    if not blocks:
        return states
    rows = db.session.execute(
        select(XBlockField.user_id, XBlockField.block_key, XBlockField.field, XBlockField.value).where(
            XBlockField.branch == PUBLISHED,
            XBlockField.scope == "user_state",
            XBlockField.block_key.in_([block.key for block in blocks]),
            XBlockField.field.in_(STATUS_FIELDS),
            XBlockField.user_id.in_(learner_ids),
        )
    )
    for user_id, block_key, name, value in rows:
        states[(user_id, block_key)][name] = value
    return states


# -- permission helpers -------------------------------------------------------------------------------------
def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    require("course.assess", cohort.course)
    require("course.view_progress", cohort)
    return cohort


def _published(course: Course) -> None:
    if course.published_version_id is None:
        abort(404)


# -- views --------------------------------------------------------------------------------------------------
@bp.get("/")
@login_required
def index():
    # Admins see every cohort, instructors their own: each of these passes "course.assess" by construction.
    cohorts = db.session.scalars(visible_cohorts(current_user)).all()
    counts = enrollment_counts([cohort.id for cohort in cohorts])
    activities = {c.id: len(assessed_blocks(c.course.published_version_id)) for c in cohorts}
    return render_template("courses/assessor/index.html", cohorts=cohorts, counts=counts, activities=activities)


@dataclass
class Overview:
    blocks: tuple[AssessedBlock, ...]
    enrollments: list[Enrollment]
    grid: dict[tuple[int, str], dict[str, Any]]  # (learner id, block key) -> the block's assessment_status

    def done(self, block: AssessedBlock) -> int:
        """How many learners have completed this block (signed off competent, or enough verified entries)."""
        statuses = (self.grid[(e.user_id, block.key)] for e in self.enrollments)
        return sum(1 for status in statuses if status.get("competent") or status.get("complete"))


def cohort_overview(cohort: Cohort) -> Overview:
    """Learners × assessed blocks with each status: three queries, whatever the number of learners."""
    blocks = assessed_blocks(cohort.course.published_version_id)
    classes = {block.block_type: _block_class(block.block_type) for block in blocks}
    blocks = tuple(block for block in blocks if classes[block.block_type] is not None)
    enrollments = list(db.session.scalars(cohort_enrollments(cohort)))
    learner_ids = select(Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, Enrollment.status == EnrollmentStatus.ACTIVE
    )
    states = _states(blocks, learner_ids)
    grid = {
        (e.user_id, block.key): classes[block.block_type].assessment_status(
            block.fields, states.get((e.user_id, block.key), {})
        )
        for e in enrollments
        for block in blocks
    }
    return Overview(blocks, enrollments, grid)


@bp.get("/cohort/<int:cohort_id>")
@login_required
def cohort(cohort_id: int):
    cohort = _cohort(cohort_id)
    overview = cohort_overview(cohort)
    return render_template(
        "courses/assessor/cohort.html",
        cohort=cohort,
        overview=overview,
        published=cohort.course.published_version_id is not None,
    )


@bp.get("/cohort/<int:cohort_id>/learner/<int:user_id>/<path:usage_key>")
@login_required
def learner_block(cohort_id: int, user_id: int, usage_key: str):
    cohort = _cohort(cohort_id)
    course = cohort.course
    _published(course)
    enrollments = db.session.scalars(cohort_enrollments(cohort)).all()
    position = next((i for i, e in enumerate(enrollments) if e.user_id == user_id), None)
    if position is None:
        abort(404)
    learner = enrollments[position].user
    block_info = next((b for b in assessed_blocks(course.published_version_id) if b.key == usage_key), None)
    if block_info is None:
        abort(404)
    # The same question the handler route asks before it runs a sign-off for this learner.
    if not course_context(course, PUBLISHED).can_act_for(current_user, learner.id):
        abort(403)
    runtime = runtime_for(course, current_user, PUBLISHED, state_user_id=learner.id)
    runtime.prefetch_user_state([usage_key])
    block = runtime.get_block(usage_key)
    fragment = runtime.render(block, "assessor_view")
    previous = enrollments[position - 1].user if position > 0 else None
    following = enrollments[position + 1].user if position + 1 < len(enrollments) else None
    return render_template(
        "courses/assessor/learner_block.html",
        cohort=cohort,
        learner=learner,
        block=block_info,
        parts=page_parts(fragment, runtime),
        previous=previous,
        following=following,
    )
