"""The application object (``lms.app``): the security headers."""

from __future__ import annotations

import pytest
from flask import Response

from lms.app import XBLOCK_CSP, create_app


@pytest.fixture(scope="module")
def own_app(app_overrides):
    """An app of our own, so that test routes can be added before its first request."""
    application = create_app(app_overrides)

    @application.get("/probe/own-headers")
    def own_headers():
        return Response("<p>framed</p>", mimetype="text/html", headers={"X-Frame-Options": "DENY"})

    @application.get("/probe/xblock-page")
    def xblock_page():
        from lms.per_request import request_state

        request_state()["xblock_page"] = True
        return "<p>blocks</p>"

    return application


def test_a_view_keeps_its_own_security_headers_and_none_is_doubled(own_app):
    response = own_app.test_client().get("/probe/own-headers")
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    for name in ("X-Content-Type-Options", "Referrer-Policy", "Content-Security-Policy"):
        assert len(response.headers.getlist(name)) == 1, name


def test_pages_with_xblocks_get_their_policy(own_app):
    response = own_app.test_client().get("/probe/xblock-page")
    assert response.headers["Content-Security-Policy"] == XBLOCK_CSP
