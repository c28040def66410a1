"""Permission rules owned by the cohorts package.

A cohort follows its course's own roles. It is run (created, edited, its instructors chosen, learners
enrolled and withdrawn) by admins and by the course's staff: its owner and co-authors, as the courses
package tells the core through ``lms.cohorts.catalogue``. Its instructors are assigned by those; they see the
cohort (its learners) and, through the courses package's rules, assess its learners, but they do not change
who is in it. Nobody else sees a cohort or its learners. A new-cohort form is open to admins and authors;
its course list holds only the courses the user runs (``catalogue.course_choices``).
"""

from lms.accounts.models import Role
from lms.cohorts import catalogue
from lms.permissions import rule


@rule("cohort.create")
def create_cohort(user, _obj) -> bool:
    return user.has_role(Role.ADMIN, Role.AUTHOR)


@rule("cohort.list")
def list_cohorts(user, _obj) -> bool:
    return user.has_role(Role.ADMIN, Role.AUTHOR, Role.ASSESSOR)


@rule("cohort.view")
def view_cohort(user, cohort) -> bool:
    """The cohort's page and its learners: those who run it and its instructors."""
    return cohort is not None and (cohort.has_instructor(user) or manage_cohort(user, cohort))


@rule("cohort.manage")
def manage_cohort(user, cohort) -> bool:
    """Edit the cohort, choose its instructors, enroll and withdraw learners: admins and the course's staff."""
    return cohort is not None and (user.is_admin or catalogue.is_course_staff(user, cohort.course_id))
