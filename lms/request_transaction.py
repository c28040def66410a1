"""Each request is a unit of work (``lms.db``): opened before the first hook that may read the database,
committed once after the view when the response is a success (or the view called
:func:`keep_writes_on_error`), rolled back otherwise, and rolled back at teardown if the view raised.

On SQLite the request's transaction writes (``BEGIN IMMEDIATE``, after its turn in the writers' queue of
``lms.sqlite``) when its method is unsafe or its view is marked :func:`writes`, and reads (deferred
``BEGIN``) otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request

from lms import sqlite
from lms.db import close_unit, db, open_unit
from lms.per_request import request_state

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def writes[F: Callable[..., Any]](view: F) -> F:
    """Mark a view that writes although its method is safe: on SQLite it then begins ``IMMEDIATE``."""
    view._db_writes = True  # type: ignore[attr-defined]
    return view


def keep_writes_on_error() -> None:
    """Commit this request's writes although its response is an error (a failed log-in's record)."""
    request_state()["db_keep_on_error"] = True


def serving_request() -> bool:
    """Whether a request is being served (not merely a request context pushed, as by a test or a shell)."""
    return bool(request_state().get("db_serving"))


def _begin_request() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    writing = request.method not in SAFE_METHODS or getattr(view, "_db_writes", False)
    state = request_state()
    state["db_writes_token"] = sqlite.writes.set(writing)
    state["db_serving"] = True
    open_unit(db.session())


def _finish_request(response: Response) -> Response:
    session = db.session()
    close_unit(session)
    if not session.in_transaction():
        # Nothing read or written through the session (a probe, or a page whose one read ran alone:
        # ``HotStatement.first_alone``), and no after-commit work, which begins one: nothing to end.
        return response
    if response.status_code < 400 or request_state().get("db_keep_on_error"):
        session.commit()
    else:
        session.rollback()
    return response


def _end_request(_error: BaseException | None) -> None:
    if not serving_request():
        return  # a request context pushed inside other work (a test, a job): that work's unit decides
    if db.session.registry.has() and close_unit(db.session()):  # the view raised: keep nothing
        db.session.rollback()
    sqlite.writes.reset(request_state().pop("db_writes_token"))


def init_app(app: Flask) -> None:
    # First before_request hook: the unit of work is open before any other hook reads the database.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
