"""The logged-in user of a page request, read from one row without the ORM.

Flask-Login loads the session's user on every request, so that load is on every page's and every
XBlock handler call's path. Loading the ORM ``User`` with its roles costs about three times what the same
row costs as one Core statement (measured in ``bench/inprocess.py``). ``SessionUser`` holds what requests
read of the user (the columns, the roles); anything else, and every change, goes through ``record``, the
ORM ``User`` loaded on first use. Writing a column on the session user raises instead of being lost.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from flask_login import current_user
from sqlalchemy import and_, bindparam, select

from lms import hot_sql
from lms.accounts.models import LOGIN_LIFETIME, AccountIdentity, User, UserLogin, UserRole, hash_token
from lms.clock import utcnow
from lms.db import db

_COLUMNS = ("id", "email", "name", "institution_id", "language", "gender", "active", "session_nonce")

_user_table = User.__table__
_role_table = UserRole.__table__
_login_table = UserLogin.__table__
# Built once: the user's columns and roles, one row per role (one row with a NULL role for none), and no
# row at all unless the session's log-in is alive (lms/accounts/logins.py): one statement, as before
# log-ins were recorded, and the log-in is found by its primary key.
_LOAD = hot_sql.HotStatement(
    select(*(_user_table.c[name] for name in _COLUMNS), _role_table.c.role)
    .select_from(
        _user_table.join(
            _login_table,
            and_(
                _login_table.c.token_hash == bindparam("login"),
                _login_table.c.user_id == _user_table.c.id,
                _login_table.c.created_at >= bindparam("since"),
            ),
        ).outerjoin(_role_table, _role_table.c.user_id == _user_table.c.id)
    )
    .where(_user_table.c.id == bindparam("id"))
)


class SessionUser(AccountIdentity):
    """What a request reads of the logged-in user; ``record`` is the ORM row for everything else."""

    def __init__(self, values: dict[str, Any], roles: frozenset[str]):
        self.__dict__.update(values)
        self.__dict__["roles"] = roles

    @cached_property
    def record(self) -> User:
        """The ORM ``User`` (from the session's identity map after the first use in this request)."""
        return db.session.get(User, self.id)

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the row does not hold (the institution, timestamps, ...).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.record, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _COLUMNS or name == "roles":
            raise AttributeError(f"SessionUser.{name} is read-only: change the user through .record")
        super().__setattr__(name, value)

    def __repr__(self) -> str:
        return f"<SessionUser {self.id} {self.email}>"


def load_session_user(user_id: str) -> SessionUser | None:
    """Flask-Login's user loader, for ids made by ``AccountIdentity.get_id`` (``id:nonce:login``), from the
    session or from the remember-me cookie: None unless the nonce is the user's and the log-in is alive."""
    raw_id, _, rest = user_id.partition(":")
    nonce, _, token = rest.partition(":")
    if not raw_id.isdigit() or not token:
        return None
    parameters = {"id": int(raw_id), "login": hash_token(token), "since": utcnow() - LOGIN_LIFETIME}
    rows = _LOAD.all(parameters)
    if not rows:
        return None
    values = dict(zip(_COLUMNS, rows[0][: len(_COLUMNS)], strict=True))
    if values["session_nonce"] != nonce or not values["active"]:
        return None
    values["login_token"] = token
    return SessionUser(values, frozenset(row[-1] for row in rows if row[-1] is not None))


def request_user() -> Any:
    """The request's user itself (``SessionUser`` or Flask-Login's anonymous user; None outside a
    request), not the ``current_user`` proxy: each use of the proxy costs a context lookup, and hot
    paths read the user dozens of times (permission answers, every block's signed handler URL)."""
    return current_user._get_current_object()  # noqa: SLF001 - the documented way to unwrap a proxy


def user_record(user: Any) -> User:
    """The ORM ``User`` behind a request's user, whichever kind it is (for changes and relationships)."""
    return user.record if isinstance(user, SessionUser) else user
