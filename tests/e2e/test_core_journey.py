"""Core journeys through the real server: log in, the dashboard of each role, the language switcher, and
the weight of the first pages a learner loads over a weak connection. (Every page of each role at 360 and
1280 px, the menu and the phone layout included, is test_role_journeys.py's.)

Every page a journey visits goes through ``check_a11y`` (axe-core, WCAG 2.1 A/AA).
"""

from __future__ import annotations

import gettext
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

import lms
from lms.demo import PEOPLE

PERSON = {person.key: person for person in PEOPLE}
PAGE_WEIGHT_LIMIT = 150 * 1024


def catalogue(language: str) -> gettext.GNUTranslations | None:
    """The compiled core catalogue for ``language``, if the translators have compiled one yet."""
    path = Path(lms.__file__).resolve().parent / "translations" / language / "LC_MESSAGES" / "messages.mo"
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def switch_language(page, code: str) -> None:
    """Use the header's switcher as a person would: choose the language, press the button."""
    page.select_option("#lang-select", code)
    page.locator("form.lang-switch [type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def assert_switcher_shows(page, code: str) -> None:
    expect(page.locator("#lang-select")).to_have_value(code)
    # Chosen by the server (the `selected` attribute), not remembered by the browser's form restoration.
    expect(page.locator("#lang-select option[selected]")).to_have_attribute("value", code)


def test_learner_logs_in_and_sees_their_dashboard(page, login, check_a11y):
    learner = PERSON["learner"]
    login(page, learner.email, learner.password, check=check_a11y)
    expect(page.locator("main h1")).to_contain_text(learner.name)
    expect(page.locator("#panel-my_courses")).to_be_visible()
    # Learners run no cohort and administer nothing.
    expect(page.locator("#panel-admin")).to_have_count(0)
    expect(page.locator("#panel-cohorts")).to_have_count(0)
    check_a11y(page)


def test_wrong_password_keeps_the_person_on_the_login_page(page, check_a11y, demo_server):
    page.goto("/login")
    page.fill("input[name=email]", PERSON["learner"].email)
    page.fill("input[name=password]", "not-the-password")
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(f"{demo_server.url}/login")
    expect(page.locator("main .form-errors[role=alert]")).to_contain_text("password is not correct")
    expect(page.locator("input[name=password]")).to_be_visible()
    check_a11y(page)


@pytest.mark.parametrize("path", ["/login"])
def test_public_page_accessibility(path, page, check_a11y, axe_violations, known_violations):
    """Every WCAG 2.1 A/AA rule on the page; a violation already reported (KNOWN_VIOLATIONS) is an xfail."""
    page.goto(path)
    check_a11y(page)  # fails on anything not yet reported
    known = sorted({v["id"] for v in axe_violations(page) if (path, v["id"]) in known_violations})
    if known:
        pytest.xfail("; ".join(f"{rule}: {known_violations[(path, rule)]}" for rule in known))


def test_language_switcher_changes_the_page_language(page, login, check_a11y):
    learner = PERSON["learner"]
    login(page, learner.email, learner.password)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    try:
        for code in ("fr", "rw"):
            switch_language(page, code)
            assert_switcher_shows(page, code)
            # The switcher brings the person back to the page they were on.
            expect(page.locator("main h1")).to_contain_text(learner.name)
            compiled = catalogue(code)
            if compiled is not None:
                expect(page.locator("label[for=lang-select]")).to_have_text(compiled.gettext("Language"))
            check_a11y(page)
        # A logged-in person's choice is kept with their account: a new session opens in Kinyarwanda.
        page.context.clear_cookies()
        login(page, learner.email, learner.password)
        expect(page.locator("html")).to_have_attribute("lang", "rw")
    finally:
        # Leave the shared demo learner in English for the other journeys.
        switch_language(page, "en")
    assert_switcher_shows(page, "en")


@pytest.mark.parametrize("key", ["admin", "author", "assessor", "verifier"])
def test_each_role_sees_its_dashboard(key, page, login, check_a11y, demo_server):
    person = PERSON[key]
    login(page, person.email, person.password)
    expect(page.locator("main h1")).to_contain_text(person.name)

    if key == "admin":
        expect(page.locator("#panel-admin")).to_have_text("Programme")
        expected = [
            demo_server.query('SELECT count(*) FROM "user"')[0][0],
            demo_server.query("SELECT count(*) FROM cohort")[0][0],
            demo_server.query("SELECT count(*) FROM institution")[0][0],
        ]
        assert expected[0] >= len(PEOPLE) and expected[1] >= 1 and expected[2] >= 10  # 8 IPRCs + 2 hospitals
        shown = [int(text) for text in page.locator("ul.stats strong").all_inner_texts()]
        assert shown == expected
    else:
        expect(page.locator("#panel-admin")).to_have_count(0)

    if key in ("author", "assessor"):
        # The cohorts panel lists the cohorts this person runs, as the database says.
        runs = demo_server.query(
            "SELECT c.name FROM cohort c JOIN cohort_instructor ci ON ci.cohort_id = c.id "
            'JOIN "user" u ON u.id = ci.user_id WHERE u.email = ?',
            person.email,
        )
        assert runs, f"the demo data gives {key} at least one cohort"
        expect(page.locator("#panel-cohorts")).to_be_visible()
        panel = page.locator("section[aria-labelledby=panel-cohorts]")
        for (name,) in runs:
            expect(panel.get_by_role("link", name=name)).to_be_visible()

    if key in ("verifier", "admin"):
        box = page.locator("form.verify-box")
        expect(box).to_be_visible()
        expect(box.get_by_label("Certificate code")).to_be_editable()
    else:
        expect(page.locator("form.verify-box")).to_have_count(0)

    if key == "verifier":
        expect(page.locator("#panel-cohorts")).to_have_count(0)
    check_a11y(page)


def _assert_light(path: str, total: int, items: list[tuple[str, int]]) -> None:
    listing = "\n".join(f"  {size:>8} B  {url}" for url, size in items)
    assert any(urlsplit(url).path == path and size > 0 for url, size in items), f"no document weighed:\n{listing}"
    # An empty cache: the stylesheet came over the wire too.
    assert any(urlsplit(url).path.endswith(".css") and size > 0 for url, size in items), (
        f"no stylesheet weighed:\n{listing}"
    )
    assert total <= PAGE_WEIGHT_LIMIT, f"{path} weighs {total} B > {PAGE_WEIGHT_LIMIT} B:\n{listing}"


def test_login_and_dashboard_weigh_at_most_150_kb(new_context, login, page_weight):
    page = new_context().new_page()
    total, items = page_weight(page, "/login")
    _assert_light("/login", total, items)

    learner = PERSON["learner"]
    login(page, learner.email, learner.password)
    # A second context with the session cookie but an empty cache: the dashboard as a first visit.
    cold = new_context(storage_state=page.context.storage_state()).new_page()
    total, items = page_weight(cold, "/")
    expect(cold.locator("main h1")).to_contain_text(learner.name)
    _assert_light("/", total, items)
