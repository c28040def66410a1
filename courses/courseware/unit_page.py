"""A unit page: the unit's blocks rendered for the viewer, with previous/next, the lesson and the
module's progress. Learners' pages of a published version are kept as skeletons (``lms.page_skeleton``);
the studio's preview of a draft unit is rendered afresh and records nothing. On a learner's page whose blocks
have script, the progress line is an aria-live region that ``lms/static/live.js`` re-reads from
``courseware.unit_progress`` after a block's handler call, so a unit a block completes shows at once.

Used by the learner courseware (``courses.courseware.views``) and the studio's preview
(``courses.studio.components``): views do not import each other.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import ngettext
from markupsafe import Markup

from courses import progress
from courses.context import PublishedCourse, runtime_for
from courses.models import Course
from courses.structure import Structure, Unit, draft_structure
from lms import caches
from lms.accounts.session_user import request_user
from lms.page_skeleton import render_skeleton
from lms.static_assets import static_url
from lms.xblock_host.context import DRAFT
from lms.xblock_host.page import page_parts


def render_unit(
    course: Course | PublishedCourse, structure: Structure, current: Unit, branch: str, done: dict[str, float]
):
    runtime = runtime_for(course, request_user(), branch)
    runtime.prefetch_user_state([current.key, *current.leaves])
    block = runtime.get_block(current.key)
    fragment = runtime.render(block, "student_view")
    previous, following = structure.neighbours(current.key)
    module = structure.module_of(current.key)
    lesson = next(lesson for lesson in module.lessons if lesson.key == current.sequential_key)
    module_done = progress.units_done(module.units, done)
    preview = branch == DRAFT
    parts = page_parts(fragment, runtime)
    foot = parts.foot
    if foot and not preview:
        # The blocks' script may complete the unit through a handler call, with no reload: live.js then
        # re-reads the progress line (``courseware.unit_progress``). A page without script needs none.
        foot = foot + _live_tag()
    holes = {
        "head": parts.head,
        "body": parts.body,
        "foot": foot,
        "progress_line": "" if preview else module_line(module_done, len(module.units)),
    }
    context = {
        "course": course,
        "unit": current,
        "module": module,
        "lesson": lesson,
        "previous": previous,
        "following": following,
        "preview": preview,
    }
    if preview:
        return render_template("courses/courseware/unit.html", **holes, **context)
    # A published version never changes, and the course row is in the key (a renamed course shows at once).
    return render_skeleton(("courseware.unit", course, current.key), "courses/courseware/unit.html", holes, **context)


def render_draft_unit(course: Course, usage_key: str):
    """The studio's learner preview of a draft unit (no progress is recorded)."""
    structure = draft_structure(course)
    current = structure.unit_by_key.get(usage_key)
    if current is None:
        abort(404)
    return render_unit(course, structure, current, DRAFT, {})


def module_line(done: int, total: int) -> str:
    """The unit page's progress line (also sent by ``courseware.unit_progress`` when a block changes it)."""
    # Translators: units of the module done; the form follows the number done (French: "1 sur 3 terminé").
    return ngettext("Module: %(num)d of %(total)d done", "Module: %(num)d of %(total)d done", done, total=total)


def _live_tag() -> Markup:
    return caches.STATIC_TAGS.get_or_build((request.script_root, "live.js"), _build_live_tag)


def _build_live_tag() -> Markup:
    return Markup(f'<script src="{static_url("live.js")}"></script>')  # noqa: S704 - our tag, our file's URL
