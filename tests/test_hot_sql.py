"""Hot statements (``lms.hot_sql``) behave as SQLAlchemy's own execution does: same rows and types, same
transaction, same errors, seen by statement listeners; and a page's state is found through an index."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from courses.models import BlockCompletion
from lms.cohorts.models import Enrollment
from lms.db import db, unit_of_work
from lms.hot_sql import HotStatement
from lms.institutions.models import Institution
from lms.sql import dialect_insert
from lms.xblock_host.keys import UsageKey
from lms.xblock_host.kvs import SqlRows, _page_state
from lms.xblock_host.models import NO_USER, XBlockField


def _typed_rows(factory):
    """A completion (float, date), an enrolment (enum, date) and block state (JSON) to read back."""
    learner = factory.user()
    course = factory.course()
    factory.cohort(course=course, learners=[learner])
    db.session.add(BlockCompletion(user_id=learner.id, course_id=course.id, usage_key="u", completion=0.5))
    db.session.add(
        XBlockField(
            branch="published",
            scope="user_state",
            context_key=course.code,
            block_key="block-v1:X+type@poll+block@p",
            user_id=learner.id,
            field="answers",
            value={"choice": ["a", 2], "n": 1.5},
        )
    )
    db.session.flush()
    return learner


@pytest.mark.parametrize(
    "statement",
    [
        select(BlockCompletion.usage_key, BlockCompletion.completion, BlockCompletion.updated_at).where(
            BlockCompletion.user_id == bindparam("user")
        ),
        select(Enrollment.status, Enrollment.id).where(Enrollment.user_id == bindparam("user")),
        select(XBlockField.value, XBlockField.updated_at, XBlockField.user_id).where(
            XBlockField.user_id == bindparam("user"), XBlockField.scope == "user_state"
        ),
    ],
    ids=["float and date", "enum", "JSON and a literal"],
)
def test_rows_and_their_types_are_sqlalchemys(app, factory, statement):
    with app.app_context():
        learner = _typed_rows(factory)
        expected = db.session.connection().execute(statement, {"user": learner.id}).all()
        got = HotStatement(statement).all({"user": learner.id})
        assert got and got == [tuple(row) for row in expected]
        assert [type(value) for value in got[0]] == [type(value) for value in expected[0]]
        assert HotStatement(statement).first({"user": -1}) is None


def _institution_insert(*columns: str) -> HotStatement:
    return HotStatement(dialect_insert(Institution).values({name: bindparam(name) for name in columns}))


def test_writes_belong_to_the_unit_of_work_and_roll_back_with_it(app):
    insert = _institution_insert("code", "name", "kind", "created_at")
    now = datetime(2026, 12, 6, 8, 0)
    with app.app_context():
        with pytest.raises(RuntimeError), unit_of_work():
            insert.execute_many([{"code": "p-hot-1", "name": "Hot one", "kind": "other", "created_at": now}])
            raise RuntimeError("the unit of work fails after the write")
        assert db.session.scalar(select(Institution.id).where(Institution.code == "p-hot-1")) is None
        with unit_of_work():
            insert.execute_many([{"code": "p-hot-2", "name": "Hot two", "kind": "other", "created_at": now}])
        db.session.rollback()
        assert db.session.execute(
            select(Institution.name, Institution.created_at).where(Institution.code == "p-hot-2")
        ).one() == ("Hot two", now)


def test_an_insert_that_relies_on_a_python_default_is_refused(app):
    """SQLAlchemy's execution computes such defaults; this path would write NULL instead."""
    with app.app_context(), pytest.raises(ValueError, match="created_at"), unit_of_work():
        _institution_insert("code", "name", "kind").execute_many([{"code": "p-hot-4", "name": "x", "kind": "other"}])


def test_a_driver_error_is_sqlalchemys_and_the_statement_is_counted(app, count_queries):
    insert = _institution_insert("code", "name", "kind", "created_at")
    row = {"code": "p-hot-3", "name": "Hot three", "kind": "other", "created_at": datetime(2026, 12, 6)}
    with app.app_context():
        with count_queries() as counter, pytest.raises(IntegrityError), unit_of_work():
            insert.execute_many([row, row])  # the second breaks the unique code
        assert counter.count == 1 and "INSERT INTO institution" in counter.statements[0]


def test_preferences_of_a_type_not_prefetched_are_still_read(app, factory):
    """A page's query loads preferences for its blocks' types only; another type's row is then read on demand,
    not taken for absent."""
    with app.app_context():
        learner = factory.user()
        for block_type, value in (("poll", "one"), ("survey", "two")):
            db.session.add(
                XBlockField(
                    branch="published",
                    scope="preferences",
                    context_key="",
                    block_key=block_type,
                    user_id=learner.id,
                    field="size",
                    value=value,
                )
            )
        db.session.flush()
        rows = SqlRows("C-1")
        rows.prefetch_user_blocks([UsageKey("block-v1:C-1+type@poll+block@p")], learner.id)
        assert rows.get("preferences", "poll", learner.id, "size") == "one"
        assert rows.get("preferences", "survey", learner.id, "size") == "two"
        with pytest.raises(KeyError):
            rows.get("user_info", "", learner.id, "anything")  # loaded, and absent


def test_a_pages_state_is_found_by_branch_block_and_user(app):
    """Not by the branch alone, which made SQLite read every row of the branch."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's query plan")
        statement = _page_state(3).statement.compile(dialect=db.engine.dialect)
        values = {"branch": "published", "user": 7, "no_user": NO_USER, "key0": "a", "key1": "b", "key2": ""}
        parameters = [statement.construct_params(values)[name] for name in statement.positiontup]
        plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement.string}", tuple(parameters))
        details = " ".join(row[-1] for row in plan)
        assert "(branch=? AND block_key=? AND user_id=?)" in details, details


def test_the_hot_path_keeps_its_timestamps_as_dates(app, factory):
    with app.app_context():
        learner = _typed_rows(factory)
        (updated_at,) = HotStatement(
            select(BlockCompletion.updated_at).where(BlockCompletion.user_id == bindparam("user"))
        ).first({"user": learner.id})
        assert isinstance(updated_at, datetime)


_INSTITUTION = HotStatement(select(Institution.code, Institution.name).where(Institution.code == bindparam("code")))


def test_a_read_alone_begins_no_transaction_and_inside_one_sees_its_writes(app, count_queries):
    with app.app_context():
        db.session.remove()
        row = _INSTITUTION.first_alone({"code": "iprc-kigali"})
        assert row == ("iprc-kigali", "IPRC Kigali")  # a default institution, committed by the fixture
        assert not db.session().in_transaction()  # nothing for the request to commit
        with count_queries() as queries:
            _INSTITUTION.first_alone({"code": row[0]})
        assert queries.count == 1  # seen by statement listeners, as every statement

        db.session.add(Institution(code="new-1", name="Not committed yet"))
        db.session.flush()  # the unit of work has begun: its own writes are read in its transaction
        assert _INSTITUTION.first_alone({"code": "new-1"}) == ("new-1", "Not committed yet")
        db.session.rollback()
        assert _INSTITUTION.first_alone({"code": "new-1"}) is None
