"""The bookkeeping behind ``lms.db.after_commit``: which callbacks wait for which transaction, and running
them once the outermost transaction has committed.

A callback belongs to the transaction (or savepoint) that was innermost when it was registered. When a
savepoint rolls back, its callbacks go with it; when it is released they wait for the transaction
around it. When the outermost transaction commits they become *ready*, and ``LmsSession.commit`` runs
them (SQLAlchemy's ``after_commit`` event cannot: no SQL may run inside it). Each runs on its own:
one that raises is logged and the others still run. Callbacks that a callback's own unit of work makes
ready join the same list, so everything runs exactly once, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)
PENDING, READY, RUNNING, COMMITTED = "lms_pending", "lms_ready", "lms_running", "lms_committed"


def register(session: Session, fn: Callable[[], Any]) -> None:
    if not session.in_transaction():
        session.begin()  # lazy: no connection and no SQL until the work needs them
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING, []).append((transaction, fn))


def running(session: Session) -> bool:
    """Whether after-commit work of this session is running now."""
    return bool(session.info.get(RUNNING))


def run(session: Session) -> None:
    """Run the callbacks the last outermost commit made ready (called right after a commit)."""
    ready = session.info.get(READY)
    if not ready or session.info.get(RUNNING):
        return  # nothing to run, or an outer call is already working through the list
    session.info[RUNNING] = True
    try:
        while ready:
            fn = ready.pop(0)
            try:
                fn()
            except Exception:
                log.exception("after-commit work %r failed; the committed work stands", fn)
            if session.in_transaction():
                session.rollback()  # reads it left open; its writes were committed by its own unit of work
    finally:
        session.info[RUNNING] = False


@event.listens_for(Session, "after_commit")
def _mark_committed(session: Session) -> None:
    # Fired for released savepoints too; after_transaction_end, which comes next, says which one it was.
    session.info[COMMITTED] = True


@event.listens_for(Session, "after_transaction_end")
def _settle(session: Session, transaction: SessionTransaction) -> None:
    committed = session.info.pop(COMMITTED, False)
    pending = session.info.get(PENDING)
    if not pending:
        return
    if not committed:  # rolled back (or closed): drop what was registered in it or in a savepoint inside it
        pending[:] = [(tx, fn) for tx, fn in pending if not _within(tx, transaction)]
    elif transaction.parent is None:  # the outermost transaction committed
        session.info.setdefault(READY, []).extend(fn for _tx, fn in pending)
        pending.clear()


def _within(inner: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while inner is not None and inner is not outer:
        inner = inner.parent
    return inner is outer
