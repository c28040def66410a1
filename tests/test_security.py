"""Security: headers, CSRF, open redirects, error pages for people and for the API, escaping, password hashing."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from lms.app import create_app
from lms.csp import STRICT as STRICT_CSP
from tests.conftest import PASSWORD


def page(response) -> str:
    return response.get_data(as_text=True)


# --- headers -------------------------------------------------------------------------------------------


def test_pages_carry_strict_security_headers(client):
    response = client.get("/login")
    assert response.headers["Content-Security-Policy"] == STRICT_CSP
    policy = dict(part.strip().split(" ", 1) for part in STRICT_CSP.split(";"))
    assert policy["script-src"] == "'self'"  # no inline or eval'd script on normal pages
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "same-origin"


def _asset_urls(html: str) -> list[str]:
    """What a page makes the browser fetch or link to: src, href, poster (either quote style)."""
    return re.findall(r"""\b(?:src|href|poster)\s*=\s*["']([^"']+)["']""", html)


def test_pages_load_no_external_assets(client, auth, factory):
    from tests.courses.helpers import build_course

    login = page(client.get("/login"))
    # A strict page (script-src 'self') carries no inline script: every <script> has a local src.
    scripts = re.findall(r"<script\b[^>]*>", login)
    assert all(re.search(r"""\bsrc=["']/[^/]""", tag) for tag in scripts), scripts
    # A learner's unit page: blocks bring their own scripts, styles and media, all from this site.
    built = build_course(factory, {"M": {"L": [["html", "video", "thumbs", "poll", "done"]]}}, code="SEC-ASSETS")
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    unit = page(client.get(f"/learn/SEC-ASSETS/unit/{built.units[0]}"))
    for html in (login, unit):
        for url in _asset_urls(html):
            if url.startswith(("http://", "https://", "//")):
                # Only the licence link in the footer leaves the site, and it is a link, not an asset.
                assert url == "https://www.gnu.org/licenses/agpl-3.0.html", url
    assert "/xblock/resource/poll/" in unit and "/xblock/runtime/js/runtime.js" in unit  # the blocks' own files


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page")
    assert response.headers["Content-Security-Policy"] == STRICT_CSP
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


# --- CSRF ----------------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(app_overrides):
    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True})
    return strict.test_client()


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_form_post_needs_the_csrf_token(csrf_client, factory):
    user = factory.user("learner")
    response = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    token = _csrf_token(page(csrf_client.get("/login")))
    response = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_state_changing_buttons_need_the_token_too(csrf_client, factory):
    user = factory.user("learner")
    token = _csrf_token(page(csrf_client.get("/login")))
    csrf_client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert csrf_client.post("/logout").status_code == 400  # a forged log-out button
    assert csrf_client.get("/profile").status_code == 200  # still logged in
    token = _csrf_token(page(csrf_client.get("/profile")))
    assert csrf_client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert csrf_client.get("/profile").status_code == 302


def test_a_token_from_another_session_is_refused(csrf_client, app_overrides, factory):
    user = factory.user("learner")
    attacker = create_app({**app_overrides, "WTF_CSRF_ENABLED": True}).test_client()
    foreign = _csrf_token(page(attacker.get("/login")))
    csrf_client.get("/login")
    response = csrf_client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": foreign})
    assert response.status_code == 400
    assert csrf_client.get("/profile").status_code == 302  # not logged in


# --- open redirects ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "landing"),
    [
        ("https://evil.example/", "/"),
        ("https://evil.example/profile", "/"),
        ("////evil.example", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.example", "/"),
        ("http://localhost.evil.example/", "/"),
        ("ftp://localhost/profile", "/"),
        ("profile", "/"),
        ("/profile", "/profile"),
        ("/cohorts/?q=solar", "/cohorts/?q=solar"),
        ("http://localhost/profile", "/profile"),
    ],
    ids=[
        "other-site",
        "other-site-path",
        "many-slashes",
        "scheme-relative",
        "backslash",
        "double-backslash",
        "javascript",
        "tab",
        "look-alike-host",
        "other-scheme",
        "relative",
        "path",
        "path-and-query",
        "own-host",
    ],
)
def test_login_redirects_only_within_the_site(client, auth, factory, target, landing):
    user = factory.user("admin")
    response = client.post(f"/login?next={quote(target, safe='')}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    # Already logged in: /login sends on the same way.
    again = client.get(f"/login?next={quote(target, safe='')}")
    assert again.headers["Location"] == landing


def test_anonymous_visitor_is_sent_to_login_and_back(client, auth, factory):
    response = client.get("/admin/users?q=x")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    user = factory.user("admin")
    response = client.post(location, data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/admin/users?q=x"


def test_language_switch_redirects_only_within_the_site(client):
    response = client.post("/language", data={"lang": "fr", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.post("/language", data={"lang": "rw", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert '<html lang="rw">' in page(client.get("/login"))


# --- error responses -----------------------------------------------------------------------------------


def test_errors_are_pages_for_people(client, auth, factory):
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "This page does not exist." in page(missing)
    auth.login(factory.user("learner"))
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403 and forbidden.mimetype == "text/html"
    assert "You do not have permission to open this page." in page(forbidden)
    assert client.get("/cohorts/999999").status_code == 404
    assert client.get("/cohorts/999999").mimetype == "text/html"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/no-such-thing", 404),
        ("GET", "/api/v1/me", 401),
        ("POST", "/api/v1/me", 405),
        ("GET", "/api/v1/cohorts/1", 401),
    ],
    ids=["not-found", "unauthorised", "method-not-allowed", "unauthorised-cohort"],
)
def test_errors_are_json_under_the_api(client, method, path, status):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == status and body["status"] and body["message"]
    assert "Content-Security-Policy" not in response.headers


@pytest.fixture
def production_app(tmp_path):
    """A production app (errors are answered, not raised) with a view that fails after writing."""
    from sqlalchemy import func, select

    from lms.db import db
    from lms.institutions.models import Institution

    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "production-secret-for-tests",
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
            "WTF_CSRF_ENABLED": False,  # these posts come from no form
        }
    )

    def fail():
        db.session.add(Institution(code="half-written", name="Half written", kind="other"))
        db.session.flush()
        raise RuntimeError("unexpected")

    app.add_url_rule("/boom", "boom", fail, methods=["POST"])
    app.add_url_rule("/api/v1/boom", "api_boom", fail, methods=["POST"])
    with app.app_context():
        db.create_all()
    app.count_rows = lambda: _count(app, db, select(func.count()).select_from(Institution))
    return app


def _count(app, db, stmt):
    with app.app_context():
        return db.session.scalar(stmt)


def test_unexpected_errors_are_answered_and_roll_back(production_app):
    client = production_app.test_client()
    response = client.post("/boom")
    assert response.status_code == 500 and response.mimetype == "text/html"
    assert "Traceback" not in page(response) and "unexpected" not in page(response)
    response = client.post("/api/v1/boom")
    assert response.status_code == 500 and response.get_json()["code"] == 500
    assert production_app.count_rows() == 0


def test_method_not_allowed_on_a_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


# --- escaping and secrets ------------------------------------------------------------------------------


def test_user_supplied_text_is_escaped(client, auth, factory):
    factory.user("learner", name='<script>alert("x")</script> Mallory')
    auth.login(factory.user("admin"))
    html = page(client.get("/admin/users"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


@pytest.mark.real_password_hashing
def test_production_password_hashes_use_memory_hard_scrypt(app):
    from lms.accounts.services import _hash_password

    with app.app_context():
        hashed = _hash_password(PASSWORD)
    method, salt, digest = hashed.split("$")
    assert method == "scrypt:32768:8:1"  # werkzeug's default, OWASP's minimum for scrypt
    assert len(salt) >= 16 and PASSWORD not in hashed


def test_remember_me_cookie_is_protected(client, factory):
    user = factory.user("learner")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
