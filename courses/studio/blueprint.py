"""The studio's blueprint and the lookups every studio page shares (course, block, where to go back).

The pages themselves are in ``views.py`` (courses, settings, authors, the outline, publishing),
``components.py`` (units and component editing, preview) and ``files.py``.
"""

from flask import Blueprint, abort, current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses import queries
from courses.context import runtime_for
from courses.studio import services as studio
from lms.navigation import register_menu_item
from lms.permissions import can, require
from lms.xblock_host.context import DRAFT
from lms.xblock_host.keys import InvalidKey, UsageKey

bp = Blueprint("studio", __name__, url_prefix="/studio", static_folder="static")

KIND_LABELS = {
    "chapter": _l("module"),
    "sequential": _l("lesson"),
    "vertical": _l("unit"),
}


def init_app(app) -> None:  # noqa: ANN001
    register_menu_item("studio", _l("Studio"), "studio.index", lambda u: can("studio.access", user=u), order=20)


def load_course(code: str):
    course = queries.by_code(code)
    if course is None:
        abort(404)
    require("course.edit", course)
    return course


def usage_in(course, key: str) -> UsageKey:
    try:
        usage = UsageKey(key)
    except InvalidKey:
        abort(404)
    if usage.context_key != course.code:
        abort(404)
    return usage


def back_to(course, usage: UsageKey) -> str:
    """After an outline action, return to the unit editor for components, else to the outline."""
    if usage.block_type not in studio.STRUCTURE:
        parent = runtime_for(course, current_user, DRAFT).get_block(usage).parent
        if parent:
            return url_for("studio.unit", code=course.code, usage_key=str(parent))
    anchor = f"#b-{usage.block_id}"
    return url_for("studio.course", code=course.code) + anchor


def addable_types(parent_type: str) -> list[str]:
    if parent_type in studio.CHILD_TYPE:
        return [studio.CHILD_TYPE[parent_type]]
    if parent_type != "vertical":
        return []
    # The order and grouping the author sees are the catalogue's (courses/studio/catalogue.py).
    return [t for t in current_app.extensions["xblock_types"].allowed_types() if t not in studio.STRUCTURE]


def draft_block(course, usage: UsageKey):
    runtime = runtime_for(course, current_user, DRAFT)
    try:
        return studio.get_draft_block(runtime, course, str(usage))
    except studio.StudioError:
        abort(404)
