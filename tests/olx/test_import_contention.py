"""An import of a course the size of Open edX's demo course while learners work: it never holds the database
for long (on SQLite, its only write lock), nobody sees the course before it is whole, and a failure at any
step leaves nothing but the job's record of it."""

from __future__ import annotations

import contextlib
import io
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from courses import queries
from courses.models import Course, CourseAsset, CourseAuthor
from courses.olx import writer
from courses.olx.models import CourseOlxFile, OlxImport
from courses.olx.runtime import ImportRuntime
from lms.audit import AuditEvent
from lms.clock import utcnow
from lms.db import db
from lms.xblock_host.models import XBlockField
from tests.courses.helpers import build_course, handler_url
from tests.olx import large_course

# The longest a transaction of the import may last. Its steps take milliseconds; one that spanned the
# reading and parsing (made to last more than a second below) would be far above.
LONGEST_TRANSACTION = 0.5
# A learner's handler POST during the import: milliseconds when nothing holds the lock for long.
LONGEST_POST = 2.0
TABLES = (Course, CourseAuthor, CourseAsset, CourseOlxFile, XBlockField, AuditEvent)


def counts() -> dict[str, int]:
    db.session.rollback()
    return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model)) for model in TABLES}


@contextlib.contextmanager
def transaction_times(app):
    """``{thread id: [seconds of each transaction]}``, from BEGIN (on SQLite, once it holds the lock it asked
    for) to COMMIT or ROLLBACK, for every connection of the app's engine."""
    times: dict[int, list[float]] = {}
    started: dict[int, float] = {}

    def begin(connection) -> None:  # noqa: ANN001
        started[id(connection)] = time.perf_counter()

    def end(connection) -> None:  # noqa: ANN001
        began = started.pop(id(connection), None)
        if began is not None:
            times.setdefault(threading.get_ident(), []).append(time.perf_counter() - began)

    with app.app_context():
        engine = db.engine
    hooks = (("begin", begin), ("commit", end), ("rollback", end))
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        yield times
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


class Background(threading.Thread):
    """Runs ``fn`` in a thread of its own (as another server thread or a command would), keeping its outcome."""

    def __init__(self, fn):  # noqa: ANN001
        super().__init__(daemon=True)
        self.fn = fn
        self.outcome = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.outcome = self.fn()
        except BaseException as error:  # noqa: BLE001 - raised again in the test's thread
            self.error = error

    def wait_for(self, signal: threading.Event) -> None:
        """Until the work has sent ``signal`` (raising what it raised if it ended before)."""
        deadline = time.monotonic() + 60
        while not signal.wait(timeout=0.05):
            if not self.is_alive():
                self.result()
                raise AssertionError("the work ended without the signal")
            assert time.monotonic() < deadline, "no signal from the work"

    def result(self):  # noqa: ANN201
        self.join(timeout=120)
        assert not self.is_alive(), "the import did not finish"
        if self.error is not None:
            raise self.error
        return self.outcome


def upload_as(app, email: str, data: bytes, code: str = ""):  # noqa: ANN001, ANN201
    """Log in and upload as ``email`` with a client of its own; the job runs inline once the response is sent."""
    client = app.test_client()
    client.post("/login", data={"email": email, "password": "correct horse battery"})
    response = client.post(
        "/studio/import",
        data={"archive": (io.BytesIO(data), "demo.tar.gz"), "code": code},
        content_type="multipart/form-data",
        buffered=True,  # read whole and closed, as a server does: the job runs then
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def learner_post(factory, client, auth):
    """A learner enrolled in a published course, logged in on ``client``: ``post()`` votes once through a
    block's handler (a write, as every learner's handler call) and returns (status, seconds)."""
    built = build_course(factory, {"M": {"L": [["thumbs"]]}}, code="LIVE-1")
    unit = built.units[0]
    thumbs = built.components[unit][0]
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    page = client.get(f"/learn/LIVE-1/unit/{unit}").get_data(as_text=True)
    url = handler_url(page, thumbs, "vote")

    def post() -> tuple[int, float]:
        started = time.perf_counter()
        response = client.post(url, json={"voteType": "up"})
        return response.status_code, time.perf_counter() - started

    post.votes = lambda: db.session.scalar(
        select(XBlockField.value).where(XBlockField.block_key == thumbs, XBlockField.field == "upvotes")
    )
    return post


@pytest.fixture
def slow_parse(monkeypatch):
    """Parsing the course takes at least a second, and waits (up to 5 s) for ``release`` once it has begun;
    ``in_transaction`` says whether the importing session had a transaction open before and after it."""
    parsing, release = threading.Event(), threading.Event()
    in_transaction: list[bool] = []
    real = ImportRuntime.import_tree

    def import_tree(self, root):  # noqa: ANN001, ANN202
        in_transaction.append(db.session().in_transaction())
        parsing.set()
        time.sleep(1.0)
        release.wait(timeout=5)
        key = real(self, root)
        in_transaction.append(db.session().in_transaction())
        return key

    monkeypatch.setattr(ImportRuntime, "import_tree", import_tree)
    return parsing, release, in_transaction


@pytest.mark.parametrize("way", ["studio", "command"])
def test_a_learners_handler_post_succeeds_while_the_demo_course_is_imported(
    app, factory, learner_post, slow_parse, way
):
    """Reading and parsing hold no transaction: the learner's write goes through at once, and no transaction
    of the import lasts long (on the code before, the import held the write lock from start to end)."""
    author = factory.user("author", email="importer@example.org")
    data = large_course.archive()
    parsing, release, in_transaction = slow_parse
    email = author.email
    if way == "studio":
        work = Background(lambda: upload_as(app, email, data))
    else:
        runner = app.test_cli_runner()
        path = app.instance_path + "/demo-course.tar.gz"
        with open(path, "wb") as out:
            out.write(data)
        work = Background(lambda: runner.invoke(args=["import-olx", path, "--author", email]))
    with transaction_times(app) as times:
        work.start()
        work.wait_for(parsing)
        status, seconds = learner_post()
        release.set()
        outcome = work.result()
    assert status == 200 and seconds < LONGEST_POST, (status, seconds)
    assert learner_post.votes() == 1
    assert in_transaction == [False, False]  # parsing neither found a transaction open nor opened one
    if way == "command":
        assert outcome.exit_code == 0, outcome.output
        assert f"{large_course.component_count() + 51} blocks, 24 files" in outcome.output  # and 51 containers
    db.session.rollback()
    course = queries.by_code(large_course.CODE)
    assert course is not None and course.importing_at is None
    if way == "studio":
        job = db.session.get(OlxImport, outcome)
        assert (job.status, job.course_id) == ("done", course.id)
    longest = max(times[work.ident])
    assert len(times[work.ident]) >= 4  # the course, its rows in steps, the last one that shows it
    assert longest < LONGEST_TRANSACTION, sorted(times[work.ident])[-5:]


def test_no_step_writes_more_than_its_share(app, factory, import_bytes, author, monkeypatch):
    """Rows are written a bounded number at a time, each step a transaction of its own."""
    written: list[int] = []
    real = writer.insert_batch
    monkeypatch.setattr(writer, "insert_batch", lambda *args: (written.append(len(args[2])), real(*args))[1])
    result = import_bytes(large_course.archive())
    db.session.rollback()
    rows = db.session.scalar(
        select(func.count()).select_from(XBlockField).where(XBlockField.context_key == result.course.code)
    )
    assert max(written) <= writer.ROWS_PER_TRANSACTION and sum(written) == rows + 24 + 1  # fields, files, kept
    assert len(written) >= 4


def test_a_step_failing_midway_leaves_only_the_jobs_record(app, client, auth, author, monkeypatch, caplog):
    """All or nothing, although the import commits in steps: the third step fails, what the first two wrote is
    deleted, and the job says it failed."""
    monkeypatch.setattr(writer, "ROWS_PER_TRANSACTION", 100)
    calls = []
    real = writer.insert_batch

    def insert_batch(*args) -> None:  # noqa: ANN002
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk full at step 3")
        real(*args)

    monkeypatch.setattr(writer, "insert_batch", insert_batch)
    auth.login(author)
    before = counts()
    response = client.post(
        "/studio/import",
        data={"archive": (io.BytesIO(large_course.archive()), "demo.tar.gz"), "code": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    assert len(calls) == 3
    assert counts() == before  # no course, author, field, asset or kept-file row, no audit record
    job = db.session.get(OlxImport, job_id)
    assert (job.status, job.course_id) == ("failed", None) and job.finished_at is not None
    assert "error on the server" in job.message and "disk full at step 3" in caplog.text
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "Nothing was imported." in html
    # and the code is free: the same archive imports now
    monkeypatch.setattr(writer, "insert_batch", real)
    response = client.post(
        "/studio/import",
        data={"archive": (io.BytesIO(large_course.archive()), "demo.tar.gz"), "code": ""},
        content_type="multipart/form-data",
    )
    db.session.rollback()
    assert queries.by_code(large_course.CODE) is not None


def test_the_course_is_hidden_until_its_last_step(app, client, auth, factory, monkeypatch):
    """While its rows are being written (all of them but the last step's), nobody sees the course: not in the
    studio's list, not by its code (outline, learner pages, files); its code is taken. Then it is there."""
    author = factory.user("author", email="importer@example.org")
    admin = factory.user("admin")
    paused, release = threading.Event(), threading.Event()
    real = writer.insert_batch

    def insert_batch(course_id, model, rows) -> None:  # noqa: ANN001
        if model is CourseOlxFile:  # the last step: fields and files are written
            paused.set()
            release.wait(timeout=30)
        real(course_id, model, rows)

    monkeypatch.setattr(writer, "insert_batch", insert_batch)
    email, data = author.email, large_course.archive()
    work = Background(lambda: upload_as(app, email, data))
    work.start()
    try:
        work.wait_for(paused)
        db.session.rollback()
        hidden = db.session.scalar(select(Course).where(Course.code == large_course.CODE))
        assert hidden is not None and hidden.importing_at is not None
        assert db.session.scalar(
            select(func.count()).select_from(CourseAsset).where(CourseAsset.course_id == hidden.id)
        )
        for user in (author, admin):
            auth.login(user)
            listing = client.get("/studio/").get_data(as_text=True)
            assert "Demonstration Course" not in listing and large_course.CODE not in listing
            assert client.get(f"/studio/courses/{large_course.CODE}/").status_code == 404
            assert client.get(f"/learn/{large_course.CODE}/").status_code == 404
            assert client.get(f"/courses/{large_course.CODE}/assets/images/figure_0.png").status_code == 404
            assert client.get(f"/studio/courses/{large_course.CODE}/export").status_code == 404
            auth.logout()
        auth.login(author)
        # Another import (or a new course) cannot take the code meanwhile.
        taken = client.post(
            "/studio/import",
            data={"archive": (io.BytesIO(b"x"), "other.tar.gz"), "code": large_course.CODE},
            content_type="multipart/form-data",
        )
        assert taken.status_code == 400 and "Another course already uses this code." in taken.get_data(as_text=True)
        job = db.session.scalar(select(OlxImport).where(OlxImport.user_id == author.id))
        assert "being imported" in client.get(f"/studio/imports/{job.id}").get_data(as_text=True)
    finally:
        release.set()
    job_id = work.result()
    assert client.get(f"/studio/courses/{large_course.CODE}/").status_code == 200
    assert client.get(f"/courses/{large_course.CODE}/assets/images/figure_0.png").status_code == 200
    assert "Demonstration Course" in client.get("/studio/").get_data(as_text=True)
    assert "201 blocks and 24 files" in client.get(f"/studio/imports/{job_id}").get_data(as_text=True)


def test_an_abandoned_import_frees_its_code_and_is_cleaned_up(app, author, import_bytes, monkeypatch):
    """A process that dies mid-import cannot clean up: its course stays hidden, and once it has not been
    written for ABANDONED_IMPORT_AFTER, its code may be used again and what it wrote is deleted."""
    from courses import services

    before = counts()
    calls = []
    real = writer.insert_batch

    def dies(*args) -> None:  # noqa: ANN002
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process stops here: nothing runs after it
        real(*args)

    monkeypatch.setattr(writer, "insert_batch", dies)
    monkeypatch.setattr(writer, "discard", lambda course_id: None)  # a dead process deletes nothing
    with pytest.raises(KeyboardInterrupt):
        import_bytes(large_course.archive())
    monkeypatch.undo()
    db.session.rollback()
    left = db.session.scalar(select(Course).where(Course.code == large_course.CODE))
    assert left is not None and left.importing_at is not None and queries.by_code(large_course.CODE) is None
    # Recently written: the import may still be alive, so the code is taken.
    with pytest.raises(services.CourseError):
        services.check_new_code(large_course.CODE)
    db.session.execute(
        update(Course)
        .where(Course.id == left.id)
        .values(importing_at=utcnow() - services.ABANDONED_IMPORT_AFTER - timedelta(minutes=1))
    )
    db.session.commit()
    services.check_new_code(large_course.CODE)  # abandoned: free again
    result = import_bytes(large_course.archive())  # its rows have the same keys: it would fail on them
    db.session.rollback()
    assert queries.by_code(large_course.CODE).id == result.course.id
    after = counts()
    assert after["course"] == before["course"] + 1  # the abandoned course is gone, with what it wrote
    assert after["course_asset"] == before["course_asset"] + 24


def test_a_new_course_may_take_the_code_of_an_abandoned_import(app, author):
    from courses import services

    stale = utcnow() - services.ABANDONED_IMPORT_AFTER - timedelta(seconds=1)
    abandoned = Course(code="GONE-1", title="Half imported", owner_id=author.id, importing_at=stale)
    db.session.add(abandoned)
    db.session.flush()
    db.session.add(
        XBlockField(branch="draft", scope="content", context_key="GONE-1", block_key="k", field="f", value=1)
    )
    db.session.commit()
    course = services.create_course(code="gone-1", title="A new course", owner=author)
    db.session.commit()
    assert queries.by_code("GONE-1").title == "A new course" and course.importing_at is None
    assert db.session.scalar(select(func.count()).select_from(Course)) == 1
    assert (
        db.session.scalar(select(func.count()).where(XBlockField.context_key == "GONE-1", XBlockField.block_key == "k"))
        == 0
    )


def test_a_visible_course_is_never_deleted_as_an_unfinished_import(app, imported):
    from courses import services

    assert services.delete_unfinished_import(imported.course.id) is True
    db.session.commit()
    assert queries.by_code(imported.course.code) is not None
