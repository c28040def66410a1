"""SQLite's side of the unit of work: connection settings, and which ``BEGIN`` a unit of work issues.

pysqlite's own transaction handling is switched off (it would begin only before the first write, so
reads before it ran outside any transaction) and SQLAlchemy's documented ``begin`` hook issues the
``BEGIN`` instead: ``BEGIN IMMEDIATE`` when the unit of work writes, which takes the write lock at once
(waiting up to the busy timeout), a deferred ``BEGIN`` when it only reads. A deferred transaction that
reads and then writes fails at once if another writer committed in between (``SQLITE_BUSY_SNAPSHOT``),
whatever the timeout: shared/research/transactions.md §3. WAL lets readers and the writer run together.
"""

from __future__ import annotations

from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Engine

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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes.get() else "BEGIN")
