"""What a unit page costs to load: only the scripts its blocks need, static files under fingerprinted URLs
kept a year by browsers, and compressed answers (issue 20, point 5). The browser's own measure over every
learner page of the demo is ``tests/e2e/test_page_weight_journey.py``."""

from __future__ import annotations

import gzip
import re
from urllib.parse import parse_qs, urlsplit

from lms.app import create_app
from tests.courses.helpers import build_course

STATIC_PREFIXES = ("/static/", "/xblock/runtime/", "/xblock/resource/")


def unit_html(client, auth, factory, component_types: list[str], code: str) -> str:
    built = build_course(factory, {"M": {"L": [component_types]}}, code=code)
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    response = client.get(f"/learn/{built.course.code}/unit/{built.units[0]}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def script_sources(html: str) -> list[str]:
    return [urlsplit(src).path for src in re.findall(r"<script[^>]* src=[\"']([^\"']+)", html)]


def linked_files(html: str) -> list[str]:
    """Every stylesheet, icon and script the page links from the LMS's origin."""
    urls = re.findall(r"<(?:link[^>]* href|script[^>]* src)=[\"']([^\"']+)", html)
    return [url.replace("&amp;", "&") for url in urls if url.startswith(STATIC_PREFIXES)]


def test_a_text_only_unit_loads_no_script_at_all(client, auth, factory):
    html = unit_html(client, auth, factory, ["html", "html"], "WEIGHT-TEXT")
    assert "html-block" in html
    assert "<script" not in html  # no jQuery, no underscore, no runtime, not even its strings


def test_our_blocks_get_the_runtime_without_jquery_or_underscore(client, auth, factory):
    html = unit_html(client, auth, factory, ["html", "skill_checklist"], "WEIGHT-OURS")
    scripts = script_sources(html)
    assert scripts == [
        "/xblock/resource/skill_checklist/public/tot_blocks.js",
        "/xblock/runtime/js/runtime.js",
        "/static/live.js",  # the progress line, re-read after a handler call (courses/courseware/unit_page.py)
    ]
    assert 'id="xblock-runtime-strings"' in html


def test_a_community_block_gets_jquery_and_underscore_before_its_own_script(client, auth, factory):
    html = unit_html(client, auth, factory, ["html", "skill_checklist", "done"], "WEIGHT-DONE")
    scripts = script_sources(html)
    assert scripts[:2] == ["/xblock/runtime/js/vendor/jquery.min.js", "/xblock/runtime/js/vendor/underscore-min.js"]
    assert scripts[-2:] == ["/xblock/runtime/js/runtime.js", "/static/live.js"]
    # done's own script is inline, written between the libraries and the runtime.
    libraries_end = html.index("underscore-min.js")
    assert libraries_end < html.index("<script>") < html.index("js/runtime.js")


def test_every_file_a_unit_links_is_fingerprinted_and_kept_a_year(client, auth, factory):
    html = unit_html(client, auth, factory, ["html", "skill_checklist", "done"], "WEIGHT-URLS")
    files = linked_files(html)
    assert {urlsplit(url).path for url in files} >= {
        "/static/lms.css",
        "/static/favicon.svg",
        "/xblock/runtime/xblock.css",
        "/xblock/runtime/js/vendor/jquery.min.js",
        "/xblock/runtime/js/runtime.js",
        "/xblock/resource/skill_checklist/public/tot_blocks.css",
        "/xblock/resource/skill_checklist/public/tot_blocks.js",
        "/static/live.js",
    }
    for url in files:
        assert re.fullmatch(r"[0-9a-f]{12}", parse_qs(urlsplit(url).query).get("v", [""])[0]), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


def test_a_file_asked_without_its_fingerprint_is_revalidated(client):
    lms_css = client.get("/static/lms.css")
    assert lms_css.status_code == 200 and "no-cache" in lms_css.headers["Cache-Control"]
    assert "max-age=31536000" not in lms_css.headers["Cache-Control"]
    assert client.get("/static/lms.css", headers={"If-None-Match": lms_css.headers["ETag"]}).status_code == 304
    # An old fingerprint (a page cached before an upgrade): today's file, not kept a year under that name.
    old = client.get("/static/lms.css?v=000000000000")
    assert old.status_code == 200 and "immutable" not in old.headers["Cache-Control"]
    assert old.data == lms_css.data
    assert client.get("/static/nothing-here.css").status_code == 404
    assert client.get("/static/../app.py").status_code == 404


def test_block_package_files_follow_the_same_rules(client):
    tot_js = client.get("/xblock/resource/skill_checklist/public/tot_blocks.js")
    assert tot_js.status_code == 200 and "no-cache" in tot_js.headers["Cache-Control"]
    etag = tot_js.headers["ETag"]
    again = client.get("/xblock/resource/skill_checklist/public/tot_blocks.js", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_static_files_are_sent_compressed_to_browsers_that_accept_it(client):
    for url in ("/static/lms.css", "/xblock/runtime/js/vendor/jquery.min.js", "/xblock/runtime/js/runtime.js"):
        plain = client.get(url)
        squeezed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        assert "Content-Encoding" not in plain.headers
        assert squeezed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in squeezed.headers["Vary"] and "Accept-Encoding" in plain.headers["Vary"]
        assert gzip.decompress(squeezed.data) == plain.data
        assert len(squeezed.data) < len(plain.data) / 2
        # Each encoding has its own ETag: a cache never answers one with the other.
        assert squeezed.headers["ETag"] != plain.headers["ETag"]


def test_pages_are_sent_compressed_to_browsers_that_accept_it(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html", "skill_checklist", "done"]]}}, code="WEIGHT-GZIP")
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    for path in (f"/learn/{built.course.code}/unit/{built.units[0]}", f"/learn/{built.course.code}/", "/"):
        squeezed = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert squeezed.status_code == 200 and squeezed.headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in squeezed.headers["Vary"]
        html = gzip.decompress(squeezed.data).decode()
        assert html.startswith("<!doctype html>") and len(squeezed.data) < len(html) / 2, path
        assert int(squeezed.headers["Content-Length"]) == len(squeezed.data)
        # The page's policy still allows the block's inline script, by its hash.
        assert squeezed.headers["Content-Security-Policy"]
        plain = client.get(path)
        assert "Content-Encoding" not in plain.headers and plain.get_data(as_text=True).startswith("<!doctype html>")


def test_pages_are_left_to_the_proxy_when_compression_is_off(app_overrides):
    app = create_app({**app_overrides, "COMPRESS_PAGES": False})
    response = app.test_client().get("/login", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    # Static files stay compressed: compressing them cost nothing per request.
    css = app.test_client().get("/static/lms.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"


def test_small_answers_are_not_compressed(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


def test_a_package_file_a_block_inlines_comes_from_its_url(client, auth, factory):
    """poll inlines its own public/js/poll.js (11 KB) on every page: the page links the file instead."""
    html = unit_html(client, auth, factory, ["poll"], "WEIGHT-POLL")
    scripts = script_sources(html)
    assert "/xblock/resource/poll/public/js/poll.js" in scripts
    assert "/xblock/resource/poll/public/js/poll_common.js" in scripts
    assert "function PollUtil" not in html  # not inlined any more
    # In the order the block gave: its common code before the code that uses it, all before the runtime.
    assert scripts.index("/xblock/resource/poll/public/js/poll_common.js") < scripts.index(
        "/xblock/resource/poll/public/js/poll.js"
    )
    assert scripts[-2:] == ["/xblock/runtime/js/runtime.js", "/static/live.js"]
    poll_js = next(url for url in linked_files(html) if "/public/js/poll.js" in url)
    response = client.get(poll_js)
    assert response.status_code == 200 and b"function PollUtil" in response.data
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
