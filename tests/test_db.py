"""The database layer: SQLite tuning, BEGIN kinds per request, one commit per request, after-commit writes."""

from __future__ import annotations

import contextvars
import sqlite3

import pytest
from sqlalchemy import event, func, select, text

from lms.accounts.models import LoginFailure
from lms.app import create_app
from lms.db import after_commit as run_after_commit
from lms.db import after_commit_write, begin_writing, connection, db, end_writing, reads_first, writes
from lms.institutions.models import Institution
from tests.conftest import IsolatedClient


class Statements:
    """Every statement SQLite runs on the engine's connections while active, as SQLite itself reports them.

    SQLite's trace callback sees what SQLAlchemy's events cannot: the ``BEGIN IMMEDIATE`` that ``lms.db``
    issues on the raw connection, and the COMMIT or ROLLBACK of pysqlite's ``commit()``/``rollback()``.
    """

    def __init__(self, engine):
        self.engine = engine
        self.log: list[str] = []
        self._traced: list = []

    def _trace(self, statement: str) -> None:
        statement = statement.strip()
        if statement.upper().startswith("PRAGMA"):
            return  # lms.db's lock polling adjusts busy_timeout around BEGIN IMMEDIATE
        self.log.append(statement if statement.startswith("BEGIN") else statement.split()[0].upper())

    def _checkout(self, dbapi_connection, _record, _proxy):
        dbapi_connection.set_trace_callback(self._trace)
        self._traced.append(dbapi_connection)

    def __enter__(self):
        event.listen(self.engine, "checkout", self._checkout)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "checkout", self._checkout)
        for dbapi_connection in self._traced:
            dbapi_connection.set_trace_callback(None)

    @property
    def begins(self) -> list[str]:
        return [s for s in self.log if s.startswith("BEGIN")]


@pytest.fixture
def statements(app):
    with app.app_context():
        engine = db.engine
    return lambda: Statements(engine)


# --- SQLite tuning -----------------------------------------------------------------------------------


def test_sqlite_connections_are_tuned(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(app, factory):
    from sqlalchemy.exc import IntegrityError

    from lms.accounts.models import UserRole

    with app.app_context():
        db.session.add(UserRole(user_id=999_999, role="learner"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


# --- BEGIN kinds on the real app --------------------------------------------------------------------------


def test_get_opens_a_plain_begin_and_post_an_immediate_one(app, client, factory, statements):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("BEGIN IMMEDIATE is SQLite's")
    email = factory.user("learner").email  # read now: the test's own reads must not be counted
    with statements() as get_log:
        assert client.get("/login").status_code == 200
        client.post("/login", data={"email": email, "password": "wrong password!"})
    # The GET ran no SQL at all (an anonymous log-in page); the POST wrote a failure in a write transaction.
    assert get_log.begins == ["BEGIN IMMEDIATE"]
    with statements() as log:
        client.post("/login", data={"email": email, "password": "correct horse battery"})
        assert client.get("/profile").status_code == 200
    assert log.begins == ["BEGIN IMMEDIATE", "BEGIN"]


def test_failed_login_record_survives_the_401(app, client, factory):
    user = factory.user("learner")
    response = client.post("/login", data={"email": user.email, "password": "not the password"})
    assert response.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1


# --- a probe app with views built for the purpose ----------------------------------------------------


@pytest.fixture(scope="module")
def probe_app(tmp_path_factory):
    """An app of its own (routes cannot be added to the shared one once it served a request)."""
    from flask import request

    folder = tmp_path_factory.mktemp("probe")
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "probe",
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'probe.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.config["PROBE_LOG"] = []

    def add(code: str) -> None:
        db.session.add(Institution(code=code, name=f"Probe {code}", kind="other"))
        db.session.flush()

    @app.get("/probe/read")
    def read():
        return {"n": db.session.scalar(select(func.count()).select_from(Institution))}

    @app.get("/probe/write-get")
    @writes
    def write_get():
        add(request.args["code"])
        return {"ok": True}

    @app.post("/probe/create")
    def create():
        add(request.form["code"])  # the service flushed …
        status = int(request.form.get("status", 200))
        return {"status": status}, status  # … and the view answers with this status

    @app.post("/probe/crash")
    def crash():
        add(request.form["code"])
        raise RuntimeError("boom")

    @app.get("/probe/after-commit")
    def after_commit():
        log = app.config["PROBE_LOG"]
        code = request.args["code"]
        log.append("view")
        after_commit_write(lambda: (log.append("after-commit"), add(code)))
        return {"n": db.session.scalar(select(func.count()).select_from(Institution))}, int(
            request.args.get("status", 200)
        )

    @app.post("/probe/read-then-write")
    @reads_first
    def read_then_write():
        existing = db.session.scalars(select(Institution)).all()  # the read phase
        begin_writing()
        add(request.form["code"])
        log = app.config["PROBE_LOG"]
        run_after_commit(lambda: log.append("after-commit"))
        status = int(request.form.get("status", 200))
        if status < 400:
            end_writing()
            log.append("ended")
            if "late" in request.form:  # a change after the write phase is still kept
                db.session.add(Institution(code=request.form["late"], name="Late", kind="other"))
        # Objects read before the write phase are still loaded: using them reads nothing again.
        return {"before": sorted(i.code for i in existing)}, status

    # Views that reach the database through lms.db.connection() first, as prepared statements do.
    count_institutions = select(func.count()).select_from(Institution)

    def committed_count() -> int:
        # Another connection, outside the pool (so the statement log does not see it): only what was saved.
        other = sqlite3.connect(folder / "probe.sqlite3")
        try:
            return other.execute("SELECT count(*) FROM institution").fetchone()[0]
        finally:
            other.close()

    @app.get("/probe/core-read")
    def core_read():
        return {"n": connection().execute(count_institutions).scalar(), "orm": db.session.registry.has()}

    @app.post("/probe/core-then-orm")
    def core_then_orm():
        before = connection().execute(count_institutions).scalar()
        add(request.form["code"])  # the ORM session joins the request's connection and transaction
        after = connection().execute(count_institutions).scalar()
        log = app.config["PROBE_LOG"]
        run_after_commit(lambda: log.append(f"after-commit sees {committed_count()}"))
        if "crash" in request.form:
            raise RuntimeError("boom")
        status = int(request.form.get("status", 200))
        return {"before": before, "after": after}, status

    @app.post("/probe/core-write-callback")
    def core_write_callback():
        connection().execute(Institution.__table__.insert().values(code="core", name="Core", kind="other"))
        log = app.config["PROBE_LOG"]
        run_after_commit(lambda: log.append(f"after-commit sees {committed_count()}"))  # a session, unused
        return {"ok": True}

    @app.post("/probe/core-read-then-write")
    @reads_first
    def core_read_then_write():
        before = connection().execute(count_institutions).scalar()
        begin_writing()
        add(request.form["code"])
        end_writing()
        app.config["PROBE_LOG"].append(f"ended, committed {committed_count()}")
        return {"before": before}

    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def probe(probe_app):
    with probe_app.app_context():
        db.session.execute(text("DELETE FROM institution"))
        db.session.commit()
        engine = db.engine
    probe_app.config["PROBE_LOG"].clear()
    client = IsolatedClient(probe_app, probe_app.response_class, use_cookies=True)
    client.statements = lambda: Statements(engine)

    def codes() -> list[str]:
        with probe_app.app_context():
            return sorted(db.session.scalars(select(Institution.code)))

    client.codes = codes
    return client


def test_view_marked_writes_gets_begin_immediate(probe):
    with probe.statements() as log:
        assert probe.get("/probe/read").status_code == 200
        assert probe.get("/probe/write-get?code=w1").status_code == 200
    assert log.begins == ["BEGIN", "BEGIN IMMEDIATE"]
    assert probe.codes() == ["w1"]


@pytest.mark.parametrize("status", [200, 201, 302, 399])
def test_success_commits(probe, status):
    with probe.statements() as log:
        probe.post("/probe/create", data={"code": "ok1", "status": status})
    assert log.begins == ["BEGIN IMMEDIATE"]
    assert log.log[-1] == "COMMIT"
    assert probe.codes() == ["ok1"]


@pytest.mark.parametrize("status", [400, 404, 409, 422])
def test_client_error_rolls_back_what_was_flushed(probe, status):
    with probe.statements() as log:
        response = probe.post("/probe/create", data={"code": "half", "status": status})
    assert response.status_code == status
    assert "INSERT" in log.log  # the row really was flushed …
    assert "COMMIT" not in log.log and log.log[-1] == "ROLLBACK"
    assert probe.codes() == []  # … and nothing of it remains


def test_unexpected_error_rolls_back(probe):
    with pytest.raises(RuntimeError):  # TESTING propagates exceptions
        probe.post("/probe/crash", data={"code": "boom"})
    assert probe.codes() == []


def test_after_commit_write_runs_after_the_main_commit_in_a_write_transaction(probe):
    with probe.statements() as log:
        response = probe.get("/probe/after-commit?code=late")
    assert response.status_code == 200
    assert response.get_json() == {"n": 0}  # the view itself did not see the row
    assert log.begins == ["BEGIN", "BEGIN IMMEDIATE"]
    first_commit = log.log.index("COMMIT")
    assert log.log.index("BEGIN IMMEDIATE") > first_commit
    assert log.log.index("INSERT") > first_commit
    assert log.log[-1] == "COMMIT"
    assert probe.application.config["PROBE_LOG"] == ["view", "after-commit"]
    assert probe.codes() == ["late"]


def test_after_commit_write_is_dropped_when_the_request_fails(probe):
    response = probe.get("/probe/after-commit?code=never&status=400")
    assert response.status_code == 400
    assert probe.application.config["PROBE_LOG"] == ["view"]
    assert probe.codes() == []
    # The next request of the same app does not inherit the dropped job.
    assert probe.get("/probe/read").status_code == 200
    assert probe.application.config["PROBE_LOG"] == ["view"]
    assert probe.codes() == []


def test_outside_a_request_after_commit_write_runs_at_once(probe_app):
    ran = []

    def outside_request():  # e.g. a CLI command or a job: no request context at all
        with probe_app.app_context():
            after_commit_write(lambda: ran.append(True))

    contextvars.Context().run(outside_request)
    assert ran == [True]


def test_reads_first_view_reads_then_takes_the_write_lock_on_the_same_connection(probe):
    probe.post("/probe/create", data={"code": "old"})
    with probe.statements() as log:
        response = probe.post("/probe/read-then-write", data={"code": "new"})
    assert response.get_json() == {"before": ["old"]}
    # One read transaction, then the write transaction: the read objects were not expired and reloaded.
    assert log.begins == ["BEGIN", "BEGIN IMMEDIATE"], "|".join(log.log)
    assert [s for s in log.log if s == "SELECT"] == ["SELECT"]
    assert len(log._traced) == 1  # one connection taken from the pool for both phases
    assert log.log[-1] == "COMMIT"
    assert probe.codes() == ["new", "old"]


def test_reads_first_write_phase_ends_with_its_commit(probe):
    """``end_writing`` commits there and then (after-commit callbacks run at once), and what the request
    changes afterwards is kept too."""
    probe.post("/probe/read-then-write", data={"code": "new", "late": "later"})
    assert probe.application.config["PROBE_LOG"] == ["after-commit", "ended"]
    assert probe.codes() == ["later", "new"]


def test_reads_first_view_answering_an_error_keeps_nothing(probe):
    response = probe.post("/probe/read-then-write", data={"code": "bad", "status": 400})
    assert response.status_code == 400
    assert probe.codes() == []
    assert probe.application.config["PROBE_LOG"] == []  # rolled back: the callback never ran


# --- the request's own connection (SQLite): prepared statements first, the ORM session only if needed --


def test_a_request_reading_through_connection_opens_no_orm_session(probe):
    probe.post("/probe/create", data={"code": "one"})
    with probe.statements() as log:
        response = probe.get("/probe/core-read")
    assert response.get_json() == {"n": 1, "orm": False}
    assert log.begins == ["BEGIN"] and log.log[-1] == "COMMIT"


def test_the_orm_joins_the_request_connection_and_commits_with_it(probe):
    with probe.statements() as log:
        response = probe.post("/probe/core-then-orm", data={"code": "joined"})
    assert response.get_json() == {"before": 0, "after": 1}  # the Core read saw the ORM's flush
    assert len(log._traced) == 1, "one connection for the Core statements and the session"
    assert log.begins == ["BEGIN IMMEDIATE"] and log.log[-1] == "COMMIT"
    assert probe.application.config["PROBE_LOG"] == ["after-commit sees 1"]  # callbacks run once it is saved
    assert probe.codes() == ["joined"]


def test_after_commit_callbacks_wait_for_the_request_connection_commit(probe):
    """The session exists only to hold the callback: the Core write must be saved before it runs."""
    assert probe.post("/probe/core-write-callback").status_code == 200
    assert probe.application.config["PROBE_LOG"] == ["after-commit sees 1"]
    assert probe.codes() == ["core"]


def test_a_failed_request_on_its_own_connection_keeps_nothing_and_returns_the_connection(probe):
    with probe.statements() as log:
        assert probe.post("/probe/core-then-orm", data={"code": "refused", "status": 422}).status_code == 422
    assert log.log[-1] == "ROLLBACK"
    with pytest.raises(RuntimeError):
        probe.post("/probe/core-then-orm", data={"code": "crashed", "crash": "1"})
    assert probe.codes() == []
    assert probe.application.config["PROBE_LOG"] == []
    with probe.application.app_context():
        assert db.engine.pool.checkedout() == 0


def test_reads_first_switches_to_writing_on_the_request_connection(probe):
    with probe.statements() as log:
        response = probe.post("/probe/core-read-then-write", data={"code": "switched"})
    assert response.get_json() == {"before": 0}
    assert log.begins == ["BEGIN", "BEGIN IMMEDIATE"] and len(log._traced) == 1
    assert probe.application.config["PROBE_LOG"] == ["ended, committed 1"]
    assert probe.codes() == ["switched"]


# SQLite cannot reflect an index on an expression (course codes' lower(code)); PostgreSQL's run compares it.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migrations_build_the_schema_the_models_declare(app):
    """The test database is built by the Alembic migrations: a model change without its migration fails."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []
