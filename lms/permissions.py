"""Who may do what: one registry of named permissions and one helper to check them everywhere.

Each package registers the rules for its own permissions with :func:`rule` (core rules live in
``lms/accounts/rules.py``, course rules in ``courses/rules.py``). Views and API calls never test roles
themselves: they call :func:`require` (or decorate with :func:`permission_required`), so the table-driven
permission test in ``tests/test_permissions.py`` covers every place a decision is made.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort
from flask_login import current_user

from lms.accounts.session_user import request_user
from lms.per_request import request_state

Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


class UnknownPermission(KeyError):
    """A permission name no package registered: a programming error, never a 403."""


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register ``fn(user, obj) -> bool`` as the rule for permission ``name``."""

    def decorator(fn: Rule) -> Rule:
        if name in _RULES and _RULES[name] is not fn:
            raise ValueError(f"permission {name!r} is registered twice")
        _RULES[name] = fn
        return fn

    return decorator


def registered() -> list[str]:
    return sorted(_RULES)


def can(name: str, obj: Any = None, user: Any = None) -> bool:
    """Whether ``user`` (default: the current user) holds permission ``name`` on ``obj``.

    Answers are remembered for the rest of the request: a page asks the same question several times
    (menu, view, template), and some rules need a query.
    """
    user = request_user() if user is None else user
    try:
        check = _RULES[name]
    except KeyError as exc:
        raise UnknownPermission(name) from exc
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    memo = request_state().setdefault("permission_answers", {})
    key = (name, getattr(user, "id", None), type(obj).__name__, getattr(obj, "id", id(obj)))
    if key not in memo:
        memo[key] = bool(check(user, obj))
    return memo[key]


def forget_answers() -> None:
    """Drop remembered answers, after a change in this request that alters them (a role, an enrollment)."""
    request_state().pop("permission_answers", None)


def require(name: str, obj: Any = None) -> None:
    """Stop the request unless the current user holds ``name``: 401 when anonymous, 403 otherwise."""
    if not current_user.is_authenticated:
        abort(401)
    if not can(name, obj):
        abort(403)


def permission_required(name: str) -> Callable:
    """View decorator for permissions that need no object."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            require(name)
            return view(*args, **kwargs)

        wrapper._permission = name  # type: ignore[attr-defined]
        return wrapper

    return decorator
