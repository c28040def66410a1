"""Run code in concurrent transactions and make their "check, then insert" really interleave.

``together(app, *calls, hold=pattern)`` runs each call in a thread of its own, in an application context
of its own (so with its own database session), as a unit of work (committed, or rolled back if it raised), and
returns what each call returned or raised. A race that depends on timing would pass by luck, so each
thread is held just before its first statement matching ``hold`` (the racy INSERT) until every thread has
reached it: all of them have made their check and none has inserted yet, the worst case.

Code that serialises the racers (a row lock, a unique index that makes the second insert wait for the
first transaction) keeps the others from arriving; a held thread then goes on as soon as another one is
seen waiting for a lock, so the test neither deadlocks nor waits for a timeout.

On SQLite, writers are serialised by ``BEGIN IMMEDIATE`` (``lms/db.py``): a second writer cannot even make
its check while the first one's transaction is open, so the race cannot happen and nothing is held; the
calls simply run at the same time and the outcome is asserted all the same.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import event, text

from lms.db import db, unit_of_work

HOLD_TIMEOUT_SECONDS = 30
RACE_NEEDS_POSTGRESQL = "SQLite serialises writers (BEGIN IMMEDIATE): a check and an insert cannot interleave there"


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


class _Holder:
    """Holds each racing thread before its first statement matching ``pattern`` until all are there."""

    def __init__(self, engine, pattern: str, parties: int):  # noqa: ANN001
        self.engine = engine
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self.parties = parties
        self.racers: set[int] = set()
        self.held: set[int] = set()
        self.arrived = 0  # threads that reached the statement, or finished without reaching it
        self.condition = threading.Condition()

    def finished(self) -> None:
        ident = threading.get_ident()
        with self.condition:
            if ident not in self.held:
                self.held.add(ident)
                self.arrived += 1
                self.condition.notify_all()

    def before_execute(self, _conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # noqa: ANN001
        ident = threading.get_ident()
        if ident not in self.racers or ident in self.held or not self.pattern.search(statement):
            return
        deadline = time.monotonic() + HOLD_TIMEOUT_SECONDS
        with self.condition:
            self.held.add(ident)
            self.arrived += 1
            self.condition.notify_all()
            while self.arrived < self.parties:
                if self._another_waits_for_a_lock():
                    return  # the code under test serialises the racers: let this one finish first
                if time.monotonic() > deadline:
                    raise AssertionError(f"the other threads never reached {self.pattern.pattern!r}")
                self.condition.wait(0.02)

    def _another_waits_for_a_lock(self) -> bool:
        with self.engine.connect() as connection:
            return bool(
                connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                )
            )


def together(app: Flask, *calls: Callable[[], Any], hold: str | None = None) -> list[Outcome]:
    """Run ``calls`` at the same time, each in its own thread, app context and transaction (see above)."""
    db.session.commit()  # the calls must see what the test set up, and nothing of the test's may block them
    engine = db.engine
    holder = _Holder(engine, hold, len(calls)) if hold and engine.dialect.name == "postgresql" else None
    start = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(index: int, call: Callable[[], Any]) -> None:
        if holder is not None:
            with holder.condition:
                holder.racers.add(threading.get_ident())
        with app.app_context():
            try:
                start.wait(timeout=HOLD_TIMEOUT_SECONDS)
                with unit_of_work():  # as a request that writes: committed, or rolled back when it raises
                    outcomes[index].value = call()
            except BaseException as error:  # noqa: BLE001 - handed to the test
                outcomes[index].error = error
            finally:
                db.session.remove()
                if holder is not None:
                    holder.finished()

    if holder is not None:
        event.listen(engine, "before_cursor_execute", holder.before_execute)
    try:
        threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2 * HOLD_TIMEOUT_SECONDS)
        assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    finally:
        if holder is not None:
            event.remove(engine, "before_cursor_execute", holder.before_execute)
    db.session.rollback()  # the test's own snapshot predates what the calls committed
    return outcomes


def errors(outcomes: list[Outcome]) -> list[BaseException]:
    return [outcome.error for outcome in outcomes if outcome.error is not None]
