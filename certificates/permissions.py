"""Permission rules owned by certificates."""

from lms.permissions import rule


@rule("certificates.manage")
def manage_certificates(user, _obj) -> bool:
    """Revoke, reinstate, re-issue, issue for a cohort: programme admins."""
    return user.is_admin
