"""The database and the unit of work: one session and one transaction per request, CLI command or job.

* A request commits once, after its view, when the response is a success, and rolls back otherwise
  (``lms/request_transaction.py``). Commands and jobs run in :func:`unit_of_work`, which commits when its
  block ends and rolls back when it raises; inside a unit of work it joins it. Services flush, never
  commit.
* :func:`after_commit` registers work that must see the committed fact (mail, jobs, a certificate). It
  runs once after that commit, never after a rollback; a failure is logged and undoes nothing. Work
  that writes opens a ``unit_of_work()`` of its own (``lms/after_commit.py`` keeps the books).
* On SQLite a unit of work that writes begins ``IMMEDIATE``, after its turn in the writers' queue; one
  that reads begins deferred (``lms/sqlite.py`` says why).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

from lms import after_commit as callbacks
from lms import sqlite

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
    open_unit(session)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        close_unit(session)
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


def open_unit(session: Session) -> None:
    """Open the session's unit of work (``lms.request_transaction`` does, for each request it serves)."""
    session.info[_OPEN] = True


def close_unit(session: Session) -> bool:
    """Mark the session's unit of work ended; whether one was open (its owner commits or rolls back)."""
    return bool(session.info.pop(_OPEN, False))


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":  # building the engine opens no connection
            sqlite.tune(db.engine)
