"""Nobody is left at a dead end (issue 20): the header's menu is reachable at every width without JavaScript,
a visitor who is not logged in learns what the site is and can check a certificate, a learner refused a
course is told why and whom to ask, and staff dashboards carry no empty learner's panels.

The menu's look at 360 px and 1280 px in Chromium is tests/e2e/test_core_journey.py's; here, the markup
that makes it possible: Chromium hides what a closed ``<details>`` holds whatever the CSS says, so the nav
must not be inside it.
"""

from __future__ import annotations

import re
from html import unescape

from tests.courses.helpers import build_course


def _html(response) -> str:
    return unescape(response.get_data(as_text=True))


def _header(html: str) -> str:
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_the_menu_and_log_out_are_outside_the_details_that_opens_them_on_a_phone(client, auth, factory):
    auth.login(factory.user("admin"))
    header = _header(_html(client.get("/")))
    details = re.search(r"<details class=\"menu\">(.*?)</details>", header, re.S)
    assert details is not None, "the phone's Menu button"
    assert "<nav" not in details.group(1) and "/logout" not in details.group(1)
    nav = re.search(r"<nav class=\"site-nav\"[^>]*>(.*?)</nav>", header, re.S).group(1)
    for target in ('href="/admin/users"', 'href="/studio/"', 'action="/logout"', 'href="/profile"'):
        assert target in nav, target
    # The stylesheet shows that nav at 48rem and wider whatever the details' state, and hides the details.
    css = client.get("/static/lms.css").get_data(as_text=True)
    wide = css[css.index("@media (min-width: 48rem) {\n  .menu") :]
    assert ".menu { display: none; }" in wide and ".site-nav, .menu[open] + .site-nav { display: block;" in wide
    assert ".menu[open] + .site-nav { display: block;" in css  # the phone: the summary opens it


def test_an_anonymous_visitor_gets_a_landing_page_with_the_verify_box(client):
    response = client.get("/")
    assert response.status_code == 200
    html = _html(response)
    main = html[html.index("<main") :]
    assert "<h1>tot-lms</h1>" in main
    assert "Training of trainers for Rwanda Polytechnic and partner hospitals" in main
    assert 'href="/login"' in main
    form = re.search(r'<form method="get" action="/verify" class="verify-box">(.*?)</form>', main, re.S)
    assert form and 'name="code"' in form.group(1)
    # The box works: it submits to certificates' page, which answers for the code.
    assert client.get("/verify?code=0000-0000-0000-0").status_code == 404


def test_a_learner_not_enrolled_is_told_why_and_whom_to_ask(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="NOT-MINE")
    auth.login(factory.user("learner"))
    for path in ("/learn/NOT-MINE/", "/learn/NOT-MINE/resume", f"/learn/NOT-MINE/unit/{built.units[0]}"):
        response = client.get(path)
        assert response.status_code == 403, path
        html = _html(response)
        assert "You are not enrolled in this course." in html
        assert "Ask your trainer or programme contact to enroll you" in html


def test_staff_dashboards_have_no_empty_learner_panels(client, auth, factory):
    for role in ("admin", "author", "verifier"):
        auth.login(factory.user(role))
        html = _html(client.get("/"))
        assert 'id="panel-my_courses"' not in html and 'id="panel-my_certificates"' not in html, role
        auth.logout()
    # A learner still sees their courses, with the words that say what to do when there are none (and no
    # certificates panel: nothing is promised until a course can give one).
    auth.login(factory.user("learner"))
    html = _html(client.get("/"))
    assert 'id="panel-my_courses"' in html and "You are not enrolled in a course yet." in html
    assert 'id="panel-my_certificates"' not in html


def test_staff_enrolled_in_a_course_see_it_on_their_dashboard(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="STAFF-LEARNS")
    admin = factory.user("admin")
    factory.cohort(course=built.course, learners=[admin])
    auth.login(admin)
    html = _html(client.get("/"))
    assert 'id="panel-my_courses"' in html and 'href="/learn/STAFF-LEARNS/"' in html
