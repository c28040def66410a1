"""The database: the SQLAlchemy object, SQLite tuning, and the one commit per request.

SQLite is tuned as the research notes prescribe (WAL, busy timeout, foreign keys) and write transactions
are opened with ``BEGIN IMMEDIATE``: a deferred ``BEGIN`` that reads and then writes fails with "database
is locked" under concurrency instead of waiting. Requests with a safe method open a deferred (read)
transaction unless their view is marked with :func:`writes`; everything outside a request (CLI, jobs)
writes.

Services flush, never commit. After each request :func:`init_app`'s hook commits once when the response
is a success, and rolls back otherwise, so a rejected form or a failed import leaves nothing half-written.
A read request that must still record something small (a visit, a token's last use) hands it to
:func:`after_commit_write`: it runs after that commit in its own short write transaction, so the read
never has to be upgraded to a write.

On SQLite, a request whose first database access is a prepared statement (:func:`connection`) runs on a
connection of its own without an ORM session; the session joins that connection if the request needs it.
"""

from __future__ import annotations

import functools
import random
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session

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


class RequestSession(FlaskSession):
    """The ORM session, which joins the request's own SQLite connection when one is open (:func:`connection`)."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):  # noqa: ANN001, ANN201
        if bind is None:
            own = request_state().get(_REQUEST_CONNECTION)
            if own is not None:
                return own
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


# "control_fully": when the session joins the request's connection, its commit and rollback are that
# connection's, as if the session had opened the transaction itself.
db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession, "join_transaction_mode": "control_fully"})
_REQUEST_CONNECTION = "db_request_connection"
_MAY_OPEN_CONNECTION = "db_may_open_connection"


def writes[F: Callable[..., Any]](view: F) -> F:
    """Mark a view that writes although its method is safe (e.g. a GET that records a visit)."""
    view._db_writes = True  # type: ignore[attr-defined]
    return view


def reads_first[F: Callable[..., Any]](view: F) -> F:
    """Mark a view with an unsafe method that reads before it writes: it starts in a read transaction and
    calls :func:`begin_writing` when it is about to change something, so SQLite's write lock (one writer
    at a time) is held for the write alone, not for the whole request."""
    view._db_reads_first = True  # type: ignore[attr-defined]
    return view


def begin_writing() -> None:
    """End the read phase of a :func:`reads_first` view; what follows runs in a write transaction.

    The read transaction wrote nothing, so ending it loses nothing; loaded objects stay usable (they are
    not expired), and the write transaction that begins at the next statement is ``BEGIN IMMEDIATE``.
    """
    state = request_state()
    if not state.get("db_reads_first"):
        return
    state["db_reads_first"] = False
    state["db_writes"] = True
    dbapi_connection = _sqlite_transaction_connection()
    if dbapi_connection is not None:
        # End the read and take the write lock on the same connection, which the request keeps.
        # Committing the session instead would hand the connection back to the pool and take it out
        # again: a sixth of a handler call.
        dbapi_connection.execute("COMMIT")
        _begin_immediate(dbapi_connection)
        return
    if db.session.registry.has():
        _commit_keeping_objects(db.session())


def end_writing() -> None:
    """Commit the write phase of a :func:`reads_first` view now, before its response is built.

    The write lock is then released as soon as the change is saved instead of after the response
    hooks: measured under load, a handler call held SQLite's lock 0.9 ms, most of it after the save.
    The request's own commit then has nothing left to do; objects stay loaded for the response.
    """
    if not request_state().get("db_writes"):
        return
    session = db.session() if db.session.registry.has() else None
    if session is not None:
        session.flush()
    dbapi_connection = _sqlite_transaction_connection()
    if dbapi_connection is not None:
        # Ending the transaction on the connection costs a quarter of the session's commit, all of which
        # every other writer waits for. The rest of the request runs in SQLite's autocommit mode (each
        # statement its own transaction); the request's final commit finds no SQLite transaction left.
        dbapi_connection.execute("COMMIT")
        if session is not None:
            _run_after_commit(session)
        return
    if session is not None:
        _commit_keeping_objects(session)


def _sqlite_transaction_connection():  # noqa: ANN202 - a sqlite3.Connection
    """The DB-API connection of the request's open SQLite transaction, else None.

    On SQLite the transaction is ours to issue (see _tune_sqlite), so the read/write phases of a
    :func:`reads_first` view switch on the connection itself, which the request keeps.
    """
    own = request_state().get(_REQUEST_CONNECTION)
    if own is not None:
        return own.connection.dbapi_connection if own.in_transaction() else None
    if db.session.registry.has():
        session = db.session()
        if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
            return session.connection().connection.dbapi_connection
    return None


def _commit_keeping_objects(session: Session) -> None:
    """Commit without expiring loaded objects: what they hold is what was just committed."""
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def connection() -> Connection:
    """The request's connection (same transaction as the ORM session), for prebuilt Core statements and
    ``lms.prepared`` on hot paths.

    A Core statement executed through ``db.session.execute`` pays for the ORM's compile state and result
    wrapping although it loads no objects: measured, twice the cost of executing it on the connection.

    On SQLite, a request that reaches the database through here first gets a connection of its own and
    no ORM session at all: beginning and committing a session cost a seventh of a learner's unit page
    (measured), which runs only prepared statements. If the request then uses the ORM after all, the
    session joins this connection and its transaction (:class:`RequestSession`), so both see the same
    data and commit together. Elsewhere (PostgreSQL, CLI commands, jobs) it is the session's connection.
    """
    state = request_state()
    own = state.get(_REQUEST_CONNECTION)
    if own is None:
        if not state.get(_MAY_OPEN_CONNECTION) or (db.session.registry.has() and db.session().in_transaction()):
            return db.session.connection()
        own = state[_REQUEST_CONNECTION] = db.engine.connect()
    if not own.in_transaction():
        own.begin()  # the "begin" hook of _tune_sqlite issues BEGIN or BEGIN IMMEDIATE
    return own


def after_commit(fn: Callable[[], Any]) -> None:
    """Run ``fn`` once the current transaction has committed, and never if it rolls back.

    For effects outside the database (an e-mail, a notification): a reset link must not be mailed for
    an account whose creation is then rolled back. Works in requests, CLI commands and jobs alike.
    """
    db.session().info.setdefault("after_commit", []).append(fn)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for fn in session.info.pop("after_commit", []):
        fn()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop("after_commit", None)


def keep_writes_on_error() -> None:
    """Commit this request's writes even though the response is an error (e.g. a failed-login record)."""
    request_state()["db_commit_on_error"] = True


def _wants_write_transaction() -> bool:
    if not has_request_context():
        return True
    state = request_state()
    if state.get("db_writes", False):
        return True
    return request.method not in SAFE_METHODS and not state.get("db_reads_first", False)


def _mark_writing_views() -> None:
    state = request_state()
    state[_MAY_OPEN_CONNECTION] = current_app.extensions["lms_db_own_connections"]
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return
    if getattr(view, "_db_writes", False):
        state["db_writes"] = True
    elif getattr(view, "_db_reads_first", False) and request.method not in SAFE_METHODS:
        state["db_reads_first"] = True


def after_commit_write(fn: Callable[[], Any]) -> None:
    """Run ``fn`` (which only flushes) after this request commits, in a write transaction of its own."""
    if not has_request_context():
        fn()
        return
    request_state().setdefault("db_after_commit", []).append(fn)


def _finish_request(response: Response) -> Response:
    state = request_state()
    pending = state.pop("db_after_commit", [])  # dropped with the rest when the request fails
    if not pending and not db.session.registry.has() and _REQUEST_CONNECTION not in state:
        return response  # the request never used the database (a static file, a redirect, a 404)
    if response.status_code < 400 or state.get("db_commit_on_error"):
        _commit_request()
        if pending:
            state["db_writes"] = True  # the next BEGIN is IMMEDIATE
            for fn in pending:
                fn()
            _commit_request()
    else:
        if db.session.registry.has():
            db.session.rollback()
        own = state.get(_REQUEST_CONNECTION)
        if own is not None and own.in_transaction():
            own.rollback()
    return response


def _commit_request() -> None:
    own = request_state().get(_REQUEST_CONNECTION)
    own_open = own is not None and own.in_transaction()
    if db.session.registry.has():
        if own_open:
            # The session takes the transaction over, so one commit covers both and after_commit
            # callbacks run once it is saved.
            db.session.connection()
        db.session.commit()
    elif own_open:
        own.commit()


def _close_request_connection(_exc: BaseException | None) -> None:
    own = request_state().pop(_REQUEST_CONNECTION, None)
    if own is None:
        return
    if own.in_transaction() and db.session.registry.has():
        db.session.rollback()  # a view raised: its session's work ends with the connection under it
    own.close()  # rolls back whatever is left, returns the connection to the pool


BUSY_TIMEOUT_SECONDS = 10


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):  # noqa: ANN001
        # Take transaction control away from pysqlite so that "begin" below decides the BEGIN kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            f"busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}",
            "foreign_keys=ON",
            "synchronous=NORMAL",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):  # noqa: ANN001
        dbapi_connection = connection.connection.dbapi_connection
        if _wants_write_transaction():
            _begin_immediate(dbapi_connection)
        else:
            dbapi_connection.execute("BEGIN")  # straight to sqlite3: this runs once per request


def _begin_immediate(dbapi_connection) -> None:  # noqa: ANN001
    """Take SQLite's write lock, polling in short steps.

    SQLite's own busy handler sleeps in growing steps (up to 100 ms) while the lock is held elsewhere, so
    under load waiting workers sleep long after it is free (measured: p50 104 ms for a 12 ms handler).
    Writers are short, so polling every millisecond or two serves them in order of need instead.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    delay = 0.0002
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not security
                delay = min(delay * 2, 0.002)
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        # Building the engine opens no connection: create_app runs no SQL.
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _tune_sqlite(engine)
        # Requests open a connection of their own where prepared statements bypass SQLAlchemy (SQLite).
        app.extensions["lms_db_own_connections"] = engine.dialect.name == "sqlite"
    # Registered before any other before_request hook, so the flag is set before the first query.
    app.before_request_funcs.setdefault(None, []).insert(0, _mark_writing_views)
    app.after_request(_finish_request)
    app.teardown_request(_close_request_connection)


def is_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def dialect_insert(model: type):
    """``insert(model)`` of the current dialect, which offers ``on_conflict_do_update``."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def upsert(model: type, values: dict[str, Any], index_elements: list[str], update: list[str]):
    """An INSERT … ON CONFLICT DO UPDATE statement for SQLite and PostgreSQL alike."""
    stmt = dialect_insert(model).values(**values)
    return stmt.on_conflict_do_update(
        index_elements=index_elements, set_={name: stmt.excluded[name] for name in update}
    )


def transactional[F: Callable[..., Any]](fn: F) -> F:
    """For CLI commands and jobs: commit when ``fn`` returns, roll back when it raises."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result

    return wrapper  # type: ignore[return-value]
