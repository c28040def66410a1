"""Course files: a published version keeps its files, whatever the draft's files become.

Authors work through the studio's pages, learners through the unit pages and the URLs those pages show.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import re
import tarfile

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from courses.models import CourseVersionAsset
from courses.versions import publish
from lms.db import db
from tests.courses.helpers import build_course

OLD = b"\x89PNG\r\n\x1a\n" + b"first diagram " * 8
NEW = b"\x89PNG\r\n\x1a\n" + b"corrected diagram " * 8
SHEET = b"%PDF-1.4 the checklist"
SECRET = b"%PDF-1.4 answers not yet for learners"
MIGRATION = "62549c9cc63a"  # course_version_asset


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(client, code: str, name: str, data: bytes) -> None:
    response = client.post(
        f"/studio/courses/{code}/files", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def delete_file(client, code: str, name: str) -> None:
    page = client.get(f"/studio/courses/{code}/files").get_data(as_text=True)
    match = re.search(r"<code>/static/" + re.escape(name) + r"</code>.*?/files/(\d+)/delete", page, re.S)
    assert match, page
    assert client.post(f"/studio/courses/{code}/files/{match.group(1)}/delete").status_code == 302


def file_urls(page: str) -> dict[str, str]:
    """{file name: the URL the page shows for it}, from the unit's src/href attributes."""
    urls = re.findall(r'(?:src|href)="(/courses/[^"]+)"', page)
    return {html_lib.unescape(url).rsplit("/", 1)[-1].replace("%20", " "): html_lib.unescape(url) for url in urls}


def published_course(factory, client, auth, code: str):
    """A course whose unit shows an image and links a checklist, published with OLD and SHEET, a learner in it."""
    built = build_course(factory, {"M": {"L": [["html"]]}}, code=code, publish_it=False)
    html_block = built.components[built.units[0]][0]
    auth.login(built.author)
    upload(client, code, "diagram.png", OLD)
    upload(client, code, "checklist.pdf", SHEET)
    content = '<p><img src="/static/diagram.png" alt="Wiring"> <a href="/static/checklist.pdf">Checklist</a></p>'
    response = client.post(
        f"/studio/courses/{code}/blocks/{html_block}/edit", data={"display_name": "T", "data": content}
    )
    assert response.status_code in (200, 302)
    assert client.post(f"/studio/courses/{code}/publish", data={}).status_code == 302
    auth.logout()
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return built, learner


def draft_state(client, code: str) -> str:
    """What the studio's outline says of the draft: "up to date" or "unpublished changes"."""
    page = client.get(f"/studio/courses/{code}/").get_data(as_text=True)
    return re.search(r'class="badge badge-(?:ok|warn)">([^<]+)<', page).group(1)


def learner_page(client, built) -> str:
    page = client.get(f"/learn/{built.course.code}/unit/{built.units[0]}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def preview_page(client, built) -> str:
    page = client.get(f"/studio/courses/{built.course.code}/preview/{built.units[0]}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_learners_keep_the_published_bytes_when_the_draft_file_is_replaced_or_deleted(client, auth, factory):
    built, learner = published_course(factory, client, auth, "FILES-KEEP")
    auth.login(learner)
    published = file_urls(learner_page(client, built))
    assert client.get(published["diagram.png"]).data == OLD
    assert client.get(published["checklist.pdf"]).data == SHEET
    auth.logout()

    auth.login(built.author)
    upload(client, "FILES-KEEP", "diagram.png", NEW)  # replaces the draft's file of the same name
    delete_file(client, "FILES-KEEP", "checklist.pdf")
    # the author's preview shows the draft: the new bytes, and no checklist any more
    draft = file_urls(preview_page(client, built))
    assert client.get(draft["diagram.png"]).data == NEW
    assert client.get(draft["checklist.pdf"]).status_code == 404
    assert client.get("/courses/FILES-KEEP/assets/diagram.png").data == NEW  # by name: the draft's, for authors
    auth.logout()

    auth.login(learner)
    assert file_urls(learner_page(client, built)) == published  # the same URLs …
    image = client.get(published["diagram.png"])
    assert image.data == OLD and image.headers["ETag"] == f'"{sha(OLD)}"'  # … the same bytes
    assert client.get(published["checklist.pdf"]).data == SHEET  # deleted from the draft only
    # the older by-name URLs give learners the published version's files too
    assert client.get("/courses/FILES-KEEP/assets/diagram.png").data == OLD
    assert client.get("/courses/FILES-KEEP/assets/checklist.pdf").data == SHEET
    auth.logout()

    auth.login(built.author)
    assert client.post("/studio/courses/FILES-KEEP/publish", data={}).status_code == 302
    auth.logout()
    auth.login(learner)
    republished = file_urls(learner_page(client, built))
    assert republished["diagram.png"] != published["diagram.png"]
    assert client.get(republished["diagram.png"]).data == NEW
    assert client.get("/courses/FILES-KEEP/assets/diagram.png").data == NEW
    assert client.get(republished["checklist.pdf"]).status_code == 404  # gone from the new version
    assert client.get(published["checklist.pdf"]).status_code == 404  # and the old version's URL is not served
    assert client.get(published["diagram.png"]).status_code == 404


def test_changing_a_file_leaves_the_draft_with_unpublished_changes(client, auth, factory):
    built, _learner = published_course(factory, client, auth, "FILES-STATE")
    auth.login(built.author)
    assert draft_state(client, "FILES-STATE") == "up to date"
    upload(client, "FILES-STATE", "diagram.png", NEW)
    assert draft_state(client, "FILES-STATE") == "unpublished changes"  # the author is told to publish
    assert client.post("/studio/courses/FILES-STATE/publish", data={}).status_code == 302
    assert draft_state(client, "FILES-STATE") == "up to date"
    delete_file(client, "FILES-STATE", "checklist.pdf")
    assert draft_state(client, "FILES-STATE") == "unpublished changes"


def test_learners_never_get_draft_only_files(client, auth, factory):
    built, learner = published_course(factory, client, auth, "FILES-DRAFT")
    auth.login(built.author)
    upload(client, "FILES-DRAFT", "answers.pdf", SECRET)
    upload(client, "FILES-DRAFT", "diagram.png", NEW)
    secret_url = f"/courses/FILES-DRAFT/files/{sha(SECRET)}/answers.pdf"
    new_url = f"/courses/FILES-DRAFT/files/{sha(NEW)}/diagram.png"
    assert client.get(secret_url).data == SECRET  # the author may
    assert client.get(new_url).data == NEW
    assert client.get("/courses/FILES-DRAFT/assets/answers.pdf").data == SECRET
    # the studio's list links each file by its content
    files_page = client.get("/studio/courses/FILES-DRAFT/files").get_data(as_text=True)
    assert f'href="{secret_url}"' in files_page
    auth.logout()

    auth.login(learner)
    assert client.get(secret_url).status_code == 404
    assert client.get("/courses/FILES-DRAFT/assets/answers.pdf").status_code == 404
    assert client.get(new_url).status_code == 404  # the draft's bytes under a published name
    assert client.get(f"/courses/FILES-DRAFT/files/{sha(OLD)}/diagram.png").data == OLD
    assert client.get(f"/courses/FILES-DRAFT/files/{sha(OLD)}/other.png").status_code == 404  # hash and name
    assert client.get("/courses/FILES-DRAFT/files/not-a-hash/diagram.png").status_code == 404
    auth.logout()

    outsider = factory.user("learner")
    auth.login(outsider)
    assert client.get(f"/courses/FILES-DRAFT/files/{sha(OLD)}/diagram.png").status_code == 403  # not enrolled
    auth.logout()
    anonymous = client.get(f"/courses/FILES-DRAFT/files/{sha(OLD)}/diagram.png")
    assert anonymous.status_code == 302 and "login" in anonymous.headers["Location"]  # sign in first


def test_content_addressed_urls_are_cached_for_good_and_seek(client, auth, factory):
    built, learner = published_course(factory, client, auth, "FILES-CACHE")
    auth.login(learner)
    url = file_urls(learner_page(client, built))["diagram.png"]
    response = client.get(url)
    cache = response.headers["Cache-Control"]
    assert "immutable" in cache and "private" in cache and "max-age=31536000" in cache and "public" not in cache
    assert response.headers["Content-Type"] == "image/png"
    part = client.get(url, headers={"Range": "bytes=8-13"})
    assert part.status_code == 206 and part.data == OLD[8:14]
    assert part.headers["Content-Range"] == f"bytes 8-13/{len(OLD)}"
    assert client.get(url, headers={"If-None-Match": f'"{sha(OLD)}"'}).status_code == 304
    # the by-name URL answers differently for authors and learners and after each publication: checked each time
    by_name = client.get("/courses/FILES-CACHE/assets/diagram.png")
    assert "no-cache" in by_name.headers["Cache-Control"] and "private" in by_name.headers["Cache-Control"]
    assert "public" not in by_name.headers["Cache-Control"]
    assert client.get("/courses/FILES-CACHE/assets/diagram.png", headers={"Range": "bytes=0-3"}).data == OLD[:4]
    revalidated = client.get("/courses/FILES-CACHE/assets/diagram.png", headers={"If-None-Match": f'"{sha(OLD)}"'})
    assert revalidated.status_code == 304


def test_file_names_with_spaces_get_content_addressed_urls(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="FILES-SPACE", publish_it=False)
    html_block = built.components[built.units[0]][0]
    auth.login(built.author)
    upload(client, "FILES-SPACE", "wiring diagram.png", OLD)
    content = '<p><img src="/static/wiring diagram.png" alt="Wiring"></p>'
    client.post(f"/studio/courses/FILES-SPACE/blocks/{html_block}/edit", data={"display_name": "T", "data": content})
    preview = preview_page(client, built)
    assert f'src="/courses/FILES-SPACE/files/{sha(OLD)}/wiring%20diagram.png"' in preview
    assert client.get(f"/courses/FILES-SPACE/files/{sha(OLD)}/wiring%20diagram.png").data == OLD


def export_members(archive: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}


def test_export_of_the_published_version_writes_its_files(app, client, auth, factory, tmp_path):
    built, _learner = published_course(factory, client, auth, "FILES-EXPORT")
    auth.login(built.author)
    upload(client, "FILES-EXPORT", "diagram.png", NEW)
    upload(client, "FILES-EXPORT", "answers.pdf", SECRET)
    delete_file(client, "FILES-EXPORT", "checklist.pdf")

    out = tmp_path / "published.tar.gz"
    result = app.test_cli_runner().invoke(args=["export-olx", "FILES-EXPORT", "--out", str(out), "--published"])
    assert result.exit_code == 0, result.output
    published = export_members(out.read_bytes())
    assert published["course/static/diagram.png"] == OLD
    assert published["course/static/checklist.pdf"] == SHEET
    assert "course/static/answers.pdf" not in published

    result = app.test_cli_runner().invoke(args=["export-olx", "FILES-EXPORT", "--out", str(out)])
    assert result.exit_code == 0, result.output
    draft = export_members(out.read_bytes())
    assert draft["course/static/diagram.png"] == NEW and draft["course/static/answers.pdf"] == SECRET
    assert "course/static/checklist.pdf" not in draft

    # the studio's download of the published version is the same
    studio = export_members(client.get("/studio/courses/FILES-EXPORT/export?version=published").data)
    assert studio["course/static/diagram.png"] == OLD and "course/static/answers.pdf" not in studio


def test_the_migration_gives_existing_versions_the_files_of_the_day(app, client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="FILES-MIGR", publish_it=False)
    auth.login(built.author)
    upload(client, "FILES-MIGR", "diagram.png", OLD)
    first = publish(built.course, built.author)
    upload(client, "FILES-MIGR", "diagram.png", NEW)
    upload(client, "FILES-MIGR", "checklist.pdf", SHEET)
    second = publish(built.course, built.author)
    other = build_course(factory, {"M": {"L": [["html"]]}}, code="FILES-NONE")  # published, no files
    versions = first_id, second_id, _other_id = first.id, second.id, other.course.published_version_id
    db.session.commit()
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()
    before = ScriptDirectory.from_config(config).get_revision(MIGRATION).down_revision
    try:
        downgrade(revision=before)  # as before the migration: versions without files of their own
        upgrade(revision=MIGRATION)
    finally:
        upgrade()
    rows = db.session.execute(
        select(CourseVersionAsset.version_id, CourseVersionAsset.filename, CourseVersionAsset.sha256)
        .where(CourseVersionAsset.version_id.in_(versions))
        .order_by(CourseVersionAsset.version_id, CourseVersionAsset.filename)
    ).all()
    # every version of the course gets the draft's files as they are now (what it had before is not known)
    assert [tuple(row) for row in rows] == [
        (first_id, "checklist.pdf", sha(SHEET)),
        (first_id, "diagram.png", sha(NEW)),
        (second_id, "checklist.pdf", sha(SHEET)),
        (second_id, "diagram.png", sha(NEW)),
    ]


def test_course_files_never_run_script_in_our_origin(client, auth, factory):
    """Issue 19: a course file is authored content. An SVG or HTML file an admin opens from a course link
    runs no script and gets an origin of its own; a JavaScript file cannot be loaded as a script (pages
    allow scripts of their own origin), whatever type the uploading browser claimed."""
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="FILES-XSS", publish_it=False)
    auth.login(built.author)
    script = b"fetch('/admin/users/new', {method: 'POST'})"
    files = {
        "badge.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>' + script + b"</script></svg>", None),
        "handout.html": (b"<p>Handout</p><script src='/courses/FILES-XSS/assets/take.js'></script>", None),
        "take.js": (script, None),
        "notes.pdf": (b"<html><script>" + script + b"</script></html>", "text/html"),  # a lying browser
        "page.xhtml": (b'<html xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></html>', None),
        "diagram.png": (OLD, None),
    }
    for name, (data, claimed) in files.items():
        upload_as = (io.BytesIO(data), name, claimed) if claimed else (io.BytesIO(data), name)
        response = client.post(
            "/studio/courses/FILES-XSS/files", data={"file": upload_as}, content_type="multipart/form-data"
        )
        assert response.status_code == 302
    for name in ("badge.svg", "handout.html", "notes.pdf", "page.xhtml"):
        response = client.get(f"/courses/FILES-XSS/assets/{name}")
        assert response.status_code == 200
        policy = [part.split() for part in response.headers.get("Content-Security-Policy", "").split(";")]
        directives = {part[0]: part[1:] for part in policy if part}
        assert "sandbox" in directives and directives["sandbox"] == [], name  # no allow-scripts, no same origin
        assert directives["default-src"] == ["'none'"] and "script-src" not in directives, name
    script_file = client.get("/courses/FILES-XSS/assets/take.js")
    assert script_file.data == script and script_file.mimetype == "application/octet-stream"
    assert script_file.headers["X-Content-Type-Options"] == "nosniff"
    image = client.get("/courses/FILES-XSS/assets/diagram.png")
    assert image.mimetype == "image/png"  # shown in pages; opened alone, it is sandboxed like every file
