"""Who may read the reports of a course, and how much of it: the course's own roles, as for attempts
(``assessments/rules.py``).

* Programme admins and the course's owner and co-authors (``course.edit``): every cohort of the course.
* A cohort's instructors: the cohorts of the course they instruct, nothing else (unless they take the course
  themselves: then, as for attempts, nothing).
* Anyone else: nothing (403).

The rule ``reports.view`` (a course) answers whether the reader sees anything; :func:`scope_for` says what.
"""

from __future__ import annotations

from sqlalchemy import select

from assessments.reports.model import Scope
from lms.accounts.models import Role
from lms.cohorts.models import Cohort, cohort_instructor
from lms.cohorts.queries import is_enrolled_in_course
from lms.db import db
from lms.permissions import can, rule


def scope_for(user, course) -> Scope | None:  # noqa: ANN001
    """What ``user`` may see of ``course``'s reports, or None for nothing."""
    if course is None or not getattr(user, "is_authenticated", False):
        return None
    if can("course.edit", course, user=user):
        return Scope(cohort_ids=None)
    if not user.has_role(Role.AUTHOR, Role.ASSESSOR) or is_enrolled_in_course(user.id, course.id):
        return None
    instructed = db.session.scalars(
        select(Cohort.id)
        .join(cohort_instructor, cohort_instructor.c.cohort_id == Cohort.id)
        .where(Cohort.course_id == course.id, cohort_instructor.c.user_id == user.id)
    ).all()
    return Scope(cohort_ids=frozenset(instructed)) if instructed else None


@rule("reports.view")
def view_reports(user, course) -> bool:  # noqa: ANN001
    """Read a course's learning-gain and item reports (all of it or the cohorts one instructs)."""
    return scope_for(user, course) is not None


def reportable_courses(user) -> list:  # noqa: ANN001
    """The courses whose reports ``user`` may read, by title: those they own or co-author (all for an admin)
    and those with a cohort they instruct."""
    from courses.models import Course
    from lms.cohorts.queries import visible_cohorts

    if user.is_admin:
        return list(db.session.scalars(select(Course).order_by(Course.title)))
    cohorts = visible_cohorts(user).subquery()
    courses = db.session.scalars(
        select(Course).where(Course.id.in_(select(cohorts.c.course_id))).order_by(Course.title)
    ).all()
    return [course for course in courses if view_reports(user, course)]
