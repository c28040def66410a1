"""The unit of work (``lms.db``): one transaction per request, command or job, committed or rolled back as
a whole; after-commit work that runs exactly once after the commit; SQLite writers that wait, not fail."""

from __future__ import annotations

import logging
import signal
import threading
import time

import pytest
from flask import request
from sqlalchemy import func, select

from lms import sqlite
from lms.accounts.models import LoginFailure
from lms.app import create_app
from lms.db import after_commit, db, unit_of_work
from lms.institutions.models import Institution
from lms.request_transaction import writes
from lms.tasks import enqueue
from tests.conftest import IsolatedClient


def _add(code: str) -> None:
    db.session.add(Institution(code=code, name=f"Probe {code}", kind="other"))
    db.session.flush()


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution).where(Institution.code.like("p-%")))


def _codes() -> list[str]:
    return sorted(db.session.scalars(select(Institution.code).where(Institution.code.like("p-%"))))


def add_in_job(code: str) -> None:
    """A job (module level: jobs are named by module and function)."""
    _add(code)


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


def test_failed_login_record_survives_the_401(app, client, factory):
    user = factory.user("learner")
    response = client.post("/login", data={"email": user.email, "password": "not the password"})
    assert response.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 1


# --- a probe app on the suite's database, with views built for the purpose ---------------------------


@pytest.fixture(scope="module")
def probe_app(app, app_overrides, tmp_path_factory):
    """An app of its own (routes cannot be added to the shared one once it served a request), on the same
    database as the suite (SQLite, or PostgreSQL in CI), whose schema the ``app`` fixture built."""
    probe = create_app({**app_overrides, "INSTANCE_PATH": str(tmp_path_factory.mktemp("probe"))})
    probe.config["PROBE_LOG"] = []
    log = probe.config["PROBE_LOG"]

    @probe.get("/probe/read")
    def read():
        return {"n": _count()}

    @probe.get("/probe/write-get")
    @writes
    def write_get():
        _add(request.args["code"])
        return {"ok": True}

    @probe.post("/probe/create")
    def create():
        _add(request.form["code"])
        return {"ok": True}, int(request.form.get("status", 200))

    @probe.post("/probe/write-then-fail")
    def write_then_fail():
        """Writes, then writes more after the part that changes state is done, then fails (defect 2)."""
        _add(request.form["code"])
        db.session.execute(select(func.count()).select_from(Institution))
        _add(request.form["code"] + "-late")
        if request.form.get("raise"):
            raise RuntimeError("late failure")
        return {"error": "late failure"}, 500

    @probe.post("/probe/after-commit")
    def with_callback():
        code = request.form["code"]

        def later() -> None:
            log.append(f"after-commit sees {_codes()}")

        after_commit(later)
        _add(code)
        log.append("view")
        return {"ok": True}, int(request.form.get("status", 200))

    @probe.post("/probe/savepoints")
    def savepoints():
        try:
            with db.session.begin_nested():
                after_commit(lambda: log.append("from the rolled-back savepoint"))
                _add("p-dropped")
                raise ValueError
        except ValueError:
            pass
        with db.session.begin_nested():
            after_commit(lambda: log.append("from the released savepoint"))
            _add("p-kept")
        return {"ok": True}

    @probe.post("/probe/failing-callback")
    def failing_callback():
        def fails() -> None:
            raise RuntimeError("a receiver's bug")

        after_commit(fails)
        after_commit(lambda: log.append("the next callback still ran"))
        _add("p-fact")
        return {"ok": True}

    @probe.post("/probe/chained")
    def chained():
        def without_unit_of_work() -> None:
            after_commit(lambda: log.append("never: no commit follows"))

        def with_unit_of_work() -> None:
            with unit_of_work():
                _add("p-second")
                after_commit(lambda: log.append(f"after the second commit: {_codes()}"))
            log.append("second unit committed")

        after_commit(without_unit_of_work)
        after_commit(with_unit_of_work)
        _add("p-first")
        return {"ok": True}

    @probe.post("/probe/enqueue")
    def ask_for_job():
        enqueue(add_in_job, request.form["code"])
        enqueue(add_in_job, request.form["code"])  # asked twice: runs once
        _add(request.form["code"] + "-req")
        return {"ok": True}, int(request.form.get("status", 200))

    @probe.post("/probe/read-then-write")
    def read_then_write():
        before = _count()
        time.sleep(0.02)  # another writer commits now, if it can
        _add(f"p-rw{before}")
        return {"before": before}

    return probe


@pytest.fixture
def probe(probe_app):
    probe_app.config["PROBE_LOG"].clear()
    client = IsolatedClient(probe_app, probe_app.response_class, use_cookies=True)

    def codes() -> list[str]:
        with probe_app.app_context():
            return _codes()

    client.codes = codes
    client.log = probe_app.config["PROBE_LOG"]
    return client


def test_a_safe_view_marked_writes_keeps_what_it_wrote(probe):
    assert probe.get("/probe/read").get_json() == {"n": 0}
    assert probe.get("/probe/write-get?code=p-w1").status_code == 200
    assert probe.codes() == ["p-w1"]


@pytest.mark.parametrize("status", [200, 201, 302, 399])
def test_success_commits(probe, status):
    probe.post("/probe/create", data={"code": "p-ok", "status": status})
    assert probe.codes() == ["p-ok"]


@pytest.mark.parametrize("status", [400, 404, 409, 422, 500])
def test_an_error_response_keeps_nothing_it_flushed(probe, status):
    assert probe.post("/probe/create", data={"code": "p-half", "status": status}).status_code == status
    assert probe.codes() == []


def test_a_request_that_fails_after_its_state_change_keeps_nothing(probe):
    """Defect 2: every write of the request goes with it, also those after the part that changed state."""
    assert probe.post("/probe/write-then-fail", data={"code": "p-x"}).status_code == 500
    assert probe.codes() == []
    with pytest.raises(RuntimeError):  # TESTING propagates exceptions
        probe.post("/probe/write-then-fail", data={"code": "p-y", "raise": "1"})
    assert probe.codes() == []


def test_after_commit_work_sees_the_committed_fact(probe):
    assert probe.post("/probe/after-commit", data={"code": "p-late"}).status_code == 200
    assert probe.log == ["view", "after-commit sees ['p-late']"]


def test_after_commit_work_is_dropped_with_a_rollback_and_not_inherited(probe):
    assert probe.post("/probe/after-commit", data={"code": "p-never", "status": 400}).status_code == 400
    assert probe.log == ["view"]
    assert probe.get("/probe/read").status_code == 200  # the next request does not run the dropped work
    assert probe.log == ["view"]
    assert probe.codes() == []


def test_after_commit_work_follows_its_savepoint(probe):
    assert probe.post("/probe/savepoints").status_code == 200
    assert probe.log == ["from the released savepoint"]
    assert probe.codes() == ["p-kept"]


def test_a_failing_callback_is_logged_and_undoes_nothing(probe, caplog):
    with caplog.at_level(logging.ERROR, logger="lms.after_commit"):
        response = probe.post("/probe/failing-callback")
    assert response.status_code == 200
    assert probe.codes() == ["p-fact"]
    assert probe.log == ["the next callback still ran"]
    assert "a receiver's bug" in caplog.text


def test_after_commit_inside_after_commit_work_needs_a_unit_of_work(probe, caplog):
    with caplog.at_level(logging.ERROR, logger="lms.after_commit"):
        assert probe.post("/probe/chained").status_code == 200
    assert "open a unit_of_work()" in caplog.text  # the callback that had no commit to follow raised
    assert probe.log == ["second unit committed", "after the second commit: ['p-first', 'p-second']"]
    assert probe.codes() == ["p-first", "p-second"]


def test_jobs_run_once_after_the_commit_and_never_after_a_rollback(probe):
    assert probe.post("/probe/enqueue", data={"code": "p-job"}).status_code == 200
    assert probe.codes() == ["p-job", "p-job-req"]
    assert probe.post("/probe/enqueue", data={"code": "p-job-2", "status": 409}).status_code == 409
    assert probe.codes() == ["p-job", "p-job-req"]


def test_concurrent_read_then_write_requests_wait_for_each_other(probe_app):
    """Each writer reads, pauses, then writes. On SQLite a deferred BEGIN would fail most of them with
    "database is locked"; the unit of work makes them take turns, and each sees the one before.
    (PostgreSQL runs such writers side by side: races there meet the constraints, tested per service.)"""
    with probe_app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's single writer")
    results: list = []

    def one_request() -> None:
        client = IsolatedClient(probe_app, probe_app.response_class)
        response = client.post("/probe/read-then-write")
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=one_request) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in results] == [200] * 5, results
    assert sorted(body["before"] for _, body in results) == [0, 1, 2, 3, 4]  # each saw all before it


# --- outside requests: commands and jobs ----------------------------------------------------------------


def test_a_unit_of_work_commits_then_runs_its_callbacks(app, outside_requests):
    seen: list = []

    def command() -> None:
        with app.app_context():
            with unit_of_work():
                _add("p-cmd")

                def check() -> None:
                    with db.engine.connect() as other:  # another connection sees it: it is committed
                        seen.append(other.scalar(select(Institution.code).where(Institution.code == "p-cmd")))

                after_commit(check)
                assert seen == []  # not before the commit
            assert seen == ["p-cmd"]

    outside_requests(command)


def test_a_unit_of_work_that_raises_keeps_nothing_and_runs_no_callback(app, outside_requests):
    ran: list = []

    def command() -> None:
        with app.app_context():
            with pytest.raises(ValueError), unit_of_work():
                _add("p-gone")
                after_commit(lambda: ran.append(1))
                raise ValueError
            assert _codes() == [] and ran == []

    outside_requests(command)


def test_a_job_asked_for_outside_requests_runs_after_the_commit(app, outside_requests):
    def command() -> None:
        with app.app_context():
            with unit_of_work():
                enqueue(add_in_job, "p-cmd-job")
                assert _codes() == []  # not inside the unit that asked for it
            assert _codes() == ["p-cmd-job"]

    outside_requests(command)


def test_after_commit_outside_any_unit_of_work_of_after_commit_work_raises(app, outside_requests):
    errors: list = []

    def command() -> None:
        with app.app_context():

            def callback() -> None:
                try:
                    after_commit(lambda: None)
                except RuntimeError as error:
                    errors.append(str(error))

            with unit_of_work():
                _add("p-raise")
                after_commit(callback)

    outside_requests(command)
    assert errors and "unit_of_work" in errors[0]


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


def test_a_request_context_pushed_inside_a_unit_of_work_does_not_end_it(app, outside_requests):
    """Work that builds links pushes a request context of its own; popping it must not roll back the
    unit of work around it (only a request being served owns its unit of work)."""

    def job() -> None:
        with app.app_context():
            with unit_of_work(), app.test_request_context(method="POST"):
                _add("p-inner")
            assert _codes() == ["p-inner"]

    outside_requests(job)


def _writer_holding_the_queue(app) -> tuple[threading.Thread, threading.Event]:  # noqa: ANN001
    """A thread that wrote "p-first" in a unit of work and holds the writers' turn until ``release`` is set."""
    holding, release = threading.Event(), threading.Event()

    def long_writer() -> None:
        with app.app_context(), unit_of_work():
            _add("p-first")
            holding.set()
            release.wait(timeout=30)

    writer = threading.Thread(target=long_writer)
    writer.start()
    assert holding.wait(timeout=30)
    return writer, release


def test_writers_wait_their_turn_and_give_up_after_the_busy_timeout(app, outside_requests, monkeypatch):
    """Writers of every process queue on a file lock beside the database (lms/sqlite.py); one that waits
    longer than the busy timeout is refused like SQLite refuses ("database is locked"), never hangs."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's writers' queue")
    writer, release = _writer_holding_the_queue(app)
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 200)

    def impatient() -> None:
        with app.app_context(), pytest.raises(sqlite.WriterQueueTimeout), unit_of_work():
            _add("p-refused")

    started = time.monotonic()
    outside_requests(impatient)
    assert 0.15 < time.monotonic() - started < 5
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 10_000)
    waited: list = []

    def patient() -> None:
        with app.app_context(), unit_of_work():
            _add("p-second")
        waited.append(time.monotonic())

    second = threading.Thread(target=patient)
    second.start()
    time.sleep(0.1)
    released = time.monotonic()
    release.set()
    writer.join(timeout=30)
    second.join(timeout=30)
    assert waited and waited[0] - released < 1  # its turn came as soon as the first writer committed
    with app.app_context():
        assert _codes() == ["p-first", "p-second"]


def test_the_main_thread_sleeps_in_the_queue_under_an_alarm_and_leaves_other_timers_alone(app, monkeypatch):
    """A gunicorn worker or a command waits in a blocking ``flock``, bounded by a ``SIGALRM`` timer that is
    put back as it was; a process whose timer is in use (RQ's job timeout) polls instead of touching it."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's writers' queue")
    assert threading.current_thread() is threading.main_thread()
    writer, release = _writer_holding_the_queue(app)
    sentinel = signal.getsignal(signal.SIGALRM)
    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 200)
    started = time.monotonic()
    with pytest.raises(sqlite.WriterQueueTimeout), unit_of_work():
        _add("p-refused")
    assert 0.15 < time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGALRM) is sentinel and signal.getitimer(signal.ITIMER_REAL)[0] == 0

    # Someone else's timer is running: the wait polls and the timer rings for its owner as it would have.
    rang: list = []
    previous = signal.signal(signal.SIGALRM, lambda *_: rang.append(time.monotonic()))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(sqlite.WriterQueueTimeout), unit_of_work():
            _add("p-refused")
        assert len(rang) == 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    monkeypatch.setattr(sqlite, "BUSY_TIMEOUT_MS", 10_000)
    threading.Timer(0.2, release.set).start()
    with unit_of_work():  # blocks until the writer commits, then writes
        _add("p-second")
    turn_came = time.monotonic()
    writer.join(timeout=30)
    assert release.is_set() and turn_came - started < 10
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    assert _codes() == ["p-first", "p-second"]
