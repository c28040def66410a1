"""Changes to courses as catalogue entries: create, edit settings, co-authors.

Changes to a course's content (the block tree) are in ``courses/studio/services.py``; publishing is in
``courses/versions.py``.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from courses.models import AuthorRole, Course, CourseAuthor, Track
from lms import audit
from lms.accounts.models import Role, User
from lms.clock import utcnow
from lms.db import db
from lms.sql import dialect_insert, recheck_on_conflict


class CourseError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# Letters, digits, '-', '_' and '.': the code is embedded in usage keys, where '+', '@' and ':' are separators.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")


def check_new_code(code: str) -> None:
    """Raise :class:`CourseError` (field ``code``) unless ``code`` may name a new course."""
    if not CODE_PATTERN.match(code):
        raise CourseError(_("Use 2–40 letters, digits, dots, hyphens or underscores."), "code")
    if db.session.scalar(select(Course.id).where(func.lower(Course.code) == code.lower())) is not None:
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
) -> Course:
    code = code.strip()
    check_new_code(code)
    if track not in {t.value for t in Track}:
        raise CourseError(_("Unknown track."), "track")
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
    )
    # Two authors creating one code at once both pass the look above; the unique code (in any case) decides.
    with recheck_on_conflict(lambda: check_new_code(code)):
        db.session.add(course)
    from courses.studio.services import create_root_block

    create_root_block(course)
    audit.record("course.created", "course", course.id, code=code)
    return course


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
