"""Permission rules owned by the cohorts package.

Cohorts are created by admins and by the experts who deliver them (authors and assessors); whoever
creates a cohort becomes one of its instructors. A cohort is managed by admins and its instructors.
"""

from lms.accounts.models import Role
from lms.permissions import rule


@rule("cohort.create")
def create_cohort(user, _obj) -> bool:
    return user.has_role(Role.ADMIN, Role.AUTHOR, Role.ASSESSOR)


@rule("cohort.list")
def list_cohorts(user, _obj) -> bool:
    return user.has_role(Role.ADMIN, Role.AUTHOR, Role.ASSESSOR)


@rule("cohort.manage")
def manage_cohort(user, cohort) -> bool:
    return user.is_admin or (cohort is not None and cohort.has_instructor(user))
