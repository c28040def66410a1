"""Nobody at a dead end (issue 20), in Chromium against the real server: the header's menu and its Log out at
phone and desktop widths, with JavaScript and without; the landing page a visitor sees, with a verify box
that works; the page that tells a learner why a course is closed to them. Each page passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.demo import PEOPLE

PERSON = {person.key: person for person in PEOPLE}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 768, "height": 1024}  # 48rem: the first width with the nav in the bar


def _open(new_context, viewport, javascript: bool):
    options = {"viewport": viewport, "java_script_enabled": javascript}
    if viewport is PHONE:
        options.update(is_mobile=True, has_touch=True)
    return new_context(**options).new_page()


# With JavaScript at 360 and 1280 px, every role's menu and Log out are test_role_journeys.py's, on every page:
# here the width where the bar takes over from the Menu button, and every width without JavaScript.
@pytest.mark.parametrize(
    "viewport, javascript",
    [
        pytest.param(TABLET, True, id="768px-js"),
        pytest.param(DESKTOP, False, id="1280px-no-js"),
        pytest.param(TABLET, False, id="768px-no-js"),
        pytest.param(PHONE, False, id="360px-no-js"),
    ],
)
def test_an_admin_reaches_people_and_studio_and_logs_out(
    viewport, javascript, new_context, login, check_a11y, demo_server
):
    page = _open(new_context, viewport, javascript)
    admin = PERSON["admin"]
    login(page, admin.email, admin.password)
    nav = page.locator("nav.site-nav")
    summary = page.locator("details.menu summary")
    if viewport is PHONE:
        expect(nav).to_be_hidden()
        summary.click()  # <details> opens without JavaScript
    else:
        expect(summary).to_be_hidden()  # no Menu button on a wide screen: the menu is in the bar
    expect(nav).to_be_visible()
    for name in ("People", "Studio", "Cohorts", "Institutions", "Profile"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    if javascript:  # axe runs as a script: without JavaScript the same markup is checked at 768 px with it
        check_a11y(page)

    nav.get_by_role("link", name="People", exact=True).click()
    expect(page).to_have_url(f"{demo_server.url}/admin/users")
    if viewport is PHONE:
        summary.click()
    nav.get_by_role("link", name="Studio", exact=True).click()
    expect(page).to_have_url(f"{demo_server.url}/studio/")

    if viewport is PHONE:
        summary.click()
    nav.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{demo_server.url}/login")
    page.goto("/admin/users")
    expect(page).to_have_url(f"{demo_server.url}/login?next=/admin/users")  # the session is over


def test_a_visitor_learns_what_the_site_is_and_checks_a_certificate(page, check_a11y, demo_server):
    page.goto("/")
    expect(page).to_have_url(f"{demo_server.url}/")
    expect(page.locator("main h1")).to_have_text("tot-lms")
    expect(page.locator("main")).to_contain_text("Training of trainers for Rwanda Polytechnic")
    expect(page.locator("main").get_by_role("link", name="Log in")).to_be_visible()
    box = page.locator("main form.verify-box")
    expect(box).to_be_visible()
    check_a11y(page)

    box.get_by_label("Certificate code").fill("7K3Q-9XPM-2VD4-B")
    box.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(f"{demo_server.url}/verify?code=7K3Q-9XPM-2VD4-B")
    expect(page.locator("main [role=alert]")).to_contain_text("No certificate with the code 7K3Q-9XPM-2VD4-B")


def test_a_learner_refused_a_course_is_told_why_and_whom_to_ask(page, login, check_a11y, demo_server):
    refused = []
    for learner in (person for person in PEOPLE if person.roles == ("learner",)):
        rows = demo_server.query(
            "SELECT code FROM course WHERE published_version_id IS NOT NULL AND id NOT IN ("
            " SELECT c.course_id FROM cohort c JOIN enrollment e ON e.cohort_id = c.id"
            ' JOIN "user" u ON u.id = e.user_id WHERE u.email = ?) ORDER BY code',
            learner.email,
        )
        refused += [(learner, code) for (code,) in rows]
    assert refused, "the demo data has a published course some learner is not enrolled in"
    learner, code = refused[0]
    login(page, learner.email, learner.password)
    response = page.goto(f"/learn/{code}/")
    assert response.status == 403
    main = page.locator("main")
    expect(main).to_contain_text("You are not enrolled in this course.")
    expect(main).to_contain_text("Ask your trainer or programme contact")
    check_a11y(page)


def test_the_admin_dashboard_has_no_empty_learner_panels(page, login):
    admin = PERSON["admin"]
    login(page, admin.email, admin.password)
    expect(page.locator("#panel-admin")).to_be_visible()
    expect(page.locator("#panel-my_courses")).to_have_count(0)
    expect(page.locator("#panel-my_certificates")).to_have_count(0)
