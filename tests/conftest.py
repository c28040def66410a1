"""Fixtures for the whole suite: ``app``, ``client`` (pytest-flask), ``auth``, ``factory``, ``count_queries``.

The schema is built once per run through the Alembic migrations (so the migrations are tested too), on
a temporary SQLite file, or on the database named by ``LMS_TEST_DATABASE_URL`` (PostgreSQL in CI).
Each test starts from empty tables plus the eight IPRCs.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
import threading
import uuid
from datetime import date, timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, text

from lms import create_app
from lms.config import test_database_url
from lms.db import db
from lms.per_request import request_state

PASSWORD = "correct horse battery"


def _overrides(tmp_path_factory) -> dict:
    instance = tmp_path_factory.mktemp("instance")
    url = test_database_url() or f"sqlite:///{instance / 'test.sqlite3'}"
    return {
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(instance),
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def app_overrides(tmp_path_factory):
    return _overrides(tmp_path_factory)


@pytest.fixture(scope="session")
def app(app_overrides):
    application = create_app(app_overrides)
    with application.app_context():
        _reset_schema()
    return application


def _reset_schema() -> None:
    from flask_migrate import upgrade

    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()
    db.session.commit()


@pytest.fixture(autouse=True)
def clean_database(app):
    """Empty every table before each test, then add the default institutions."""
    from lms.institutions.services import ensure_default_institutions

    with app.app_context():
        tables = [table.name for table in reversed(db.metadata.sorted_tables)]
        if db.engine.dialect.name == "postgresql":
            # Sequences keep counting (no RESTART IDENTITY), as ids of immutable versions never repeat.
            quote = db.engine.dialect.identifier_preparer.quote  # "user" is a reserved word there
            db.session.execute(text(f"TRUNCATE {', '.join(quote(name) for name in tables)} CASCADE"))
        else:
            for name in tables:
                db.session.execute(text(f'DELETE FROM "{name}"'))
        ensure_default_institutions()
        db.session.commit()
    # The certificate checks' rate limit counts in the process's memory (certificates.throttle): each test
    # starts with no checks counted, as its database starts empty.
    app.extensions.pop("certificates.verify_limiter", None)
    yield
    with app.app_context():
        db.session.remove()


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own (own ``g``, own database session), as in production.

    pytest-flask pushes a request context around every test and Flask reuses its app context for the
    client's requests, so ``g`` and the session would otherwise be shared by all requests of a test (and
    a request-scoped bug would hide). The test's own transaction is ended first, so the request sees what
    the test wrote and the test then reads what the request committed. Responses are read whole and
    closed, as a server does once it has sent them (jobs that run after the response start then).
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        if has_app_context():
            db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            # The test body itself runs in one long request context: after this request changed the
            # database, its request-scoped caches (course drafts, permission answers) are stale.
            request_state().clear()


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def worker_app(app_overrides, monkeypatch):
    """``lms.worker.run_named_job`` builds its own app on its first job, from the environment; in a test, from
    the tests' settings (the same database)."""
    from lms import worker

    monkeypatch.setattr(worker, "_app", None)
    monkeypatch.setattr("lms.app.create_app", lambda: create_app(app_overrides))
    return worker


@pytest.fixture
def rq_queue(app, worker_app, monkeypatch):
    """A real RQ queue on the local Redis (skips without one): ``enqueue`` queues, and calling the
    returned function runs what is queued in an RQ worker in this process, as ``rq worker`` would.
    The queue has a name of its own, so test runs sharing the Redis do not take each other's jobs."""
    redis = pytest.importorskip("redis")
    rq = pytest.importorskip("rq")
    connection = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("LMS_TEST_REQUIRE_REDIS"):  # CI: these tests must run
            pytest.fail("no Redis on 127.0.0.1:6379 (LMS_TEST_REQUIRE_REDIS is set)")
        pytest.skip("no Redis on 127.0.0.1:6379")
    name = f"lms-test-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.config, "QUEUE_URL", REDIS_TEST_URL)
    monkeypatch.setitem(app.config, "QUEUE_NAME", name)
    queue = rq.Queue(name, connection=connection)

    class BurstWorker(rq.SimpleWorker):
        """No pubsub channel (it only carries commands to a long-running worker): RQ's pubsub thread reads
        with a 60-second timeout, and a burst worker that quits while the thread is still starting waited
        for that read to end (seen under load: a job done in 1 s, the worker gone 61 s later)."""

        def subscribe(self) -> None:
            pass

        def unsubscribe(self) -> None:
            pass

    def run_queued_jobs() -> bool:
        return BurstWorker([queue], connection=connection).work(burst=True)

    run_queued_jobs.queue = queue
    yield run_queued_jobs
    queue.delete(delete_jobs=True)


@pytest.fixture
def outside_requests():
    """Run ``fn(*args)`` as a command or a queue worker would: in a thread of its own, so without the
    request context that pytest-flask pushes for every test (its session, user and locale would hide
    code that needs a request)."""

    def run(fn, *args, **kwargs):
        outcome: dict = {}

        def target() -> None:
            try:
                outcome["value"] = fn(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 - handed to the test below
                outcome["error"] = error

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(timeout=120)
        assert not thread.is_alive(), f"{fn!r} did not finish"
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    return run


@pytest.fixture
def allow_block_types(app, monkeypatch):
    """``allow_block_types(*types)``: what an admin does by listing types in ``LMS_XBLOCK_ALLOWLIST`` (the
    xblock-sdk's samples, say), beside every type allowed by default; for this test only."""
    from lms.xblock_host.registry import BlockTypes

    def allow(*block_types: str) -> None:
        listed = [*BlockTypes(None).allowed_types(), *block_types]
        monkeypatch.setitem(app.extensions, "xblock_types", BlockTypes(listed))

    return allow


@pytest.fixture(scope="session")
def browser():
    """The one headless Chromium of the run, shared by every browser test (journeys, blocks, course files).

    Playwright's sync API runs one event loop per process: a second ``sync_playwright()`` while this one is
    open fails, so no test starts its own (tests/test_browser_fixture.py). Skipped without Chromium.
    """
    from tests.browser import CHROMIUM, MISSING, launch_chromium

    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(autouse=True)
def close_browser_contexts(request):
    """After a test that used the shared browser: close the contexts it left open (cookies, pages, memory)."""
    yield
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()


@pytest.fixture
def client(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


@pytest.fixture(autouse=True)
def fast_passwords(request, monkeypatch):
    """scrypt at a low cost (same format, ~3 ms instead of ~100 ms): tests create many accounts.

    A test marked ``real_password_hashing`` keeps the production cost.
    """
    if request.node.get_closest_marker("real_password_hashing"):
        return
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(
        "lms.accounts.services._hash_password", lambda password: generate_password_hash(password, "scrypt:1024:8:1")
    )


class Factory:
    """Builds committed test data; every method returns ORM objects usable in the test's session."""

    _seq = itertools.count(1)

    def __init__(self, app):
        self.app = app

    def _n(self) -> int:
        return next(self._seq)

    def user(
        self,
        *roles: str,
        email: str | None = None,
        name: str | None = None,
        password: str = PASSWORD,
        institution: str | None = "iprc-kigali",
        language: str = "en",
        active: bool = True,
    ):
        from lms.accounts import services
        from lms.institutions.queries import by_code

        n = self._n()
        institution_id = by_code(institution).id if institution else None
        user = services.create_user(
            email or f"user{n}@example.org",
            name or f"Test User {n}",
            password,
            roles=list(roles) or ["learner"],
            institution_id=institution_id,
            language=language,
            via="cli",
        )
        user.active = active
        db.session.commit()
        return user

    def course(self, owner=None, code: str | None = None, title: str | None = None, track: str = "tvet_tot"):
        from courses.services import create_course

        owner = owner or self.user("author")
        n = self._n()
        course = create_course(code=code or f"C-{n}", title=title or f"Course {n}", owner=owner, track=track)
        db.session.commit()
        return course

    def cohort(self, course=None, institution: str = "iprc-huye", instructors=(), learners=(), name: str | None = None):
        from lms.cohorts.services import enroll, save_cohort
        from lms.institutions.queries import by_code

        course = course or self.course()
        admin = self.user("admin")
        cohort = save_cohort(
            None,
            name=name or f"Cohort {self._n()}",
            course_id=course.id,
            institution_id=by_code(institution).id,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=30),
            instructors=list(instructors),
            by=admin,
        )
        for learner in learners:
            enroll(cohort, learner)
        db.session.commit()
        return cohort


@pytest.fixture
def factory(app):
    return Factory(app)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user_or_email, password: str = PASSWORD, follow: bool = False):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/login", data={"email": email, "password": password}, follow_redirects=follow)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as counter: …`` counts the SQL statements run (transaction control and
    SQLite's PRAGMAs excluded)."""

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
            if (
                not statement.lstrip()
                .upper()
                .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"))
            ):
                counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting
