"""Permission rules owned by the courses package.

Authors create courses; a course is edited by its owner and co-authors (and admins); learners see the
published version of courses they are enrolled in; authors, the course's cohort instructors and admins
may preview it.

Assessing follows the course's own roles: its owner, co-authors and admins assess the learners of all its
cohorts; an instructor (assigned to a cohort by those, ``lms/cohorts/rules.py``) assesses the learners of the
cohorts they instruct. Whose state one may act on is decided when a handler runs, by
``CourseContext.can_act_for`` (``courses/context.py``): only a learner actively enrolled in such a cohort.
"""

from lms.accounts.models import Role
from lms.permissions import rule


@rule("course.create")
def create_course(user, _obj) -> bool:
    return user.has_role(Role.AUTHOR, Role.ADMIN)


@rule("studio.access")
def open_studio(user, _obj) -> bool:
    return user.has_role(Role.AUTHOR, Role.ADMIN)


@rule("course.edit")
def edit_course(user, course) -> bool:
    if course is None:
        return False
    return user.is_admin or (user.has_role(Role.AUTHOR) and course.author_role(user) is not None)


@rule("course.manage_authors")
def manage_authors(user, course) -> bool:
    from courses.models import AuthorRole

    return course is not None and (user.is_admin or course.author_role(user) == AuthorRole.OWNER)


@rule("course.learn")
def take_course(user, course) -> bool:
    from lms.cohorts.queries import is_enrolled_in_course

    return course is not None and is_enrolled_in_course(user.id, course.id)


@rule("course.view_progress")
def view_progress(user, cohort) -> bool:
    """A cohort's learners' progress and work: its instructors, its course's staff, admins."""
    return cohort is not None and (cohort.has_instructor(user) or edit_course(user, cohort.course))


@rule("course.assess")
def assess_course(user, course) -> bool:
    """The course's staff (and admins) and the instructors of its cohorts see its learners' work and sign it
    off: whose work, exactly, is ``course.view_progress`` (a cohort) and ``can_act_for`` (a learner)."""
    from lms.cohorts.queries import instructs_course

    if course is None:
        return False
    if edit_course(user, course):
        return True
    # Only experts can be chosen as instructors (the cohort form's list), so a learner never is: skip the query.
    return user.has_role(Role.AUTHOR, Role.ASSESSOR) and instructs_course(user.id, course.id)


@rule("course.import_view")
def view_import(user, job) -> bool:
    """An OLX import job is seen by the author who started it (and admins)."""
    return job is not None and (user.is_admin or job.user_id == user.id)
