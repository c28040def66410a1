"""Each request is a unit of work (``lms.db``): opened before the first hook that may read the database,
committed once after the view when the response is a success (or the view called
:func:`keep_writes_on_error`), rolled back otherwise, and rolled back at teardown if the view raised.

On SQLite the request's transaction writes (``BEGIN IMMEDIATE``) when its method is unsafe or its view is
marked :func:`writes`, and reads (deferred ``BEGIN``) otherwise. A view marked :func:`reads_first` begins
deferred although it writes and calls :func:`begin_writing` right before it reads what it will change:
the write lock is held for the change alone. When SQLite refuses that upgrade (``lms.sqlite``), the
attempt is rolled back and the whole request runs again from the start, in a fresh request context,
taking the write lock at once; nothing of the first attempt is kept, and after-commit work only ever
follows the attempt that committed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, current_app, request

from lms import sqlite
from lms.db import close_unit, db, open_unit
from lms.per_request import request_state

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_AT_ONCE = "lms.write_lock_at_once"  # environ key: this run of the request takes the write lock at once
_RUN_AGAIN = "X-Lms-Run-Again"  # header of the first attempt's discarded answer (never sent)
RETRYABLE_BODY_MAX = 1024 * 1024


def writes[F: Callable[..., Any]](view: F) -> F:
    """Mark a view that writes although its method is safe: on SQLite it then begins ``IMMEDIATE``."""
    view._db_writes = True  # type: ignore[attr-defined]
    return view


def reads_first[F: Callable[..., Any]](view: F) -> F:
    """Mark a view with an unsafe method that takes the write lock late, at :func:`begin_writing`."""
    view._db_reads_first = True  # type: ignore[attr-defined]
    return view


def begin_writing() -> None:
    """Take the write lock now (SQLite; nothing to do elsewhere). Call it before reading what will change."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        sqlite.take_write_lock(connection)


def keep_writes_on_error() -> None:
    """Commit this request's writes although its response is an error (a failed log-in's record)."""
    request_state()["db_keep_on_error"] = True


def serving_request() -> bool:
    """Whether a request is being served (not merely a request context pushed, as by a test or a shell)."""
    return bool(request_state().get("db_serving"))


def _begin_request() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method in SAFE_METHODS:
        writing = getattr(view, "_db_writes", False)
    else:
        writing = request.environ.get(_AT_ONCE) or not getattr(view, "_db_reads_first", False)
    state = request_state()
    state["db_writes_token"] = sqlite.writes.set(writing)
    state["db_serving"] = True
    open_unit(db.session())


def _finish_request(response: Response) -> Response:
    session = db.session()
    close_unit(session)
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


def _refused(_error: sqlite.WriteLockRefused) -> Response:
    return Response(status=503, headers={_RUN_AGAIN: "1"})  # rolled back by _finish_request, then run again


class _RunAgainWhenRefused:
    """WSGI middleware: a request whose late write lock SQLite refused is run again, taking it at once."""

    def __init__(self, app: Callable):
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in SAFE_METHODS:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > RETRYABLE_BODY_MAX:
            return self.app(environ, start_response)  # an upload: its views take the lock at once anyway
        body = environ["wsgi.input"].read(length) if length else b""
        answered: list = []

        def hold(status: str, headers: list, exc_info: Any = None) -> Callable:
            answered[:] = [status, headers, exc_info]
            return lambda data: None

        first = self.app({**environ, "wsgi.input": io.BytesIO(body)}, hold)
        if not any(name == _RUN_AGAIN for name, _value in answered[1]):
            start_response(*answered)
            return first
        if hasattr(first, "close"):
            first.close()
        return self.app({**environ, "wsgi.input": io.BytesIO(body), _AT_ONCE: True}, start_response)


def init_app(app: Flask) -> None:
    # First before_request hook: the unit of work is open before any other hook reads the database.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
    app.register_error_handler(sqlite.WriteLockRefused, _refused)
    app.wsgi_app = _RunAgainWhenRefused(app.wsgi_app)  # type: ignore[method-assign]
