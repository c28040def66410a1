"""Permission rules owned by the institutions package."""

from lms.permissions import rule


@rule("admin.institutions")
def manage_institutions(user, _obj) -> bool:
    return user.is_admin
