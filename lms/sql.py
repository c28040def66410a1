"""SQL that differs between SQLite and PostgreSQL: ``INSERT … ON CONFLICT``.

Inserts that could race use the unique constraint as the check (shared/research/transactions.md §5):
``dialect_insert(Model).values(…).on_conflict_do_nothing(…)`` (or ``…_do_update``).
"""

from __future__ import annotations

from lms.db import db


def dialect_insert(model: type):
    """``insert(model)`` of the current dialect, which offers ``on_conflict_do_update``/``_do_nothing``."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)
