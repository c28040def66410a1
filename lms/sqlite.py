"""SQLite's side of the unit of work: connection settings, and which ``BEGIN`` a unit of work issues.

pysqlite's own transaction handling is switched off (it would begin only before the first write, so
reads before it ran outside any transaction) and SQLAlchemy's documented ``begin`` hook issues the
``BEGIN`` instead: ``BEGIN IMMEDIATE`` when the unit of work writes, which takes the write lock at once
(waiting up to the busy timeout), a deferred ``BEGIN`` when it only reads. A deferred transaction that
reads and then writes fails at once if another writer committed in between (``SQLITE_BUSY_SNAPSHOT``),
whatever the timeout: shared/research/transactions.md §3. WAL lets readers and the writer run together.

A request may instead take the write lock late, right before it reads what it will change
(:func:`take_write_lock`, through ``lms.db.reads_first``): its transaction begins deferred and is upgraded
there. SQLite upgrades it only when no other writer holds the lock and none has committed since the
transaction's first read, so the reads before are as current as in an ``IMMEDIATE`` transaction; when it
refuses, :class:`WriteLockRefused` ends the attempt and ``lms.db`` runs the request again from the start
with ``BEGIN IMMEDIATE`` (design C of transactions.md §4). The lock is then held for the change alone, not
for the request's reads: handler POSTs reached 9.8% of bare Flask with the whole request under the lock,
against a floor of 20% (bench/README.md).
"""

from __future__ import annotations

import random
import time
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

BUSY_TIMEOUT_MS = 10_000
# Whether the transaction beginning now writes: set by lms.db for requests and unit_of_work blocks (outside
# them, in a test body or a shell, transactions begin deferred and do not take the lock while idle).
writes: ContextVar[bool] = ContextVar("lms_sqlite_writes", default=False)


def tune(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):  # noqa: ANN001
        if writes.get():
            _begin_immediate(connection)
        else:
            connection.exec_driver_sql("BEGIN")
        connection.info[_DEFERRED] = not writes.get()


class WriteLockRefused(Exception):
    """SQLite would not upgrade a deferred transaction: another writer holds the lock or has committed."""


_DEFERRED = "lms_sqlite_deferred"
# Any statement that writes takes the lock, also one that changes no row (SQLite starts the write
# transaction before it looks at the rows); alembic_version exists in every migrated database.
_UPGRADE = "UPDATE alembic_version SET version_num = version_num WHERE 0"


def take_write_lock(connection: Connection) -> None:
    """Upgrade the connection's deferred transaction to a write transaction, or raise WriteLockRefused."""
    if not connection.info.get(_DEFERRED):
        return  # began IMMEDIATE, or upgraded already
    try:
        connection.exec_driver_sql(_UPGRADE)
    except OperationalError as error:
        if "locked" in str(error.orig):
            raise WriteLockRefused from error
        raise
    connection.info[_DEFERRED] = False


def _begin_immediate(connection: Connection) -> None:
    """``BEGIN IMMEDIATE``, waiting for the write lock in short steps of our own.

    SQLite's busy handler sleeps 1, 2, 5, 10, 15, 20, 25 … 100 ms between tries, so a writer that waits
    for another sleeps long after the lock is free: handler POSTs (a write each, about a millisecond
    under the lock) reached 14.5% of bare Flask in bench/courseware.py with it, against the 20% floor,
    with a p99 of 145 ms. Polling every 0.2 to 2 ms (jittered) serves them in about the time they need
    (figures in bench/README.md). The busy timeout still bounds the wait.
    """
    connection.exec_driver_sql("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.0002
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if "locked" not in str(error.orig) or time.monotonic() > deadline:
                    raise
            time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter, not security
            delay = min(delay * 2, 0.002)
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
