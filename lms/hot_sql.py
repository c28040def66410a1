"""Hot statements: the courseware's per-request Core statements, run straight on the DB-API connection of
the unit of work.

**Why a second way to run a statement.** SQLAlchemy's execution of an already compiled statement (execution
context, parameter and result set-up) costs 40–90 µs on the benchmark machine, SQLite's own work 3–10 µs.
A learner's handler call runs five such statements, all while it holds SQLite's one write lock, and the
handler POST floor of ``bench/courseware.py`` (20% of bare Flask) is missed without this path; the unit page
runs seven. The figures are in ``bench/README.md`` (session 18). Only those statements use it: the session
user, the published course row, the enrolment, completions and position, a page's block state and its
upsert.

**What stays the same as ``connection.execute``.** The statement is an ordinary Core statement, compiled by
SQLAlchemy once per dialect. It runs on the session's own connection, inside the unit of work's transaction
(``session.connection()`` begins it, with the writers' queue and ``BEGIN IMMEDIATE`` of ``lms/sqlite.py``).
Parameters and results go through the columns' own type processors (dates on SQLite, JSON), the engine's
``before_cursor_execute`` listeners see it (the tests count statements with one), and a driver error is
raised as SQLAlchemy's (``IntegrityError``, ``OperationalError`` …).

**What it does not do.** No ORM objects (rows are plain tuples), no autoflush (a Core execution through a
connection does none either), no expanding ``IN`` (build one statement per size, :func:`per_size`), no
Python-side column defaults (an insert must name every column it fills; one that relies on a default is
refused when first run).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

from lms import sqlite
from lms.db import db

Processor = Callable[[Any], Any] | None


class _Form:
    """A statement compiled for one dialect: its SQL, how to order and convert parameters, how to convert rows."""

    def __init__(self, statement: ClauseElement, dialect: Any):
        compiled = statement.compile(dialect=dialect)
        defaulted = [column.name for column in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        if defaulted:  # SQLAlchemy's execution would compute them; this path does not
            raise ValueError(f"a hot statement must give every column a value; missing: {', '.join(defaulted)}")
        self.sql = compiled.string
        self.compiled = compiled
        self.order = list(compiled.positiontup) if compiled.positional else None
        self.bind_processors = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        self.dialect = dialect
        self.column_types = [column.type for column in getattr(statement, "selected_columns", ())]
        self.result_processors: list[Processor] | None = None  # known after the first run (the driver's types)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        complete = self.compiled.construct_params(values)  # adds the statement's own literal values
        for name, processor in self.bind_processors.items():
            complete[name] = processor(complete[name])
        if self.order is None:
            return complete
        return [complete[name] for name in self.order]

    def learn_result_types(self, description: Sequence[Sequence[Any]] | None) -> None:
        """Choose each column's result processor, as SQLAlchemy does, from the driver's type code of the column
        (PostgreSQL's numeric types need it)."""
        codes = [column[1] for column in description or ()]
        self.result_processors = [
            type_.dialect_impl(self.dialect).result_processor(self.dialect, code)
            for type_, code in zip(self.column_types, codes, strict=True)
        ]
        self.converts_rows = any(self.result_processors)

    def row(self, raw: Sequence[Any]) -> tuple:
        if not self.converts_rows:
            return tuple(raw)
        processors = self.result_processors or ()
        return tuple(value if p is None else p(value) for p, value in zip(processors, raw, strict=True))


class HotStatement:
    """A Core statement run on the unit of work's DB-API connection (the module's docstring says why)."""

    def __init__(self, statement: ClauseElement):
        self.statement = statement
        self._forms: dict[str, _Form] = {}

    def all(self, values: Mapping[str, Any]) -> list[tuple]:
        form, cursor = self._run(values, many=False)
        return [form.row(raw) for raw in cursor.fetchall()]

    def first(self, values: Mapping[str, Any]) -> tuple | None:
        form, cursor = self._run(values, many=False)
        raw = cursor.fetchone()
        return None if raw is None else form.row(raw)

    def first_alone(self, values: Mapping[str, Any]) -> tuple | None:
        """:meth:`first`, but when the unit of work has not begun a transaction and will not write, on a pooled
        connection of its own, without one: the statement is then its own implicit transaction.

        **Why.** A page whose one read is this statement (the public certificate check, ``/v/<code>``) spent
        as long beginning and committing the unit of work's transaction (SQLAlchemy's session and ``BEGIN``)
        as running it: reading alone took the page from 0.64 to 0.53 ms in-process, the largest single step
        towards its speed floor of bench/certificates.py (40% of bare Flask; bench/README.md has the figures
        with and without it). A single ``SELECT`` sees one consistent state on SQLite and PostgreSQL alike, so
        nothing is lost; a unit of work that has read or written already reads here in its own transaction.
        """
        session = db.session()
        if session.in_transaction() or sqlite.writes.get():
            return self.first(values)
        with db.engine.connect() as connection:  # back to the pool (and rolled back) at the end of the block
            form, cursor = self._run(values, many=False, connection=connection)
            raw = cursor.fetchone()
        return None if raw is None else form.row(raw)

    def execute_many(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._run(rows, many=True)

    def _run(self, values: Any, many: bool, connection: Connection | None = None) -> tuple[_Form, Any]:
        if connection is None:
            connection = db.session.connection()  # begins the unit of work's transaction when none is open
        dialect = connection.dialect
        form = self._forms.get(dialect.name)
        if form is None:
            form = self._forms[dialect.name] = _Form(self.statement, dialect)
        parameters = [form.parameters(row) for row in values] if many else form.parameters(values)
        cursor = connection.connection.driver_connection.cursor()
        for listener in connection.dispatch.before_cursor_execute:
            listener(connection, cursor, form.sql, parameters, None, many)
        try:
            if many:
                cursor.executemany(form.sql, parameters)
            else:
                cursor.execute(form.sql, parameters)
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(form.sql, parameters, error, dialect.loaded_dbapi.Error) from error
        if form.result_processors is None and not many:
            form.learn_result_types(cursor.description)
        return form, cursor


def per_size(build: Callable[[int], ClauseElement]) -> Callable[[int], HotStatement]:
    """``build(n)`` once per size ``n``: a statement with ``n`` parameters where SQLAlchemy would expand an ``IN``."""

    @functools.lru_cache(maxsize=64)  # a unit's number of blocks; listed in lms/caches.py
    def statement(size: int) -> HotStatement:
        return HotStatement(build(size))

    return statement
