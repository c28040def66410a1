"""The application object (``lms.app``): the security headers, async views and hooks."""

from __future__ import annotations

import threading

import pytest
from flask import Response, request

from lms.app import create_app
from lms.csp import block_page_policy


@pytest.fixture(scope="module")
def own_app(app_overrides):
    """An app of our own, so that test routes can be added before its first request."""
    application = create_app(app_overrides)

    @application.get("/probe/own-headers")
    def own_headers():
        return Response("<p>framed</p>", mimetype="text/html", headers={"X-Frame-Options": "DENY"})

    @application.get("/probe/xblock-page")
    def xblock_page():
        from lms import csp

        csp.block_page()
        csp.allow_inline_script("\nstart();\n")
        return "<p>blocks</p><script>\nstart();\n</script>"

    return application


def test_a_view_keeps_its_own_security_headers_and_none_is_doubled(own_app):
    response = own_app.test_client().get("/probe/own-headers")
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy"):
        assert len(response.headers.getlist(name)) == 1, name


def test_pages_with_xblocks_get_their_policy(own_app):
    response = own_app.test_client().get("/probe/xblock-page")
    # sha256 of "\nstart();\n", as `printf '\nstart();\n' | openssl sha256 -binary | base64` gives it
    assert response.headers["Content-Security-Policy"] == block_page_policy(
        ["'sha256-FflUquKLTOFZgk0+8VvCqtWVuUbHfg32FlrpTHo84aw='"]
    )


def test_async_views_and_hooks_run_on_every_request(app_overrides):
    """``LmsFlask`` remembers whether each hook is a coroutine function: async ones must still be awaited,
    on the first request and on every later one."""
    application = create_app(app_overrides)
    seen = []

    @application.before_request
    async def note_the_path():
        seen.append(request.path)

    @application.get("/probe/async")
    async def async_view():
        return "answered by a coroutine"

    answers = []

    def browse() -> None:
        client = application.test_client()
        answers.extend(client.get("/probe/async").get_data(as_text=True) for _ in range(3))

    # In a thread of its own, as a server's worker: the browser journeys leave an event loop in this one, and
    # Flask's async support (asgiref) refuses to run inside a running loop.
    worker = threading.Thread(target=browse)
    worker.start()
    worker.join()
    assert answers == ["answered by a coroutine"] * 3
    assert seen == ["/probe/async"] * 3
