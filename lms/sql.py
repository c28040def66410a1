"""Inserts that may race: the database's unique constraint is the real check (shared/research/
transactions.md §5).

"Look, then insert if absent" lets two transactions both look before either inserts; on PostgreSQL the
second insert then waits for the first transaction and fails on the unique constraint (a 500). Where the
row can simply be merged, services use ``INSERT … ON CONFLICT`` (:func:`dialect_insert`, :func:`upsert`),
the same statement on SQLite and PostgreSQL. Where the loser must get a clear error instead (an address
already in use, a course code already taken), the look stays, for the message in the common case, and the
insert runs under :func:`recheck_on_conflict`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy.exc import IntegrityError

from lms.db import db


def dialect_insert(model: type):
    """``insert(model)`` of the current dialect, which offers ``on_conflict_do_update``/``_do_nothing``."""
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


@contextlib.contextmanager
def recheck_on_conflict(check: Callable[[], None]) -> Iterator[None]:
    """Add and flush inside a savepoint; if a constraint refuses the rows, run ``check`` again.

    The constraint refuses them once another transaction has committed the same key, so ``check`` (the
    look that raises the clear error) now sees that row and raises. Only the savepoint is rolled back:
    the rest of the transaction goes on (PostgreSQL would otherwise refuse every further statement).
    If ``check`` still finds nothing, the failure was something else and is raised as it is.
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        check()
        raise
