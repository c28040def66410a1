"""Pages kept as skeletons (``lms.page_skeleton``; the learner's unit page): every viewer must get exactly
the page a fresh render gives them, with their own blocks, progress, menu, CSRF token and path, while the
template itself is rendered once per unit, language and menu."""

from __future__ import annotations

import re

from flask import flash, template_rendered
from markupsafe import Markup

from lms.app import create_app
from lms.db import db
from lms.page_skeleton import render_skeleton
from tests.conftest import PASSWORD, IsolatedClient
from tests.courses.helpers import build_course

LAYOUT = {"Safety first": {"Isolation": [["html"], ["html", "thumbs"]]}}
UNIT_TEMPLATE = "courses/courseware/unit.html"
CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]+"')


def _without_csrf_values(html: str) -> str:
    """Tokens are signed with the current second (and per app): pages that differ only there are equal."""
    return CSRF_VALUE.sub(r'\1…"', html)


def _browser(app, user):
    browser = IsolatedClient(app, app.response_class, use_cookies=True)
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return browser


class _Renders:
    """Counts the renders of a template in one app."""

    def __init__(self, app, name: str):
        self.count = 0
        self.name = name
        template_rendered.connect(self._seen, app)

    def _seen(self, sender, template, context, **extra):  # noqa: ANN001, ARG002
        self.count += template.name == self.name


def test_a_filled_skeleton_is_the_page_a_fresh_render_gives(app_overrides, factory):
    built = build_course(factory, LAYOUT, code="SKEL-1")
    alice, bob = factory.user("learner"), factory.user("learner")
    factory.cohort(course=built.course, learners=[alice, bob])
    kept = create_app(app_overrides)
    fresh = create_app({**app_overrides, "PAGE_SKELETONS": False})
    renders = _Renders(kept, UNIT_TEMPLATE)
    first, second = (f"/learn/SKEL-1/unit/{key}" for key in built.units)
    pages = {}
    for learner, visits in ((alice, [first, second]), (bob, [second])):
        kept_browser, fresh_browser = _browser(kept, learner), _browser(fresh, learner)
        for path in visits:  # the first visits record progress; the pages compared below show it
            assert kept_browser.get(path).status_code == 200
        pages[learner.id] = (kept_browser.get(second).get_data(as_text=True), fresh_browser.get(second))
    for kept_html, fresh_response in pages.values():
        assert _without_csrf_values(kept_html) == _without_csrf_values(fresh_response.get_data(as_text=True))
    alice_page, bob_page = pages[alice.id][0], pages[bob.id][0]
    progress = re.compile(r'<p class="meta"[^>]*>([^<]+)</p>')
    assert progress.search(alice_page).group(1) != progress.search(bob_page).group(1)
    assert f"/handler/{alice.id}/" in alice_page and f"/handler/{bob.id}/" in bob_page
    assert f"/handler/{bob.id}/" not in alice_page
    # Two units seen by two learners with the same menu: one render of the template per unit.
    assert renders.count == 2


def test_each_menu_gets_its_own_skeleton_and_a_renamed_course_shows_at_once(app, client, auth, factory):
    built = build_course(factory, LAYOUT, code="SKEL-2")
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    path = f"/learn/SKEL-2/unit/{built.units[0]}"
    for user in (built.author, learner):
        auth.login(user)
        client.get("/learn/")  # shows (and so clears) the log-in message: pages with one are never kept
        html = client.get(path).get_data(as_text=True)
        assert ('href="/studio/"' in html) == (user is built.author)
        auth.logout()
    auth.login(learner)
    client.get("/learn/")
    assert built.course.title in client.get(path).get_data(as_text=True)
    db.session.merge(built.course).title = "Isolation & lock-out, renamed"
    db.session.commit()
    assert "Isolation &amp; lock-out, renamed" in client.get(path).get_data(as_text=True)


def test_each_session_gets_its_own_csrf_token_and_path_in_a_kept_page(app_overrides, factory):
    built = build_course(factory, LAYOUT, code="SKEL-3")
    alice, bob = factory.user("learner"), factory.user("learner")
    factory.cohort(course=built.course, learners=[alice, bob])
    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True})
    tokens = []
    for learner in (alice, bob):
        browser = IsolatedClient(strict, strict.response_class, use_cookies=True)
        login_page = browser.get("/login").get_data(as_text=True)
        form_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
        data = {"email": learner.email, "password": PASSWORD, "csrf_token": form_token}
        assert browser.post("/login", data=data).status_code == 302
        path = f"/learn/SKEL-3/unit/{built.units[1]}"
        html = browser.get(path).get_data(as_text=True)
        assert f'name="next" value="{path}"' in html
        (token,) = set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
        tokens.append(token)
        assert browser.post("/logout", data={"csrf_token": token}).status_code == 302  # accepted
    assert tokens[0] != tokens[1]


def test_hole_values_are_escaped_as_jinja_would_and_flashes_bypass_the_cache(app):
    renders = _Renders(app, "error.html")
    forged_marker = "\x1e0123456789abcdef:csrf\x1e"  # a marker without this process's nonce
    with app.test_request_context("/somewhere"):
        text = render_skeleton("test", "error.html", {"message": "<b>bold?</b>"}, status=forged_marker)
        markup = render_skeleton("test", "error.html", {"message": Markup("<b>bold</b>")}, status=forged_marker)
    assert "&lt;b&gt;bold?&lt;/b&gt;" in text and "<b>bold</b>" in markup
    assert forged_marker in text  # authored text cannot open a hole
    assert 'name="next" value="/somewhere"' in text
    assert renders.count == 1
    with app.test_request_context("/somewhere"):
        flash("Saved.")
        flashed = render_skeleton("test", "error.html", {"message": "Hello"}, status="")
    assert "Saved." in flashed and "Hello" in flashed
    assert renders.count == 2  # rendered afresh
    with app.test_request_context("/somewhere"):
        assert "Saved." not in render_skeleton("test", "error.html", {"message": "Hello"}, status="")
    assert renders.count == 2  # and the flashed page was not kept
