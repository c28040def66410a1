"""The pre-test gate: a course's modules stay locked for a learner until they have submitted its pre-test.

Registered with ``courses.gating``, which asks on every path to a published block (unit pages, the
outline, handler calls, course files), so a locked module's blocks cannot be reached by any link. The
module holding the pre-test stays open (the learner must reach the test). Staff and instructors are never
gated (``courses.gating`` says so).
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from assessments.models import Attempt, AttemptState
from courses.structure import published_structure
from courses.versions import snapshot_store
from lms.db import db


def pre_tests(version_id: int) -> dict[str, str]:
    """The pre-tests of a published version: usage key → title."""
    return {
        key: entry.get("fields", {}).get("display_name") or ""
        for key, entry in snapshot_store(version_id).snapshot.items()
        if entry.get("type") == "assessment" and entry.get("fields", {}).get("kind") == "pre"
    }


def pre_test_gate(user: Any, course: Any):  # noqa: ANN201 - a check, or None
    tests = pre_tests(course.published_version_id)
    if not tests:
        return None
    taken = set(
        db.session.scalars(
            select(Attempt.usage_key).where(
                Attempt.user_id == user.id,
                Attempt.usage_key.in_(list(tests)),
                Attempt.state == AttemptState.SUBMITTED,
            )
        )
    )
    waiting = [key for key in tests if key not in taken]
    if not waiting:
        return None
    structure = published_structure(course)
    open_modules = {structure.module_of_block[key].key for key in waiting if key in structure.module_of_block}
    message = _(
        "Take the pre-test “%(title)s” first: this module opens once you have submitted it.",
        title=tests[waiting[0]] or _("Pre-test"),
    )
    return lambda module: None if module.key in open_modules else message
