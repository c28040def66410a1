"""Permission rules owned by the accounts package (see ``lms/permissions.py``)."""

from lms.accounts.models import Role
from lms.permissions import rule


@rule("admin.users")
def manage_users(user, _obj) -> bool:
    return user.is_admin


@rule("admin.outbox")
def read_outbox(user, _obj) -> bool:
    return user.is_admin


@rule("profile.edit")
def edit_own_profile(user, _obj) -> bool:
    return True


@rule("verify")
def verify_certificates(user, _obj) -> bool:
    return user.has_role(Role.VERIFIER, Role.ADMIN)
