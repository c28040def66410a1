"""The database and the unit of work: one session and one transaction per request, CLI command or job.

* A request commits once, after its view, when the response is a success (or the view called
  :func:`keep_writes_on_error`), and rolls back otherwise. Commands and jobs run in :func:`unit_of_work`,
  which commits when its block ends and rolls back when it raises; inside a unit of work it joins it.
  Services flush, never commit.
* :func:`after_commit` registers work that must see the committed fact (mail, jobs, a certificate). It
  runs once after that commit, never after a rollback; a failure is logged and undoes nothing. Work
  that writes opens a ``unit_of_work()`` of its own (``lms/after_commit.py`` keeps the books).
* On SQLite a unit of work that writes (a request with an unsafe method or a :func:`writes` view, every
  command and job) begins ``IMMEDIATE``; one that reads begins deferred (``lms/sqlite.py`` says why).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, Response, current_app, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

from lms import after_commit as callbacks
from lms import sqlite
from lms.per_request import request_state

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Stable constraint names, so Alembic can alter them on both SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LmsSession(FlaskSession):
    """The session: its outermost commit is followed by the after-commit work it made ready."""

    def commit(self) -> None:
        super().commit()
        callbacks.run(self)


db = SQLAlchemy(model_class=Base, session_options={"class_": LmsSession})
_OPEN = "lms_unit_of_work_open"  # session.info: a unit of work is open (a request, a command, a job)


def writes[F: Callable[..., Any]](view: F) -> F:
    """Mark a view that writes although its method is safe: on SQLite it then begins ``IMMEDIATE``."""
    view._db_writes = True  # type: ignore[attr-defined]
    return view


def keep_writes_on_error() -> None:
    """Commit this request's writes although its response is an error (a failed log-in's record)."""
    request_state()["db_keep_on_error"] = True


@contextlib.contextmanager
def unit_of_work() -> Iterator[Session]:
    """Run the block as one writing transaction: committed when it ends, rolled back when it raises."""
    session = db.session()
    if session.info.get(_OPEN):
        yield session  # part of the unit of work around it, which commits
        return
    if callbacks.running(session) and session.in_transaction():
        session.rollback()  # what after-commit work read before is not part of this unit
    token = sqlite.writes.set(True)
    session.info[_OPEN] = True
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_OPEN] = False
        sqlite.writes.reset(token)
    session.commit()


def after_commit(fn: Callable[[], Any]) -> None:
    """Run ``fn`` once after the current unit of work commits; never if it, or the savepoint, rolls back.

    Raises ``RuntimeError`` inside after-commit work that opened no unit of work: no commit is coming.
    """
    if not in_unit_of_work():
        raise RuntimeError("after_commit() in after-commit work: open a unit_of_work() for the work first")
    callbacks.register(db.session(), fn)


def in_unit_of_work() -> bool:
    """Whether a commit is still to come for work registered now (False only in after-commit work)."""
    session = db.session()
    return bool(session.info.get(_OPEN)) or not callbacks.running(session)


def serving_request() -> bool:
    """Whether a request is being served (not merely a request context pushed, as by a test or a shell)."""
    return bool(request_state().get("db_serving"))


def _begin_request() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    writing = request.method not in SAFE_METHODS or getattr(view, "_db_writes", False)
    state = request_state()
    state["db_writes_token"] = sqlite.writes.set(writing)
    state["db_serving"] = True
    db.session().info[_OPEN] = True


def _finish_request(response: Response) -> Response:
    session = db.session()
    session.info[_OPEN] = False
    if response.status_code < 400 or request_state().get("db_keep_on_error"):
        session.commit()
    else:
        session.rollback()
    return response


def _end_request(_error: BaseException | None) -> None:
    if not serving_request():
        return  # a request context pushed inside other work (a test, a job): that work's unit decides
    if db.session.registry.has() and db.session().info.pop(_OPEN, False):  # the view raised: keep nothing
        db.session.rollback()
    token = request_state().pop("db_writes_token", None)
    if token is not None:
        sqlite.writes.reset(token)


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # building the engine opens no connection
            sqlite.tune(db.engine)
    # First before_request hook: the unit of work is open before any other hook reads the database.
    app.before_request_funcs.setdefault(None, []).insert(0, _begin_request)
    app.after_request(_finish_request)
    app.teardown_request(_end_request)
