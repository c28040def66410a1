"""``lms.sessions``: remembered session cookies are exactly as trustworthy as freshly verified ones."""

from __future__ import annotations

import pytest
from flask import request

from lms import caches, sessions
from lms.sessions import RememberingSessionInterface


@pytest.fixture
def interface(app, monkeypatch):
    """A fresh interface (empty memory) that counts full verifications."""
    caches.SESSION_COOKIES.clear()
    interface = RememberingSessionInterface()
    verified = []
    original = interface.get_signing_serializer

    def counting(app):  # noqa: ANN001
        verified.append(1)
        return original(app)

    monkeypatch.setattr(interface, "get_signing_serializer", counting)
    monkeypatch.setattr(app, "session_interface", interface)  # pushing a request context opens it too
    interface.verifications = verified
    return interface


def _cookie(app, data: dict) -> str:  # noqa: ANN001
    return RememberingSessionInterface().get_signing_serializer(app).dumps(data)


def _open(app, interface, cookie: str):  # noqa: ANN001
    name = app.config["SESSION_COOKIE_NAME"]
    with app.test_request_context("/", headers={"Cookie": f"{name}={cookie}"}):
        return interface.open_session(app, request)


def test_a_cookie_is_verified_once_and_each_request_gets_its_own_copy(app, interface):
    cookie = _cookie(app, {"_user_id": "7:abc", "_fresh": True})
    first = _open(app, interface, cookie)
    first["_user_id"] = "changed in the first request"
    second = _open(app, interface, cookie)
    assert dict(second) == {"_user_id": "7:abc", "_fresh": True}
    assert len(interface.verifications) == 1


def test_a_tampered_cookie_gets_an_empty_session(app, interface):
    cookie = _cookie(app, {"_user_id": "7:abc"})
    assert dict(_open(app, interface, cookie)) == {"_user_id": "7:abc"}
    payload, _, signature = cookie.rpartition(".")
    forged = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert dict(_open(app, interface, forged)) == {}
    assert dict(_open(app, interface, _cookie(app, {"_user_id": "7:abc"}) + "x")) == {}


def test_a_remembered_cookie_still_expires(app, interface, monkeypatch):
    cookie = _cookie(app, {"_user_id": "7:abc"})
    assert dict(_open(app, interface, cookie)) == {"_user_id": "7:abc"}
    lifetime = app.permanent_session_lifetime.total_seconds()
    now = sessions.time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + lifetime + 5)
    assert dict(_open(app, interface, cookie)) == {}
    assert len(interface.verifications) == 1  # refused from memory, as Flask would refuse it


def test_a_new_secret_key_refuses_cookies_remembered_under_the_old_one(app, interface, monkeypatch):
    cookie = _cookie(app, {"_user_id": "7:abc"})
    assert dict(_open(app, interface, cookie)) == {"_user_id": "7:abc"}
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-rotated-secret-key-for-this-test-only")
    assert dict(_open(app, interface, cookie)) == {}


def test_sessions_holding_lists_are_not_remembered(app, interface):
    """Flashed messages are a list: a shared copy would let one request's change reach the next."""
    cookie = _cookie(app, {"_flashes": [["info", "Saved."]]})
    first = _open(app, interface, cookie)
    first["_flashes"].append(["info", "changed"])
    assert dict(_open(app, interface, cookie)) == {"_flashes": [["info", "Saved."]]}
    assert len(interface.verifications) == 4  # every open verifies again (two per _open: the push and ours)


def test_the_app_uses_it_and_logged_in_pages_work(app, client, auth, factory):
    assert isinstance(app.session_interface, RememberingSessionInterface)
    auth.login(factory.user())
    assert client.get("/profile").status_code == 200
    assert client.get("/profile").status_code == 200
