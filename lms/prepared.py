"""Prepared statements for the hottest requests: a prebuilt Core statement run straight on SQLite's cursor.

A learner's unit page and a handler call each run five or six small statements (the user, the course,
the enrolment, progress, the page's state, the state's upsert). SQLAlchemy Core spends about 20 µs
executing a prebuilt statement — execution context, parameter processing, result wrapping, event
dispatch — where sqlite3 itself spends about 2 µs (``bench/README.md``). ``Prepared`` compiles its
statement once and, on SQLite, runs the SQL on the session's own DB-API connection (so in the request's
transaction), applying the column types' bind and result processors itself: callers get the values
SQLAlchemy would give them.

SQLAlchemy executes the statement as usual when:

* the database is not SQLite: a PostgreSQL round trip dwarfs the overhead, and SQLAlchemy's execution
  path is also what notices a dropped connection there;
* anything listens to cursor execution (the query counters of the tests, APM instrumentation), so that
  they see every statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.expression import Executable

from lms.db import connection

_REQUIRED = object()


@dataclass(frozen=True)
class _Plan:
    """The compiled SQL and how to turn parameters in and rows out, for one dialect."""

    sql: str
    # (bind name, fixed value or _REQUIRED, bind processor or None), in the order of the SQL's "?" marks.
    slots: tuple[tuple[str, Any, Callable[[Any], Any] | None], ...]
    # One result processor (or None) per column; None when no column needs one.
    processors: tuple[Callable[[Any], Any] | None, ...] | None

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        values = []
        for name, fixed, processor in self.slots:
            value = params[name] if fixed is _REQUIRED else params.get(name, fixed)
            values.append(processor(value) if processor is not None else value)
        return values

    def rows(self, raw_rows: list[tuple]) -> list[tuple]:
        if self.processors is None:
            return raw_rows
        pairs = tuple(enumerate(self.processors))
        return [tuple(p(row[i]) if p is not None else row[i] for i, p in pairs) for row in raw_rows]


def _plan(statement: Executable, dialect: Dialect, column_keys: tuple[str, ...] | None = None) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=column_keys)
    if (
        dialect.paramstyle != "qmark"
        # Expanding parameters (``in_`` of a list) re-render their SQL per call: not a prepared statement.
        or "POSTCOMPILE" in compiled.string
        # Column defaults SQLAlchemy would compute per row: the caller must give every value.
        or compiled.insert_prefetch
        or compiled.update_prefetch
    ):
        raise ValueError(f"cannot prepare {compiled.string!r} for {dialect.name}")
    slots = []
    for name in compiled.positiontup:
        bind = compiled.binds[name]
        fixed = _REQUIRED if bind.required else bind.effective_value
        slots.append((name, fixed, bind.type.dialect_impl(dialect).bind_processor(dialect)))
    processors = tuple(
        column.type.dialect_impl(dialect).result_processor(dialect, None)
        for column in getattr(statement, "selected_columns", ())
    )
    return _Plan(compiled.string, tuple(slots), processors if any(processors) else None)


def _direct(conn: Connection) -> bool:
    """Whether to run on the DB-API connection (SQLite, nobody listening to cursor execution)."""
    dispatch = conn.dispatch
    return conn.dialect.name == "sqlite" and not (dispatch.before_cursor_execute or dispatch.after_cursor_execute)


class Prepared:
    """A statement with bind parameters, built once at import and run many times per second: a ``SELECT``
    (``all``, ``first``, ``scalar``) or a DML statement run for a list of rows (``execute_many``)."""

    def __init__(self, statement: Executable):
        self.statement = statement
        self._sqlite_plans: dict[tuple[str, ...] | None, _Plan] = {}

    def _sqlite_plan(self, dialect: Dialect, column_keys: tuple[str, ...] | None = None) -> _Plan:
        plan = self._sqlite_plans.get(column_keys)
        if plan is None:
            plan = self._sqlite_plans[column_keys] = _plan(self.statement, dialect, column_keys)
        return plan

    def all(self, params: Mapping[str, Any]) -> list[tuple]:
        conn = connection()
        if not _direct(conn):
            return [tuple(row) for row in conn.execute(self.statement, params)]
        plan = self._sqlite_plan(conn.dialect)
        cursor = conn.connection.dbapi_connection.execute(plan.sql, plan.arguments(params))
        return plan.rows(cursor.fetchall())

    def first(self, params: Mapping[str, Any]) -> tuple | None:
        """The first row: for statements that select one row (a key, ``LIMIT 1``), as they all fetch."""
        rows = self.all(params)
        return rows[0] if rows else None

    def scalar(self, params: Mapping[str, Any]) -> Any:
        row = self.first(params)
        return row[0] if row is not None else None

    def execute_many(self, rows: list[Mapping[str, Any]]) -> None:
        """Run the statement once per row; every row gives the same keys (an INSERT's columns)."""
        if not rows:
            return
        conn = connection()
        if not _direct(conn):
            conn.execute(self.statement, list(rows))
            return
        plan = self._sqlite_plan(conn.dialect, tuple(rows[0]))
        conn.connection.dbapi_connection.executemany(plan.sql, [plan.arguments(row) for row in rows])
