"""The seam through which the core learns what it must know of courses: which courses a user may offer as a
cohort, and which courses' cohorts a user runs as one of the course's own staff (its owner or a co-author).

Cohorts are core, courses are a domain package the core does not import. The courses package registers a
provider of each in ``create_app``; without them (a core-only test app) no course can be chosen and only
admins run cohorts. The cohort permission rules (``lms/cohorts/rules.py``) and the cohort lists
(``lms/cohorts/queries.py``) ask here; nothing else decides who a course's staff are.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Select, select

from lms.db import db

CourseChoices = Callable[[object], list[tuple[int, str]]]
# A select of the ids of the courses ``user`` is staff of (owner, co-author), or None when they are of none.
StaffedCourses = Callable[[object], Select | None]
_providers: list[CourseChoices] = []
_staffed: list[StaffedCourses] = []


def register_course_provider(provider: CourseChoices) -> None:
    if provider not in _providers:
        _providers.append(provider)


def register_staffed_courses(provider: StaffedCourses) -> None:
    if provider not in _staffed:
        _staffed.append(provider)


def course_choices(user) -> list[tuple[int, str]]:  # noqa: ANN001
    """(course id, label) pairs of the courses ``user`` may offer as a cohort."""
    choices: list[tuple[int, str]] = []
    for provider in _providers:
        choices.extend(provider(user))
    return choices


def staffed_course_ids(user) -> list[Select]:  # noqa: ANN001
    """Selects of the ids of the courses whose own staff ``user`` is (admins are not asked here)."""
    return [stmt for provider in _staffed if (stmt := provider(user)) is not None]


def is_course_staff(user, course_id: int) -> bool:  # noqa: ANN001
    """Whether ``user`` is one of the course's own staff (owner, co-author): they run its cohorts."""
    for stmt in staffed_course_ids(user):
        course_ids = stmt.subquery()
        column = next(iter(course_ids.c))
        if db.session.scalar(select(column).where(column == course_id).limit(1)) is not None:
            return True
    return False
