"""Course files never run as active content in the LMS's origin, and each file URL has one cache policy.

The served type comes from the server's map of extensions (never the uploader's declared type), a file a
browser would run or render as a page is a download of an inert type, and every file response carries a
sandbox CSP and ``nosniff``. What a browser does with those headers is in ``test_course_files_browser.py``.
"""

from __future__ import annotations

import hashlib
import io

import pytest

from courses.file_types import FILE_CSP
from tests.courses.helpers import build_course
from tests.olx import olx_course

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><script>alert(document.cookie)</script></svg>'
SCRIPT = b"window.pwned = document.cookie;"
PAGE = b"<!doctype html><script>alert(document.cookie)</script>"

# name, bytes, the type the uploader declares, the type served, inline?
FILES = [
    ("diagram.png", olx_course.PNG, "text/html", "image/png", True),  # the uploader lies about a harmless file
    ("clip.mp4", b"\x00\x00\x00\x18ftypmp42", "text/html", "video/mp4", True),
    ("captions.vtt", b"WEBVTT\n", "text/html", "text/vtt", True),
    ("notes.txt", b"notes", "text/html", "text/plain", True),
    ("drawing.svg", SVG, "image/svg+xml", "image/svg+xml", False),  # <img> needs its type; opened alone: a download
    ("checklist.pdf", b"%PDF-1.4", "application/pdf", "application/pdf", False),
    ("evil.js", SCRIPT, "text/javascript", "application/octet-stream", False),
    ("style.css", b"body{}", "text/css", "application/octet-stream", False),
    ("page.html", PAGE, "text/html", "application/octet-stream", False),
    ("Page.HTM", PAGE, "text/html", "application/octet-stream", False),
    ("feed.xml", b"<x/>", "application/xml", "application/octet-stream", False),
    ("data.json", b"{}", "application/json", "application/octet-stream", False),
    ("tool.bin", b"\x00", "image/png", "application/octet-stream", False),  # unknown extension
    ("README", b"read me", "text/html", "application/octet-stream", False),  # none at all
]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upload(client, code: str, name: str, data: bytes, declared: str) -> None:
    response = client.post(
        f"/studio/courses/{code}/files",
        data={"file": (io.BytesIO(data), name, declared)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def assert_served(response, name: str, served: str, inline: bool) -> None:
    assert response.status_code in (200, 206), (name, response.status_code)
    assert response.mimetype == served, (name, response.headers["Content-Type"])
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("inline;" if inline else "attachment;"), (name, disposition)
    assert response.headers["X-Content-Type-Options"] == "nosniff", name
    csp = response.headers.getlist("Content-Security-Policy")
    assert csp == [FILE_CSP], name
    assert "sandbox" in FILE_CSP and "default-src 'none'" in FILE_CSP and "allow-scripts" not in FILE_CSP


@pytest.fixture
def course_with_files(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="SAFE-FILES", publish_it=False)
    auth.login(built.author)
    for name, data, declared, _served, _inline in FILES:
        upload(client, "SAFE-FILES", name, data, declared)
    assert client.post("/studio/courses/SAFE-FILES/publish", data={}).status_code == 302
    auth.logout()
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return built, learner


def test_files_are_served_with_the_servers_type_never_the_uploaders(client, auth, course_with_files):
    built, learner = course_with_files
    for user in (built.author, learner):  # the draft's files, then the published version's
        auth.login(user)
        for name, data, _declared, served, inline in FILES:
            assert_served(client.get(f"/courses/SAFE-FILES/files/{sha(data)}/{name}"), name, served, inline)
            assert_served(client.get(f"/courses/SAFE-FILES/assets/{name}"), name, served, inline)
        auth.logout()
    # ?download=1 still makes any file a download; ranges keep the headers
    auth.login(learner)
    png = f"/courses/SAFE-FILES/files/{sha(olx_course.PNG)}/diagram.png"
    assert_served(client.get(png + "?download=1"), "diagram.png", "image/png", False)
    assert_served(client.get(png, headers={"Range": "bytes=0-3"}), "diagram.png", "image/png", True)


def test_the_studio_lists_the_type_a_file_is_served_with(client, auth, course_with_files):
    built, _learner = course_with_files
    auth.login(built.author)
    page = client.get("/studio/courses/SAFE-FILES/files").get_data(as_text=True)
    assert "text/javascript" not in page and "text/html" not in page
    assert page.count("application/octet-stream") == sum(1 for f in FILES if f[3] == "application/octet-stream")


def directives(response) -> set[str]:
    values = response.headers.getlist("Cache-Control")
    assert len(values) == 1, values
    return {part.strip() for part in values[0].split(",")}


BY_CONTENT = {"private", "max-age=31536000", "immutable"}
BY_NAME = {"private", "no-cache"}


def test_each_file_url_has_one_cache_policy_and_never_a_public_one(client, auth, course_with_files):
    """Only people who may use the course get its files: no shared cache may keep one (it would hand it to
    anyone). Bytes named by their hash are kept for good; a file named only by its name is checked each time."""
    built, learner = course_with_files
    png = f"/courses/SAFE-FILES/files/{sha(olx_course.PNG)}/diagram.png"
    by_name = "/courses/SAFE-FILES/assets/diagram.png"
    etag = {"If-None-Match": f'"{sha(olx_course.PNG)}"'}
    for user in (learner, built.author):  # the published version's file, then the draft's
        auth.login(user)
        for headers in ({}, {"Range": "bytes=0-3"}, etag):
            assert directives(client.get(png, headers=headers)) == BY_CONTENT
            assert directives(client.get(by_name, headers=headers)) == BY_NAME
        assert client.get(png, headers=etag).status_code == 304
        assert directives(client.get(png + "?download=1")) == BY_CONTENT
        assert directives(client.head(png)) == BY_CONTENT
        assert "Expires" not in client.get(by_name).headers
        auth.logout()
