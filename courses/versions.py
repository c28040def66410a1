"""Publishing: the draft block tree frozen into an immutable ``CourseVersion``; reading a version back.

Learners only ever read published versions. A version is written once and never updated; publishing
again writes a new one and points the course at it. Usage keys do not change between versions, so a
learner's answers, votes and progress carry over to the new version.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from courses import version_files
from courses.models import Course, CourseVersion
from lms import audit, caches, signals
from lms.db import db
from lms.xblock_host.keys import UsageKey
from lms.xblock_host.kvs import AUTHORED_SCOPES, SnapshotStore, SqlRows
from lms.xblock_host.models import DRAFT, NO_USER


class PublishError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def draft_snapshot(course: Course) -> dict[str, dict[str, Any]]:
    """The draft tree reachable from the root, as ``{key: {type, fields, children, parent}}``."""
    rows = SqlRows(course.code, DRAFT)
    rows.prefetch_context_authored(course.code)
    by_block: dict[str, dict[str, Any]] = {}
    for scope, block_key, user_id, field, value in rows.loaded_items():
        if user_id != NO_USER or scope not in AUTHORED_SCOPES:
            continue
        entry = by_block.setdefault(block_key, {"fields": {}, "children": [], "parent": None})
        if scope == "children":
            entry["children"] = [str(child) for child in value]
        elif scope == "parent":
            entry["parent"] = value
        else:
            entry["fields"][field] = value
    snapshot: dict[str, dict[str, Any]] = {}
    stack = [course.root_key]
    while stack:
        key = stack.pop()
        if key in snapshot or key not in by_block:
            continue
        entry = by_block[key]
        entry["type"] = UsageKey(key).block_type
        snapshot[key] = entry
        stack.extend(reversed(entry["children"]))
    return snapshot


def publish(course: Course, by, note: str = "") -> CourseVersion:  # noqa: ANN001
    snapshot = draft_snapshot(course)
    if course.root_key not in snapshot:
        raise PublishError(_("The course has no content to publish."))
    # Versions are numbered per course: lock the course row until this transaction ends, so that a second
    # publish at once waits here and then counts this version (SQLite has no row locks and needs none: its
    # writers take the database's write lock in turn).
    db.session.execute(select(Course.id).where(Course.id == course.id).with_for_update())
    number = (
        db.session.scalar(select(func.max(CourseVersion.number)).where(CourseVersion.course_id == course.id)) or 0
    ) + 1
    version = CourseVersion(
        course_id=course.id,
        number=number,
        published_by_id=getattr(by, "id", None),
        note=note.strip()[:500],
        snapshot=snapshot,
        block_count=len(snapshot),
    )
    db.session.add(version)
    db.session.flush()
    version_files.record(version)
    course.published_version_id = version.id
    # The version's time is the reference for "unpublished changes"; align the draft stamp with it.
    if course.draft_changed_at > version.published_at:
        course.draft_changed_at = version.published_at
    db.session.flush()
    audit.record("course.published", "course", course.id, version=number, blocks=len(snapshot))
    signals.announce(signals.course_published, course.id, version_id=version.id, number=number)
    return version


def versions_of(course: Course) -> list[CourseVersion]:
    return list(
        db.session.scalars(
            select(CourseVersion).where(CourseVersion.course_id == course.id).order_by(CourseVersion.number.desc())
        )
    )


def snapshot_store(version_id: int) -> SnapshotStore:
    """The published tree of a version, from the process cache (versions never change once written)."""

    def load() -> SnapshotStore:
        snapshot = db.session.scalar(db.select(CourseVersion.snapshot).where(CourseVersion.id == version_id))
        return SnapshotStore(snapshot or {})

    return caches.PUBLISHED_SNAPSHOTS.get_or_build(version_id, load)
