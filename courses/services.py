"""Changes to courses as catalogue entries: create, edit settings, co-authors; and the life of a course an
import is still writing (hidden until it is finished, deleted when the import fails or is abandoned).

Changes to a course's content (the block tree) are in ``courses/studio/services.py``; publishing is in
``courses/versions.py``; the OLX import that writes a course in steps is ``courses/olx/writer.py``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from courses.models import AuthorRole, Course, CourseAuthor, Track
from lms import audit
from lms.accounts.models import Role, User
from lms.clock import utcnow
from lms.db import db
from lms.sql import dialect_insert, recheck_on_conflict
from lms.xblock_host.models import XBlockField


class CourseError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# Letters, digits, '-', '_' and '.': the code is embedded in usage keys, where '+', '@' and ':' are separators.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
# An import touches its hidden course's ``importing_at`` in every transaction it writes (a few ms apart, or the
# busy timeout at worst). One that has not written for this long has stopped for good (its process died, or a
# worker's timeout stopped it before it could clean up): its course is abandoned, and its code free again.
ABANDONED_IMPORT_AFTER = timedelta(minutes=10)


def _holder(code: str):  # noqa: ANN202 - a Row (id, importing_at) or None
    return db.session.execute(
        select(Course.id, Course.importing_at).where(func.lower(Course.code) == code.lower())
    ).first()


def _abandoned(importing_at: datetime | None) -> bool:
    return importing_at is not None and importing_at < utcnow() - ABANDONED_IMPORT_AFTER


def check_new_code(code: str) -> None:
    """Raise :class:`CourseError` (field ``code``) unless ``code`` may name a new course (a code held only
    by an abandoned import may: :func:`create_course` deletes what it left)."""
    if not CODE_PATTERN.match(code):
        raise CourseError(_("Use 2–40 letters, digits, dots, hyphens or underscores."), "code")
    holder = _holder(code)
    if holder is not None and not _abandoned(holder.importing_at):
        raise CourseError(_("Another course already uses this code."), "code")


def create_course(
    *,
    code: str,
    title: str,
    owner: User,
    track: str = Track.TVET_TOT,
    description: str = "",
    hours: int | None = None,
    language: str = "en",
    learning_outcomes: str = "",
    importing: bool = False,
) -> Course:
    """Create a course owned by ``owner`` (flushes).

    ``importing=True`` creates it hidden (``importing_at`` set) and without its root block, which the import
    writes with the rest of the tree; its creation is recorded when :func:`finish_import` shows it.
    """
    code = code.strip()
    check_new_code(code)
    if track not in {t.value for t in Track}:
        raise CourseError(_("Unknown track."), "track")
    holder = _holder(code)
    if holder is not None:  # an abandoned import's (check_new_code let it pass): what it left goes
        delete_unfinished_import(holder.id)
    course = Course(
        code=code,
        title=title.strip(),
        track=track,
        description=description,
        hours=hours,
        language=language,
        learning_outcomes=learning_outcomes,
        owner_id=owner.id,
        authors=[CourseAuthor(user_id=owner.id, role=AuthorRole.OWNER)],
        importing_at=utcnow() if importing else None,
    )
    # Two authors creating one code at once both pass the look above; the unique code (in any case) decides.
    with recheck_on_conflict(lambda: check_new_code(code)):
        db.session.add(course)
    db.session.flush()
    if importing:
        return course
    from courses.studio.services import create_root_block

    create_root_block(course)
    audit.record("course.created", "course", course.id, code=code)
    return course


def touch_import(course_id: int) -> None:
    """Note that the import writing hidden course ``course_id`` is still at work (flushes); raises
    ``LookupError`` when the course is gone or shown: it was deleted as abandoned, and the import must stop."""
    touched = db.session.execute(
        update(Course)
        .where(Course.id == course_id, Course.importing_at.is_not(None))
        .values(importing_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if touched.rowcount != 1:
        raise LookupError(f"course {course_id} is no longer an import in progress")


def finish_import(course_id: int, actor: Any = None) -> Course:  # noqa: ANN401 - anything with an id, as audit takes
    """Show the course an import has finished writing: from now on it is a course like any other (flushes)."""
    touch_import(course_id)  # still there: not deleted as abandoned meanwhile
    now = utcnow()
    db.session.execute(
        update(Course)
        .where(Course.id == course_id)
        .values(importing_at=None, draft_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    course = db.session.get(Course, course_id, populate_existing=True)
    audit.record("course.created", "course", course.id, actor=actor, code=course.code)
    return course


def delete_unfinished_import(course_id: int, limit: int | None = None) -> bool:
    """Delete what an import that did not finish wrote of hidden course ``course_id`` (flushes): its XBlock
    rows, at most ``limit`` of them a call, and once none is left the course row, whose authors, assets and
    kept files go with it (ON DELETE CASCADE). A shown course is never touched. True once the course is gone."""
    code = db.session.scalar(select(Course.code).where(Course.id == course_id, Course.importing_at.is_not(None)))
    if code is None:
        return True
    rows = select(XBlockField.id).where(XBlockField.context_key == code)
    if limit is not None:
        rows = rows.limit(limit)
    deleted = db.session.execute(
        delete(XBlockField).where(XBlockField.id.in_(rows)).execution_options(synchronize_session=False)
    ).rowcount
    if limit is not None and deleted >= limit:
        return False  # there may be more: the caller commits this step and calls again
    db.session.execute(delete(Course).where(Course.id == course_id).execution_options(synchronize_session=False))
    return True


def abandoned_imports() -> list[int]:
    """Ids of the hidden courses of imports that stopped without cleaning up (see ABANDONED_IMPORT_AFTER)."""
    cutoff = utcnow() - ABANDONED_IMPORT_AFTER
    return list(db.session.scalars(select(Course.id).where(Course.importing_at < cutoff)))


def update_course(course: Course, **settings) -> None:
    allowed = {"title", "description", "track", "hours", "language", "learning_outcomes"}
    unknown = set(settings) - allowed
    if unknown:
        raise CourseError(f"not editable: {', '.join(sorted(unknown))}")
    if "track" in settings and settings["track"] not in {t.value for t in Track}:
        raise CourseError(_("Unknown track."), "track")
    for name, value in settings.items():
        setattr(course, name, value.strip() if isinstance(value, str) and name == "title" else value)
    course.draft_changed_at = utcnow()
    db.session.flush()
    audit.record("course.updated", "course", course.id)


def add_co_author(course: Course, user: User) -> CourseAuthor:
    if not user.has_role(Role.AUTHOR):
        raise CourseError(
            _("%(name)s does not have the author role; ask an admin to grant it.", name=user.name), "email"
        )
    # The primary key (course, user) is the check: of two requests adding the same person at once, the second
    # finds the row made and gets the same message as if it came later.
    author = db.session.scalar(
        dialect_insert(CourseAuthor)
        .values(course_id=course.id, user_id=user.id, role=AuthorRole.CO_AUTHOR)
        .on_conflict_do_nothing(index_elements=["course_id", "user_id"])
        .returning(CourseAuthor)
    )
    if author is None:
        raise CourseError(_("%(name)s is already an author of this course.", name=user.name), "email")
    db.session.expire(course, ["authors"])
    audit.record("course.co_author_added", "course", course.id, user=user.id)
    return author


def remove_co_author(course: Course, user_id: int) -> None:
    for author in list(course.authors):
        if author.user_id == user_id:
            if author.role == AuthorRole.OWNER:
                raise CourseError(_("The owner cannot be removed."))
            course.authors.remove(author)
            db.session.flush()
            audit.record("course.co_author_removed", "course", course.id, user=user_id)
            return
    raise CourseError(_("Not an author of this course."))
