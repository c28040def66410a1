"""``lms import-olx`` / ``lms export-olx``, the studio upload form and the download link."""

from __future__ import annotations

import io
import tarfile

from lxml import etree

from courses import queries
from lms.db import db
from tests.olx import olx_course


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


def test_upload_imports_and_redirects_to_the_course(client, auth, author):
    auth.login(author)
    response = upload(client, olx_course.archive())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studio/courses/{olx_course.CODE}/")
    db.session.rollback()
    course = queries.by_code(olx_course.CODE)
    assert course is not None and course.title == "Electrical Installation for Trainers"
    with client.session_transaction() as session:
        flashes = " ".join(message for _, message in session.get("_flashes", []))
    assert "16 blocks and 2 files" in flashes and "problem × 1" in flashes


def test_upload_with_code_override(client, auth, author):
    auth.login(author)
    assert upload(client, olx_course.archive(), code="MY-COPY").status_code == 302
    db.session.rollback()
    assert queries.by_code("MY-COPY") is not None and queries.by_code(olx_course.CODE) is None


def test_bad_upload_shows_the_error_and_imports_nothing(client, auth, author, row_counts):
    auth.login(author)
    before = row_counts()
    broken = olx_course.course_files()
    broken["vertical/ppe_check.xml"] = b"<vertical><problem url_name='ppe_quiz'></vertical>"
    response = upload(client, olx_course.tar_gz(broken))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "vertical/ppe_check.xml, line 1" in html
    assert 'id="archive-error"' in html  # next to the file field
    assert row_counts() == before


def test_upload_error_after_the_course_was_created_rolls_back(client, auth, author, row_counts):
    """A block rejecting its OLX fails the import after the course row was flushed: the 400 rolls back."""
    auth.login(author)
    before = row_counts()
    files = olx_course.course_files()
    files["vertical/ppe_check.xml"] = (
        b'<vertical><poll url_name="p" xblock-family="xblock.v1" answers="[1,"/></vertical>'
    )
    response = upload(client, olx_course.tar_gz(files))
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
    assert row_counts() == before


def test_duplicate_code_error_is_shown_next_to_the_code_field(client, auth, author, import_bytes):
    import_bytes(olx_course.archive())
    auth.login(author)
    response = upload(client, olx_course.archive())
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="code-error"' in html and "Another course already uses this code." in html


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
