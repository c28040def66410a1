"""Course files in a real browser (Debian's headless Chromium through Playwright), against the test app served
from a thread: images, SVG included, still show in a unit page; an uploaded script is refused by a
``<script src>`` of our own origin; an SVG or HTML file opened on its own is a download and its script never
runs in our origin; an image opened on its own still shows under the files' sandbox CSP. Skipped where no
Chromium is installed."""

from __future__ import annotations

import hashlib
import threading

import pytest
from werkzeug.serving import make_server

from lms.db import db
from tests.browser import CHROMIUM, MISSING
from tests.conftest import PASSWORD
from tests.courses.helpers import build_course
from tests.courses.test_course_file_safety import upload
from tests.olx.olx_course import PNG

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]

CODE = "FILES-JS"
# Each would leave a mark in our origin if it ran there.
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/>'
    b"<script>localStorage.setItem('pwned', 'svg')</script></svg>"
)
SCRIPT = b"window.pwned = 'js'; localStorage.setItem('pwned', 'js');"
PAGE = b"<!doctype html><title>x</title><script>localStorage.setItem('pwned', 'html')</script>"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def url(name: str, data: bytes) -> str:
    return f"/courses/{CODE}/files/{sha(data)}/{name}"


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def course(client, auth, factory):
    """A published unit showing a PNG and an SVG, the course also holding a script and a page; a learner."""
    built = build_course(factory, {"M": {"L": [["html"]]}}, code=CODE, publish_it=False)
    auth.login(built.author)
    upload(client, CODE, "diagram.png", PNG, "image/png")
    upload(client, CODE, "drawing.svg", SVG, "image/svg+xml")
    upload(client, CODE, "evil.js", SCRIPT, "text/javascript")
    upload(client, CODE, "page.html", PAGE, "text/html")
    content = '<p><img src="/static/diagram.png" alt="Wiring"> <img src="/static/drawing.svg" alt="Panel"></p>'
    html_block = built.components[built.units[0]][0]
    edit = client.post(f"/studio/courses/{CODE}/blocks/{html_block}/edit", data={"display_name": "T", "data": content})
    assert edit.status_code in (200, 302)
    assert client.post(f"/studio/courses/{CODE}/publish", data={}).status_code == 302
    auth.logout()
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    unit, email = f"/learn/{CODE}/unit/{built.units[0]}", learner.email
    db.session.remove()  # this thread holds no transaction the server would wait for
    return unit, email


def opens_as_download(page, address: str) -> str:
    """The file name the browser downloads when ``address`` is opened; fails if it renders instead."""
    with page.expect_download(timeout=5_000) as download:
        try:
            page.goto(address)
        except Exception as error:  # Playwright: "Download is starting"  # noqa: BLE001
            assert "Download is starting" in str(error), error
    return download.value.suggested_filename


def test_a_browser_shows_course_images_and_runs_no_course_file(browser, server, course):
    unit, email = course
    context = browser.new_context(base_url=server, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{server}/")

    page.goto(unit)
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    widths = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('img[alt]')].map(i => [i.alt, i.naturalWidth]))"
    )
    assert widths["Wiring"] == 1 and widths["Panel"] == 40  # both show, the SVG sent as an attachment too

    # A <script src> of our own origin (what any injected markup could add) refuses the uploaded script.
    outcome = page.evaluate(
        """address => new Promise(resolve => {
             const script = document.createElement("script");
             script.src = address;
             script.onload = () => resolve("ran");
             script.onerror = () => resolve("refused");
             document.head.appendChild(script);
           })""",
        url("evil.js", SCRIPT),
    )
    assert outcome == "refused" and page.evaluate("() => window.pwned") is None

    # Opened on their own, the SVG and the page are downloads: neither renders nor runs its script.
    assert opens_as_download(page, url("drawing.svg", SVG)) == "drawing.svg"
    assert opens_as_download(page, url("page.html", PAGE)) == "page.html"
    page.goto(unit)
    assert page.evaluate("() => localStorage.getItem('pwned')") is None

    # An image opened on its own still shows under the files' sandbox CSP.
    page.goto(url("diagram.png", PNG))
    assert page.evaluate("() => document.images.length && document.images[0].naturalWidth") == 1
    context.close()
