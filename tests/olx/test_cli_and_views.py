"""``lms import-olx`` / ``lms export-olx``, the studio upload form and the download link."""

from __future__ import annotations

import io
import tarfile
import time
from datetime import timedelta
from pathlib import Path

from babel.messages.pofile import read_po
from lxml import etree
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage

from courses import queries
from courses.models import Course
from courses.olx import jobs
from courses.olx.jobs import upload_path
from courses.olx.models import OlxImport
from lms.clock import utcnow
from lms.db import db
from tests.olx import olx_course

ROOT = Path(__file__).resolve().parents[2]


def members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


# --- command line -------------------------------------------------------------------------------------


def test_cli_import_then_export(app, author, tmp_path):
    archive = tmp_path / "in.tar.gz"
    archive.write_bytes(olx_course.archive())
    runner = app.test_cli_runner()

    result = runner.invoke(args=["import-olx", str(archive), "--author", author.email, "--code", "ELEC-CLI"])
    assert result.exit_code == 0, result.output
    assert "Imported ELEC-CLI (Electrical Installation for Trainers): 16 blocks, 2 files." in result.output
    assert "1 × problem" in result.output and "1 × lti" in result.output
    db.session.rollback()
    course = queries.by_code("ELEC-CLI")
    assert course is not None and course.owner_id == author.id

    out = tmp_path / "out.tar.gz"
    result = runner.invoke(args=["export-olx", "ELEC-CLI", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = members(out.read_bytes())
    assert etree.fromstring(files["course/course.xml"]).get("url_name") == olx_course.RUN
    assert "course/problem/ppe_quiz.xml" in files and "course/static/images/gloves.png" in files

    result = runner.invoke(args=["export-olx", "ELEC-CLI", "--out", str(out), "--published"])
    assert result.exit_code == 1 and "not been published" in result.output


def test_cli_rejects_unknown_or_unauthorised_authors(app, factory, tmp_path, row_counts):
    learner = factory.user("learner")
    archive = tmp_path / "in.tar.gz"
    archive.write_bytes(olx_course.archive())
    runner = app.test_cli_runner()
    before = row_counts()
    result = runner.invoke(args=["import-olx", str(archive), "--author", "nobody@example.org"])
    assert result.exit_code == 2 and "no account" in result.output
    result = runner.invoke(args=["import-olx", str(archive), "--author", learner.email])
    assert result.exit_code == 2 and "may not create courses" in result.output
    assert row_counts() == before


def test_cli_export_of_unknown_course(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["export-olx", "NOPE", "--out", str(tmp_path / "x.tar.gz")])
    assert result.exit_code == 2 and "no course with code" in result.output


# --- the upload form ----------------------------------------------------------------------------------


def upload(client, data: bytes, code: str = "", filename: str = "course.tar.gz"):  # noqa: ANN001
    return client.post(
        "/studio/import",
        data={"archive": (io.BytesIO(data), filename), "code": code},
        content_type="multipart/form-data",
    )


def test_import_form_page(client, auth, author):
    auth.login(author)
    page = client.get("/studio/import")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert 'for="archive"' in html and 'for="code"' in html


def job_id_of(response) -> int:  # noqa: ANN001
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert "/studio/imports/" in location
    return int(location.rstrip("/").rsplit("/", 1)[1])


def test_upload_imports_and_the_job_page_shows_the_result(app, client, auth, author):

    auth.login(author)
    job_id = job_id_of(upload(client, olx_course.archive(), filename="elec.tar.gz"))
    db.session.rollback()
    course = queries.by_code(olx_course.CODE)
    assert course is not None and course.title == "Electrical Installation for Trainers"
    job = db.session.get(OlxImport, job_id)
    assert (job.status, job.course_id, job.user_id, job.filename) == ("done", course.id, author.id, "elec.tar.gz")
    assert job.started_at is not None and job.finished_at is not None
    assert not upload_path(job_id).exists()  # the uploaded archive is gone once imported
    page = client.get(f"/studio/imports/{job_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "16 blocks and 2 files" in html and "problem × 1" in html
    assert f"{len(olx_course.KEPT_FILES)} files of the export that this LMS does not use" in html
    assert f'href="/studio/courses/{olx_course.CODE}/"' in html
    assert 'http-equiv="refresh"' not in html  # finished: the page stops refreshing
    # the form lists it among the author's imports
    assert f'href="/studio/imports/{job_id}"' in client.get("/studio/import").get_data(as_text=True)
    # and the course's outline lists the files kept for export
    outline = client.get(f"/studio/courses/{olx_course.CODE}/").get_data(as_text=True)
    assert "8 files kept from the Open edX export" in outline and "<code>about/overview.html</code>" in outline


def test_upload_with_code_override(client, auth, author):
    auth.login(author)
    job_id_of(upload(client, olx_course.archive(), code="MY-COPY"))
    db.session.rollback()
    assert queries.by_code("MY-COPY") is not None and queries.by_code(olx_course.CODE) is None


def test_bad_upload_fails_the_job_with_file_and_line_and_imports_nothing(client, auth, author, row_counts):

    auth.login(author)
    before = row_counts()
    broken = olx_course.course_files()
    broken["vertical/ppe_check.xml"] = b"<vertical><problem url_name='ppe_quiz'></vertical>"
    job_id = job_id_of(upload(client, olx_course.tar_gz(broken)))
    assert row_counts() == before
    job = db.session.get(OlxImport, job_id)
    assert job.status == "failed" and "vertical/ppe_check.xml, line 1" in job.message
    assert not upload_path(job_id).exists()
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "Nothing was imported." in html and "vertical/ppe_check.xml, line 1" in html
    assert 'href="/studio/import"' in html and 'http-equiv="refresh"' not in html


def test_upload_error_after_the_course_was_created_rolls_back(client, auth, author, row_counts):
    """A block rejecting its OLX fails the import after the course row was flushed: nothing of it stays."""
    auth.login(author)
    before = row_counts()
    files = olx_course.course_files()
    files["vertical/ppe_check.xml"] = (
        b'<vertical><poll url_name="p" xblock-family="xblock.v1" answers="[1,"/></vertical>'
    )
    job_id = job_id_of(upload(client, olx_course.tar_gz(files)))
    assert row_counts() == before
    assert "could not be read" in client.get(f"/studio/imports/{job_id}").get_data(as_text=True)


def test_a_code_already_in_use_is_refused_on_the_form(client, auth, author, import_bytes):

    import_bytes(olx_course.archive())
    auth.login(author)
    response = upload(client, olx_course.archive(), code=olx_course.CODE.lower())
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html and "Another course already uses this code." in html
    assert db.session.scalar(select(func.count()).select_from(OlxImport)) == 0


def test_a_code_from_the_export_already_in_use_fails_the_job_with_a_hint(client, auth, author, import_bytes):
    import_bytes(olx_course.archive())
    auth.login(author)
    job_id = job_id_of(upload(client, olx_course.archive()))
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "Another course already uses this code." in html
    assert "give the course a code of its own" in html


def test_with_a_queue_the_worker_imports_while_the_page_refreshes(app, client, auth, author, worker_app, monkeypatch):
    """With LMS_QUEUE_URL the form only queues the job; the worker's entry point runs it and commits."""
    queued = []
    monkeypatch.setattr(jobs, "enqueue", lambda fn, *args: queued.append((f"{fn.__module__}:{fn.__qualname__}", args)))
    auth.login(author)
    job_id = job_id_of(upload(client, olx_course.archive()))
    assert queued == [("courses.olx.jobs:run_import", (job_id,))]
    assert jobs.upload_path(job_id).exists()
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "waiting to start" in html and '<meta http-equiv="refresh" content="3">' in html
    db.session.rollback()
    assert queries.by_code(olx_course.CODE) is None

    worker_app.run_named_job(*queued[0], {})
    db.session.rollback()
    assert queries.by_code(olx_course.CODE) is not None
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "imported" in html and "16 blocks and 2 files" in html
    worker_app.run_named_job(*queued[0], {})  # delivered twice: nothing happens the second time
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(Course)) == 1
    assert db.session.get(OlxImport, job_id).status == "done"


def test_an_upload_imported_by_a_real_rq_worker(app, client, auth, author, rq_queue):
    """Through Redis and RQ, with the import's own timeout: the page waits, the worker imports."""
    auth.login(author)
    job_id = job_id_of(upload(client, olx_course.archive()))
    [queued] = rq_queue.queue.get_jobs()
    assert (
        queued.args[:2] == ("courses.olx.jobs:run_import", (job_id,)) and queued.timeout == jobs.IMPORT_TIMEOUT_SECONDS
    )
    assert "waiting to start" in client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert rq_queue() is True
    db.session.rollback()
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "16 blocks and 2 files" in html and 'http-equiv="refresh"' not in html
    assert queries.by_code(olx_course.CODE) is not None and not upload_path(job_id).exists()


def test_a_job_running_past_the_workers_timeout_says_it_was_stopped(client, auth, author):
    started = utcnow() - timedelta(seconds=jobs.IMPORT_TIMEOUT_SECONDS + 60)
    job = OlxImport(user_id=author.id, filename="big.tar.gz", size=10, status="running", started_at=started)
    db.session.add(job)
    db.session.commit()
    auth.login(author)
    html = client.get(f"/studio/imports/{job.id}").get_data(as_text=True)
    assert "ran for more than 30 minutes" in html and "Nothing was imported" in html
    assert 'http-equiv="refresh"' not in html
    assert "stopped: nothing imported" in client.get("/studio/import").get_data(as_text=True)
    job.started_at = utcnow()
    db.session.commit()
    html = client.get(f"/studio/imports/{job.id}").get_data(as_text=True)
    assert "being imported" in html and 'http-equiv="refresh"' in html


def test_a_bad_archive_from_the_command_line_fails_with_its_message(app, author, tmp_path, outside_requests):
    archive = tmp_path / "bad.tar.gz"
    archive.write_bytes(b"not a tarball")
    runner = app.test_cli_runner()
    result = outside_requests(runner.invoke, args=["import-olx", str(archive), "--author", author.email])
    assert result.exit_code == 1, result.output
    assert "Nothing was imported: This is not a .tar.gz archive" in result.output


def test_a_queued_import_speaks_the_authors_language_in_the_worker(
    app, client, auth, factory, worker_app, monkeypatch, outside_requests
):
    french_author = factory.user("author", email="auteur@example.org", language="fr")
    queued = []
    monkeypatch.setattr(jobs, "enqueue", lambda fn, *args: queued.append((f"{fn.__module__}:{fn.__qualname__}", args)))
    auth.login(french_author)
    job_id = job_id_of(upload(client, b"not a tarball"))
    outside_requests(worker_app.run_named_job, *queued[0], {})  # as in an RQ worker: no request, no session
    db.session.rollback()
    job = db.session.get(OlxImport, job_id)
    assert job.status == "failed"
    with open(ROOT / "courses/translations/fr/LC_MESSAGES/messages.po", "rb") as handle:
        french = read_po(handle).get("This is not a .tar.gz archive (as Open edX Studio exports courses).").string
    assert job.message == french and "archive" in french


def test_the_archive_is_copied_before_the_jobs_row_takes_the_write_lock(client, auth, author, monkeypatch):
    """On SQLite the job's INSERT holds the database's write lock until the request commits: a slow copy
    of a large archive must come before it, not inside it."""
    order = []
    real_save = FileStorage.save
    monkeypatch.setattr(
        FileStorage, "save", lambda self, dst, *a, **k: (order.append("copy"), real_save(self, dst, *a, **k))
    )

    def on_insert(*_args) -> None:
        order.append("insert")

    event.listen(OlxImport, "before_insert", on_insert)
    try:
        auth.login(author)
        job_id = job_id_of(upload(client, olx_course.archive()))
    finally:
        event.remove(OlxImport, "before_insert", on_insert)
    assert order == ["copy", "insert"]
    assert db.session.get(OlxImport, job_id).size == len(olx_course.archive())
    assert list(jobs.upload_folder().glob("*.part")) == []


def test_a_failure_while_recording_the_job_leaves_no_file(app, author, monkeypatch):
    def broken(_job_id):
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "upload_path", broken)
    before = set(jobs.upload_folder().glob("*")) if jobs.upload_folder().exists() else set()
    with app.test_request_context("/studio/import", method="POST"):
        try:
            jobs.start_import(author, FileStorage(io.BytesIO(b"archive bytes"), "course.tar.gz"))
        except OSError:
            pass
        else:
            raise AssertionError("start_import should have failed")
        db.session.rollback()
    assert set(jobs.upload_folder().glob("*")) == before


def test_a_job_waiting_too_long_says_no_worker_takes_jobs(client, auth, author):

    job = OlxImport(user_id=author.id, filename="slow.tar.gz", size=10, created_at=utcnow() - timedelta(minutes=6))
    db.session.add(job)
    db.session.commit()
    auth.login(author)
    html = client.get(f"/studio/imports/{job.id}").get_data(as_text=True)
    assert "no worker seems to be taking jobs" in html and 'http-equiv="refresh"' not in html
    assert "waiting for a worker" in client.get("/studio/import").get_data(as_text=True)


def test_an_unexpected_error_fails_the_job_and_is_logged(client, auth, author, row_counts, monkeypatch, caplog):

    def broken(*_args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(jobs, "import_archive", broken)
    auth.login(author)
    before = row_counts()
    job_id = job_id_of(upload(client, olx_course.archive()))
    assert row_counts() == before
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "error on the server" in html and "disk on fire" not in html
    assert "disk on fire" in caplog.text


def test_an_import_stopped_at_the_workers_timeout_imports_nothing_and_says_why(
    client, auth, author, row_counts, rq_queue, monkeypatch
):
    real_import = jobs.import_archive

    def slow(*args):
        result = real_import(*args)  # the course is written (in the job's savepoint)…
        time.sleep(10)  # …and the worker's timeout falls before the job ends
        return result

    monkeypatch.setattr(jobs, "import_archive", slow)
    monkeypatch.setattr(jobs.run_import, "job_timeout", 1)
    auth.login(author)
    before = row_counts()
    job_id = job_id_of(upload(client, olx_course.archive()))
    started = time.monotonic()
    rq_queue()
    assert time.monotonic() - started < 8
    db.session.rollback()
    assert row_counts() == before and queries.by_code(olx_course.CODE) is None
    job = db.session.get(OlxImport, job_id)
    assert job.status == "failed" and job.finished_at is not None
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "ran for more than 30 minutes" in html and "failed: nothing imported" in html


def test_only_its_author_and_admins_see_an_import(client, auth, factory, author):
    auth.login(author)
    job_id = job_id_of(upload(client, olx_course.archive()))
    auth.logout()
    auth.login(factory.user("author"))
    assert client.get(f"/studio/imports/{job_id}").status_code == 404
    assert f"/studio/imports/{job_id}" not in client.get("/studio/import").get_data(as_text=True)
    auth.logout()
    auth.login(factory.user("learner"))
    assert client.get(f"/studio/imports/{job_id}").status_code == 403
    auth.logout()
    auth.login(factory.user("admin"))
    assert client.get(f"/studio/imports/{job_id}").status_code == 200
    assert client.get("/studio/imports/999999").status_code == 404


def test_upload_without_a_file(client, auth, author):
    auth.login(author)
    response = client.post("/studio/import", data={"code": ""}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Choose the .tar.gz file" in response.get_data(as_text=True)


def test_learners_may_not_import(client, auth, factory, row_counts):
    auth.login(factory.user("learner"))
    assert client.get("/studio/import").status_code == 403
    before = row_counts()
    assert upload(client, olx_course.archive()).status_code == 403
    assert row_counts() == before


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get("/studio/import")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- the download link --------------------------------------------------------------------------------


def test_export_download(client, auth, author, imported):
    auth.login(author)
    response = client.get(f"/studio/courses/{imported.course.code}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/gzip"
    assert f"{imported.course.code}.tar.gz" in response.headers["Content-Disposition"]
    files = members(response.data)
    assert files["course/html/ppe_text.html"].decode() == olx_course.PPE_HTML.strip()
    assert files["course/static/handout.pdf"] == olx_course.PDF


def test_published_download_before_publishing_explains(client, auth, author, imported):
    auth.login(author)
    response = client.get(f"/studio/courses/{imported.course.code}/export?version=published", follow_redirects=True)
    assert "This course has not been published yet." in response.get_data(as_text=True)


def test_only_authors_of_the_course_may_export(client, auth, factory, imported):
    auth.login(factory.user("learner"))
    assert client.get(f"/studio/courses/{imported.course.code}/export").status_code == 403
    auth.logout()
    auth.login(factory.user("author"))  # an author, but not of this course
    assert client.get(f"/studio/courses/{imported.course.code}/export").status_code == 403
    assert client.get("/studio/courses/NO-SUCH/export").status_code == 404


def test_a_running_import_refreshes_its_page(client, auth, author):

    job = OlxImport(user_id=author.id, filename="big.tar.gz", size=10, status="running", started_at=utcnow())
    db.session.add(job)
    db.session.commit()
    auth.login(author)
    html = client.get(f"/studio/imports/{job.id}").get_data(as_text=True)
    assert "importing…" in html and "The course is being imported" in html
    assert '<meta http-equiv="refresh" content="3">' in html
