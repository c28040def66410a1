"""The site header is rendered once per menu and locale and reused: what each user sees must still be
exactly their own menu, language and CSRF token, and the path put into it must be escaped."""

from __future__ import annotations

import re

from lms.app import create_app
from lms.db import db
from tests.conftest import PASSWORD
from tests.test_db import IsolatedClient


def _header(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def _client(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


def test_each_user_sees_their_own_menu_and_it_follows_role_changes(app, client, auth, factory):
    learner = factory.user("learner")
    admin = factory.user("admin")
    auth.login(learner)
    learner_header = _header(client.get("/learn/"))
    assert 'href="/learn/"' in learner_header
    assert 'href="/admin/users"' not in learner_header and 'href="/studio/"' not in learner_header

    admin_client = _client(app)
    admin_client.post("/login", data={"email": admin.email, "password": PASSWORD})
    admin_header = _header(admin_client.get("/learn/"))
    assert 'href="/admin/users"' in admin_header and 'href="/studio/"' in admin_header
    assert 'href="/admin/users"' not in _header(client.get("/learn/"))  # the admin's header is not reused

    from lms.accounts.services import set_roles

    set_roles(db.session.merge(learner), ["learner", "author"])
    db.session.commit()
    assert 'href="/studio/"' in _header(client.get("/learn/"))


def test_the_header_follows_the_language(client, auth, factory):
    auth.login(factory.user("learner", language="fr"))
    header = _header(client.get("/learn/"))
    assert "Déconnexion" in header or "Se déconnecter" in header
    assert re.search(r'<option value="fr" lang="fr" selected>', header)


def test_the_path_put_into_the_header_is_escaped(client, auth, factory):
    auth.login(factory.user("learner"))
    header = _header(client.get('/learn/?q="><script>alert(1)</script>'))
    assert "<script>" not in header
    assert 'name="next" value="/learn/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E"' in header or (
        "&#34;&gt;&lt;script&gt;" in header
    )


def _login(browser, user) -> None:
    form = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    browser.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})


def test_each_session_gets_its_own_csrf_token_in_a_shared_header(app_overrides, factory):
    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True})
    first, second = _client(strict), _client(strict)
    tokens = []
    for browser in (first, second):
        _login(browser, factory.user("learner"))
        (token,) = set(re.findall(r'name="csrf_token" value="([^"]+)"', _header(browser.get("/learn/"))))
        tokens.append(token)
    assert tokens[0] != tokens[1]
    # The log-out form in the (kept) header carries a token that this session's check accepts, not the other's.
    assert first.post("/logout", data={"csrf_token": tokens[1]}).status_code == 400
    assert first.post("/logout", data={"csrf_token": tokens[0]}).status_code == 302
    assert first.get("/learn/").status_code == 302


def test_a_visitors_page_starts_no_session_and_the_language_switch_needs_no_token(app_overrides):
    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True})
    visitor = _client(strict)
    landing = visitor.get("/")
    assert "csrf_token" not in _header(landing)
    assert "Set-Cookie" not in landing.headers  # a QR code scanned by a phone is answered without a cookie
    # Still marked as depending on the cookie (the language a session chose) and on compression, for caches.
    assert {"Cookie", "Accept-Encoding"} <= {part.strip() for part in landing.headers["Vary"].split(",")}
    assert "Set-Cookie" not in visitor.get("/", headers={"Accept-Encoding": "gzip"}).headers
    switched = visitor.post("/language", data={"lang": "fr", "next": "/"})
    assert switched.status_code == 302
    assert 'lang="fr" selected' in _header(visitor.get("/"))


def test_a_logged_in_users_language_switch_needs_their_token(app_overrides, factory):
    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True})
    browser = _client(strict)
    user = factory.user("learner")
    _login(browser, user)
    assert browser.post("/language", data={"lang": "fr"}).status_code == 400  # a forged switch is refused
    token = re.search(r'name="csrf_token" value="([^"]+)"', _header(browser.get("/learn/"))).group(1)
    assert browser.post("/language", data={"lang": "fr", "csrf_token": token}).status_code == 302
    from lms.accounts.models import User

    assert db.session.get(User, user.id).language == "fr"


def test_anonymous_header_shows_registration_only_when_open(app_overrides):
    closed = create_app({**app_overrides, "OPEN_REGISTRATION": False})
    opened = create_app({**app_overrides, "OPEN_REGISTRATION": True})
    assert 'href="/register"' not in _header(_client(closed).get("/login"))
    assert 'href="/register"' in _header(_client(opened).get("/login"))
