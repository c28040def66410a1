"""SQLite's side of the unit of work: connection settings, which ``BEGIN`` a unit of work issues, and the
queue writers wait in.

pysqlite's own transaction handling is switched off (it would begin only before the first write, so
reads before it ran outside any transaction) and SQLAlchemy's documented ``begin`` hook issues the
``BEGIN`` instead: ``BEGIN IMMEDIATE`` when the unit of work writes, which takes SQLite's one write lock
at once, a deferred ``BEGIN`` when it only reads. A deferred transaction that reads and then writes fails
at once if another writer committed in between (``SQLITE_BUSY_SNAPSHOT``), whatever the timeout
(shared/research/transactions.md §3). WAL lets readers and the writer run together.

**The writers' queue.** Before ``BEGIN IMMEDIATE`` a connection takes an exclusive ``flock`` on a file
beside the database, and gives it back when the connection returns to the pool after its commit or
rollback. Writers of every process of the installation (web workers, the queue worker, commands) then
wait their turn in the kernel, and the next one starts the moment the lock is free. SQLite's own busy
handler, still the fallback for writers outside the application, sleeps 1, 2, 5, 10 … 100 ms between
tries, so waiters sleep long after the lock is free: handler POSTs (a write each) reached 9.8% of bare
Flask with it and 14.2% with SQLAlchemy-level polling of ``BEGIN IMMEDIATE``, against the 20% floor of
bench/courseware.py; the queue is what buys that floor (figures in bench/README.md).

The wait is bounded by the busy timeout like SQLite's. A blocking ``flock`` has no timeout of its own, so
the main thread (a gunicorn sync worker, a command) blocks under a ``SIGALRM`` timer; other threads, which
cannot take signals, and a process whose timer is already in use (RQ's job timeout) poll the lock every
50 µs instead. The blocking wait is the second path that buys the floor: polling hands the turn over up
to a poll late and burns the CPU the writer holding the turn needs (bench/README.md).
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from contextvars import ContextVar

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

BUSY_TIMEOUT_MS = 10_000
# Whether the transaction beginning now writes: set by lms.db for requests and unit_of_work blocks (outside
# them, in a test body or a shell, transactions begin deferred and do not take the lock while idle).
writes: ContextVar[bool] = ContextVar("lms_sqlite_writes", default=False)
_POLL_SECONDS = 0.00005
_QUEUE_FILE, _HOLDS_QUEUE = "lms_writer_queue_fd", "lms_writer_queue_held"  # keys of the connection's info


class WriterQueueTimeout(OperationalError):
    """No turn in the writers' queue within the busy timeout (reported like SQLite's "database is locked")."""


def tune(engine: Engine) -> None:
    database = engine.url.database
    queue_path = f"{database}-writers" if database and database != ":memory:" else None

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", f"busy_timeout={BUSY_TIMEOUT_MS}", "foreign_keys=ON", "synchronous=NORMAL"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):  # noqa: ANN001
        if not writes.get():
            connection.exec_driver_sql("BEGIN")
            return
        if queue_path is not None:
            _wait_for_turn(connection, queue_path)
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):  # noqa: ANN001 - after the commit or rollback
        if record.info.pop(_HOLDS_QUEUE, False):
            fcntl.flock(record.info[_QUEUE_FILE], fcntl.LOCK_UN)

    @event.listens_for(engine, "close")
    def on_close(_dbapi_connection, record):  # noqa: ANN001
        record.info.pop(_HOLDS_QUEUE, None)
        descriptor = record.info.pop(_QUEUE_FILE, None)
        if descriptor is not None:
            os.close(descriptor)  # closing the file also gives the turn back


def _wait_for_turn(connection: Connection, queue_path: str) -> None:
    info = connection.info  # the pooled DB-API connection's, the same the checkin hook sees
    if info.get(_HOLDS_QUEUE):
        return  # a second transaction before the connection went back to the pool: still its turn
    descriptor = info.get(_QUEUE_FILE)
    if descriptor is None:
        descriptor = info[_QUEUE_FILE] = os.open(queue_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no one writing: the usual case
    except BlockingIOError:
        seconds = BUSY_TIMEOUT_MS / 1000
        if threading.current_thread() is threading.main_thread() and signal.getitimer(signal.ITIMER_REAL)[0] == 0:
            _block_for_turn(descriptor, seconds)
        else:
            _poll_for_turn(descriptor, seconds)
    info[_HOLDS_QUEUE] = True


def _block_for_turn(descriptor: int, seconds: float) -> None:
    """Sleep in ``flock`` until the turn comes, interrupted by ``SIGALRM`` after ``seconds``."""

    def give_up(_signum, _frame) -> None:  # noqa: ANN001
        raise _queue_timeout()

    previous = signal.signal(signal.SIGALRM, give_up)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except WriterQueueTimeout:
        fcntl.flock(descriptor, fcntl.LOCK_UN)  # the alarm may ring just after the turn came: give it back
        raise
    finally:
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def _poll_for_turn(descriptor: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise _queue_timeout() from None
            time.sleep(_POLL_SECONDS)


def _queue_timeout() -> WriterQueueTimeout:
    return WriterQueueTimeout("BEGIN IMMEDIATE", None, Exception("database is locked"))
