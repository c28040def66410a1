"""Learner courseware: my courses, a course's outline with progress per module, unit pages with
previous/next, resume where I left off, completion on view, and module gates.

Who may see what is asked of the course's context (``CourseContext.can_use``), the one place that also
answers the XBlock host and the file routes; gates are evaluated for the one module a unit page shows, and
for every module (from one preparation per gate) on the outline.

Everything but the inside of interactive blocks works without JavaScript. A unit page reads in one
transaction; recording the visit (completion of what was seen, the resume position) happens after the
response's commit in a short write of its own, and only when something changed.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from courses import progress, queries
from courses.context import CourseContext, PublishedCourse, course_context, published_course
from courses.courseware import panels
from courses.courseware.unit_page import module_line, render_unit
from courses.models import Course
from courses.structure import Structure, published_structure
from lms.accounts.models import Role
from lms.accounts.session_user import request_user
from lms.dashboard import register_panel
from lms.navigation import register_menu_item
from lms.permissions import can
from lms.xblock_host.context import PUBLISHED

bp = Blueprint("courseware", __name__, url_prefix="/learn")


def init_app(app) -> None:  # noqa: ANN001
    register_menu_item("my_courses", _l("My courses"), "courseware.my_courses", lambda u: True, order=10)
    register_panel("my_courses", "courses/panels/my_courses.html", lambda u: True, _my_courses_context, order=5)
    app.after_request(_progress_hint)


def _progress_hint(response):  # noqa: ANN001, ANN202
    """Tell the page a request recorded completion (``Server-Timing: progress``), so that after a block's
    handler call live.js asks for the new progress line only when there may be one: an assessment saves each
    answer by a handler call, and most calls complete nothing. Server-Timing because the page reads it
    without touching the block's request (``PerformanceResourceTiming.serverTiming``); a browser that does
    not expose it asks after every call. Added before the commit, and only to a response that commits."""
    if response.status_code < 400 and progress.recorded_in_request():
        response.headers.add("Server-Timing", "progress")
    return response


def _published_course(code: str, whole: bool = True) -> tuple[Course | PublishedCourse, Structure, CourseContext]:
    """The course (``whole``: the ORM object; else the row unit pages need), its published structure and
    context, once the context says the user may use the course."""
    course = queries.by_code(code) if whole else published_course(code)
    if course is None or course.published_version_id is None:
        abort(404)
    context = course_context(course, PUBLISHED)
    if not context.can_use(request_user()):
        # Not a bare refusal: the learner learns why and whom to ask (lms/errors.py shows the description).
        abort(
            403,
            description=_(
                "You are not enrolled in this course. Ask your trainer or programme contact to enroll you in one "
                "of its cohorts; the courses you are enrolled in are listed on your dashboard."
            ),
        )
    return course, context.structure, context


def _course_cards(user) -> list[dict]:  # noqa: ANN001
    cards = []
    for course in queries.enrolled_courses(user):
        structure = published_structure(course)
        if structure is None:
            continue
        done = progress.completions(user.id, course.id)
        cards.append({"course": course, "progress": progress.course_progress(structure, done)})
    return cards


def _my_courses_context(user) -> dict | None:  # noqa: ANN001
    cards = _course_cards(user)
    if not cards and not user.has_role(Role.LEARNER):
        return None  # an admin, author or verifier enrolled nowhere: no empty learner's panel on their dashboard
    return {"cards": cards}


@bp.get("/")
@login_required
def my_courses():
    return render_template("courses/courseware/my_courses.html", cards=_course_cards(current_user))


@bp.get("/<code>/")
@login_required
def outline(code: str):
    course, structure, context = _published_course(code)
    done = progress.completions(current_user.id, course.id)
    course_progress = progress.course_progress(structure, done)
    user = request_user()
    locks = context.module_locks(user)
    for module in course_progress.modules:
        module.locked = locks.get(module.key)
    last = progress.position(user.id, course.id)
    resume = progress.resume_unit(structure, done, last, is_open=lambda unit: context.can_use(user, unit.key))
    return render_template(
        "courses/courseware/outline.html",
        course=course,
        structure=structure,
        progress=course_progress,
        resume=resume,
        locks=locks,
        panels=panels.panels_for(user, course),
    )


@bp.get("/<code>/resume")
@login_required
def resume(code: str):
    course, structure, context = _published_course(code, whole=False)
    user = request_user()
    done = progress.completions(user.id, course.id)
    last = progress.position(user.id, course.id)
    unit = progress.resume_unit(structure, done, last, is_open=lambda unit: context.can_use(user, unit.key))
    if unit is None:
        return redirect(url_for("courseware.outline", code=code))
    return redirect(url_for("courseware.unit", code=code, usage_key=unit.key))


@bp.get("/<code>/unit/<usage_key>")
@login_required
def unit(code: str, usage_key: str):
    course, structure, context = _published_course(code, whole=False)
    current = structure.unit_by_key.get(usage_key)
    if current is None:
        abort(404)
    user = request_user()
    if not context.can_use(user, usage_key):  # the course is open to them (above): the module is locked
        module, reason = structure.module_of(usage_key), context.lock_reason(user, usage_key)
        return render_template("courses/courseware/locked.html", course=course, module=module, reason=reason), 403
    done = progress.completions(current_user.id, course.id)
    if can("course.learn", course):
        progress.record_visit(current_user.id, course, structure, current, done)
        done = progress.as_seen(current, done)  # the page shows the progress this visit makes
    return render_unit(course, structure, current, PUBLISHED, done)


@bp.get("/<code>/progress/<usage_key>")
@login_required
def unit_progress(code: str, usage_key: str):
    """The unit page's progress as JSON, for the page to show without a reload what a block's handler call
    completed (``lms/static/live.js``): the module's units done, the course's, and the page's line in the
    learner's language. Asked of the unit's key, with the unit page's access rules; it reads and writes
    nothing else (the user, the course row, the enrolment, the completions)."""
    course, structure, context = _published_course(code, whole=False)
    current = structure.unit_by_key.get(usage_key)
    if current is None:
        abort(404)
    user = request_user()
    if not context.can_use(user, usage_key):
        abort(403, description=context.refusal(user, usage_key))
    done = progress.completions(user.id, course.id)
    if can("course.learn", course):
        done = progress.as_seen(current, done)  # as the page counts it, whether or not its visit is written yet
    module = structure.module_of(usage_key)
    module_done = progress.units_done(module.units, done)
    course_progress = progress.course_progress(structure, done)
    response = jsonify(
        module={"key": module.key, "done": module_done, "total": len(module.units)},
        course={
            "done": course_progress.done,
            "total": course_progress.total,
            "percent": course_progress.percent,
            "complete": course_progress.complete,
        },
        line=module_line(module_done, len(module.units)),
        # Completion only grows: once the module is done, no call can change the line, and the page stops asking.
        final=module_done == len(module.units),
    )
    response.cache_control.no_store = True  # one learner's progress, changing: never kept by a cache
    return response
