"""Fixtures for the OLX tests: an author, an imported course, and row counts for all-or-nothing checks."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lms.db import db
from tests.olx import olx_course


@pytest.fixture
def author(factory):
    return factory.user("author", email="author@example.org")


@pytest.fixture
def import_bytes(author):
    """Import archive bytes through the service, committed as the CLI or a request would."""
    from courses.olx.importer import import_archive

    def run(data: bytes, code: str | None = None, user=None):
        result = import_archive(io.BytesIO(data), user or author, code)
        db.session.commit()
        return result

    return run


@pytest.fixture
def imported(import_bytes):
    return import_bytes(olx_course.archive())


@pytest.fixture
def row_counts():
    """``row_counts()`` → rows of the tables an import writes, read in a fresh transaction."""
    from courses.models import Course, CourseAsset, CourseAuthor
    from lms.xblock_host.models import XBlockField

    def count() -> dict[str, int]:
        db.session.rollback()
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Course, CourseAuthor, CourseAsset, XBlockField)
        }

    return count
