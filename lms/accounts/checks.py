"""What an account's fields must be, asked wherever an account is made or changed: a person's name (one line,
at most :data:`NAME_MAX_LENGTH` characters), an e-mail address in its one stored form, and a password (long
enough, not too long, not among the commonest nor the address itself). Each check returns the problem as a
translated sentence for the form, or None; ``lms.accounts.services`` raises it as an ``AccountError``.
"""

from __future__ import annotations

import unicodedata

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

# A short list of the passwords most often tried first; length does the rest.
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "iloveyou12",
        "administrator",
        "welcome123",
        "rwanda2024",
        "rwanda2025",
        "rwanda2026",
        "kigali2025",
        "letmein123",
    }
)

NAME_MAX_LENGTH = 200  # User.name's column width: PostgreSQL refuses longer values
# Control characters (NUL, tab, CR, LF…) and Unicode's line and paragraph separators: a name is one line of
# text, shown in lists, certificates and mail headers, and PostgreSQL cannot store NUL at all.
_NOT_IN_NAMES = frozenset(("Cc", "Zl", "Zp"))


def is_one_line(text: str) -> bool:
    """No control character (NUL, tab, CR, LF…) and no Unicode line or paragraph separator in ``text``."""
    return not any(unicodedata.category(char) in _NOT_IN_NAMES for char in text)


def name_problem(name: str) -> str | None:
    """Why ``name`` (already stripped) cannot be a person's name, or None. Every way in (forms, the API,
    CSV imports, invitations, the command line) goes through ``services.create_user`` or
    ``services.update_profile``, which ask this; the CSV import also checks first, to report every bad line
    at once."""
    if not name or len(name) > NAME_MAX_LENGTH:
        return ngettext(
            "Give a name of at most %(num)d character.", "Give a name of at most %(num)d characters.", NAME_MAX_LENGTH
        )
    if not is_one_line(name):
        return _("A name must be one line of text, without tabs or other control characters.")
    return None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", minimum)
    if len(password) > 200:
        return _("Use at most 200 characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or (email and lowered == normalize_email(email)):
        return _("This password is too easy to guess.")
    return None
