"""``lms.prepared``: hot statements give what SQLAlchemy gives, on SQLite without SQLAlchemy's execution."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from lms.accounts.models import utcnow
from lms.cohorts.models import Enrollment, EnrollmentStatus
from lms.db import db, upsert
from lms.prepared import Prepared
from lms.xblock_host.models import XBlockField

_users = db.Model.metadata.tables["user"]
_fields = XBlockField.__table__

# Columns whose types process values on the way in or out on SQLite: Boolean, DateTime, JSON, and a
# bind parameter fixed in the statement (an enum member).
USER_ROW = select(_users.c.id, _users.c.email, _users.c.active, _users.c.created_at).where(
    _users.c.email == bindparam("email")
)
FIELD_ROWS = select(_fields.c.field, _fields.c.value, _fields.c.updated_at).where(
    _fields.c.block_key == bindparam("block"), _fields.c.user_id == bindparam("user")
)
ACTIVE_ENROLMENTS = select(Enrollment.user_id).where(
    Enrollment.cohort_id == bindparam("cohort"), Enrollment.status == EnrollmentStatus.ACTIVE
)


def _sqlalchemy_rows(statement, params) -> list[tuple]:
    return [tuple(row) for row in db.session.execute(statement, params)]


def _state(block: str, user_id: int, field: str, value) -> XBlockField:  # noqa: ANN001
    return XBlockField(scope="user_state", block_key=block, user_id=user_id, field=field, value=value)


@pytest.fixture
def rows(factory):
    learner = factory.user(email="prepared@example.org")
    withdrawn = factory.user()
    cohort = factory.cohort(learners=[learner, withdrawn])
    enrolment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == withdrawn.id))
    enrolment.status = EnrollmentStatus.WITHDRAWN
    db.session.add(_state("block-v1:C+type@poll+block@p", learner.id, "choice", {"answer": ["b", 2]}))
    db.session.add(_state("block-v1:C+type@poll+block@p", learner.id, "voted", True))
    db.session.commit()
    return {"learner": learner.id, "cohort": cohort.id}


def test_rows_are_what_sqlalchemy_gives(app, rows):
    with app.test_request_context("/"):
        cases = [
            (USER_ROW, {"email": "prepared@example.org"}),
            (FIELD_ROWS, {"block": "block-v1:C+type@poll+block@p", "user": rows["learner"]}),
            (ACTIVE_ENROLMENTS, {"cohort": rows["cohort"]}),
        ]
        for statement, params in cases:
            expected = _sqlalchemy_rows(statement, params)
            assert expected, f"the case must select something: {statement}"
            assert sorted(Prepared(statement).all(params), key=repr) == sorted(expected, key=repr)
        user = Prepared(USER_ROW).first({"email": "prepared@example.org"})
        assert user[2] is True and user[3].year >= 2026  # a bool and a datetime, not 1 and a string
        assert Prepared(ACTIVE_ENROLMENTS).all({"cohort": rows["cohort"]}) == [(rows["learner"],)]
        assert Prepared(USER_ROW).first({"email": "nobody@example.org"}) is None
        assert Prepared(USER_ROW).scalar({"email": "prepared@example.org"}) == rows["learner"]


def test_reads_the_request_transaction(app, rows):
    """Rows flushed but not committed are seen: the statement runs on the session's own connection."""
    with app.test_request_context("/"):
        db.session.add(_state("block-v1:C+type@poll+block@q", rows["learner"], "draft", "unsaved"))
        db.session.flush()
        found = Prepared(FIELD_ROWS).all({"block": "block-v1:C+type@poll+block@q", "user": rows["learner"]})
        assert [(field, value) for field, value, _ in found] == [("draft", "unsaved")]
        db.session.rollback()


@pytest.fixture
def sqlite_only(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the direct path is SQLite's; other databases execute through SQLAlchemy")


def test_sqlite_runs_without_sqlalchemy_execution(app, rows, sqlite_only, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("SQLAlchemy executed a prepared statement")

    with app.test_request_context("/"):
        db.session.connection()  # the transaction begins through SQLAlchemy, as in a request
        monkeypatch.setattr(Connection, "execute", refuse)
        assert Prepared(USER_ROW).scalar({"email": "prepared@example.org"}) == rows["learner"]


def test_statement_listeners_see_every_statement(app, rows, count_queries):
    """With a cursor listener (query counters, APM), statements go through SQLAlchemy and are seen."""
    with app.test_request_context("/"), count_queries() as counter:
        Prepared(USER_ROW).first({"email": "prepared@example.org"})
        Prepared(ACTIVE_ENROLMENTS).all({"cohort": rows["cohort"]})
    assert counter.count == 2


def test_expanding_parameters_are_refused(app, rows, sqlite_only):
    in_list = select(_users.c.id).where(_users.c.email.in_(["a@example.org", "b@example.org"]))
    with app.test_request_context("/"), pytest.raises(ValueError, match="cannot prepare"):
        Prepared(in_list).all({})


def _upsert_state() -> Prepared:
    """The state upsert of ``lms.xblock_host.kvs`` (built in an app context: it is the dialect's own)."""
    return Prepared(upsert(XBlockField, {}, ["scope", "block_key", "user_id", "field"], ["value", "updated_at"]))


def _state_row(user_id: int, field: str, value) -> dict:  # noqa: ANN001
    return {
        "scope": "user_state",
        "block_key": "block-v1:C+type@poll+block@p",
        "user_id": user_id,
        "field": field,
        "value": value,
        "context_key": "C",
        "updated_at": utcnow(),
    }


def test_execute_many_inserts_and_updates(app, rows):
    """The state upsert: a new row is inserted, an existing one updated, values go in as JSON."""
    with app.test_request_context("/"):
        learner = rows["learner"]
        state_upsert = _upsert_state()
        state_upsert.execute_many(
            [_state_row(learner, "choice", {"answer": ["c", 3]}), _state_row(learner, "comment", "<b>hi</b>")]
        )
        state_upsert.execute_many([])  # nothing to do, no statement
        stored = {
            field: value
            for field, value, _ in Prepared(FIELD_ROWS).all({"block": "block-v1:C+type@poll+block@p", "user": learner})
        }
        assert stored == {"choice": {"answer": ["c", 3]}, "voted": True, "comment": "<b>hi</b>"}
        assert db.session.scalar(select(XBlockField.value).where(XBlockField.field == "comment")) == "<b>hi</b>"


def test_statements_needing_column_defaults_are_refused(app, rows, sqlite_only):
    """An INSERT that leaves a column with a Python default out would need SQLAlchemy to fill it per row."""
    row = _state_row(rows["learner"], "late", 1)
    del row["updated_at"]
    with app.test_request_context("/"), pytest.raises(ValueError, match="cannot prepare"):
        _upsert_state().execute_many([row])
