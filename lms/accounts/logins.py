"""Log-ins: each one a row (``UserLogin``) that its session and its remember-me cookie name, so that logging
out ends it for good.

Flask's session is a signed cookie and the server keeps nothing of it: a copy taken before the log-out (on
a shared computer, from a proxy's log, by malware) would go on working for the session's lifetime, and a
remember-me cookie for a year. So each log-in gets a random token. Flask-Login keeps the session id
``id:nonce:token`` (``AccountIdentity.get_id``) in the session and in the remember-me cookie, and the session
loader (``lms.accounts.session_user``) accepts it only while the log-in's row exists, in the statement that
loads the user anyway: no extra query on the path every request takes. Only the token's SHA-256 is stored,
as for every other secret of an account.

* :func:`log_in` starts a log-in and hands it to Flask-Login (log-in form, registration, password reset,
  the new session after a password change).
* :func:`log_out` ends the request's log-in: its session and its remember-me cookie, wherever copies are.
* :func:`log_out_everywhere` ends every log-in of the request's user, this browser's included (the profile
  page's button: whoever holds a copy of this very session is logged out too; the user logs in again).
* :func:`end_all` ends every log-in of a user (a password change, a deactivation).

A log-in lasts at most ``LOGIN_LIFETIME`` (365 days, which is also the remember-me cookie's lifetime):
older rows no longer count, and are deleted at the next log-in of anyone.

The remembered session cookies of ``lms.sessions`` cannot bring an ended log-in back: that cache remembers
that a cookie's signature is valid, which stays true; whether its log-in is still alive is asked of the
database on every request.
"""

from __future__ import annotations

import secrets

from flask_login import login_user, logout_user
from sqlalchemy import delete

from lms import audit
from lms.accounts.models import LOGIN_LIFETIME, User, UserLogin, hash_token
from lms.accounts.session_user import request_user, user_record
from lms.clock import utcnow
from lms.db import db


def start(user: User) -> str:
    """Record a new log-in of ``user`` and return its token (``user.get_id()`` now names it)."""
    token = secrets.token_urlsafe(18)
    now = utcnow()
    db.session.execute(delete(UserLogin).where(UserLogin.created_at < now - LOGIN_LIFETIME))
    db.session.add(UserLogin(token_hash=hash_token(token), user_id=user.id, created_at=now))
    db.session.flush()
    user.login_token = token
    return token


def log_in(user: User, remember: bool = False) -> None:
    """Start a log-in of ``user`` in this browser (the ORM ``User``, not the ``current_user`` proxy)."""
    start(user)
    login_user(user, remember=remember)


def log_out() -> None:
    """End the request's log-in: its row, so every copy of its session and remember-me cookies stops
    working, then the cookies in this browser."""
    token = getattr(request_user(), "login_token", None)
    if token:
        db.session.execute(delete(UserLogin).where(UserLogin.token_hash == hash_token(token)))
    logout_user()


def end_all(user: User) -> None:
    """End every log-in of ``user``, in every browser, remember-me cookies included."""
    db.session.execute(delete(UserLogin).where(UserLogin.user_id == user.id))


def log_out_everywhere() -> None:
    """End every log-in of the request's user, this one included, then clear this browser's cookies."""
    user = user_record(request_user())
    end_all(user)
    audit.record("user.logged_out_everywhere", "user", user.id)
    logout_user()
