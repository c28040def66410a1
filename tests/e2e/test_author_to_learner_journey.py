"""An author builds a unit in the studio and a learner sees it (issue 20, "Done means": "An author journey:
add a text component with the visual editor and a skill checklist with the step editor, publish, and see both
as a learner").

In Chromium at 1280 px, the demo's hospital author (the doctor, who owns HOSP-NRP-201) adds a new unit to the
course's first lesson from the outline; in it she picks "Text" in the "Add a component" catalogue and writes a
heading, a bold word and a bulleted list in the visual editor, saves; picks "Skill checklist" and adds three
steps with the step-list editor, one of them must-pass, saves; publishes the course from the outline and logs
out from the menu. In the same browser the nurse enrolled in the course logs in, opens the new unit from the
course outline, and finds the formatted text as elements (``h2``, ``strong``, ``ul > li``), not just its words,
and the three steps in order with only the must-pass one marked. axe-core is clean on the author's unit page
and both editors and on the learner's unit.

The journey runs on a demo server of its own (``demo_server`` is overridden for this module): the unit it
publishes and the checklist it adds would otherwise change what the journeys sharing the session's server
count (the page-weight walk over every learner unit, the step-list journey's first checklist of the course).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.conftest import serve_demo
from tests.e2e.test_courseware_journey import use_english

PERSON = {person.key: person for person in PEOPLE}
COURSE = "HOSP-NRP-201"
UNIT = "Airway first: a checklist"
STEPS = [
    ("Dries and stimulates the baby", False),
    ("Opens the airway in the neutral position", True),
    ("Calls for help", False),
]
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """This module's own demo server (see the module docstring); ``new_context`` and ``login`` use it."""
    with serve_demo(tmp_path_factory.mktemp("e2e-author-to-learner")) as server:
        yield server


def _save(page) -> None:
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/studio/courses/{COURSE}/unit/"))


def test_author_adds_text_and_checklist_publishes_and_a_learner_sees_both(new_context, login, check_a11y, demo_server):
    author, learner = PERSON["doctor"], PERSON["nurse"]
    page = new_context(**LAPTOP).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # --- the author adds a unit to the first lesson of her course ------------------------------------------
    login(page, author.email, author.password)
    use_english(page)  # the doctor's interface is French; the names asserted below are English
    page.goto(f"/studio/courses/{COURSE}/")
    add_unit = page.locator("form.add-form:has(input[name=block_type][value=vertical])").first
    add_unit.locator("input[name=display_name]").fill(UNIT)
    add_unit.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/studio/courses/{COURSE}/unit/"))
    expect(page.locator("h1")).to_have_text(UNIT)
    unit_url = page.url
    check_a11y(page)

    # --- a Text component, written in the visual editor -------------------------------------------------------
    page.check("#kind-html")
    page.fill("#display_name", "Before you start")
    page.locator("#add-component [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/blocks/.*html.*/edit$"))
    editor = page.locator("trix-editor")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=data]")).to_be_hidden()  # the visual editor replaced the textarea
    check_a11y(page)

    def button(name: str):
        return page.locator(f"trix-toolbar [data-trix-attribute={name}]")

    editor.click()
    button("heading1").click()
    page.keyboard.type("The golden minute")
    page.keyboard.press("Enter")
    page.keyboard.type("Breathing comes ")
    button("bold").click()
    page.keyboard.type("first")
    button("bold").click()
    page.keyboard.type(".")
    page.keyboard.press("Enter")
    button("bullet").click()
    page.keyboard.type("Warm")
    page.keyboard.press("Enter")
    page.keyboard.type("Dry")
    page.keyboard.press("Enter")
    page.keyboard.type("Stimulate")
    _save(page)
    assert page.url == unit_url  # back on the unit, where the text now shows

    # --- a Skill checklist, its steps written with the step-list editor -------------------------------------------
    page.check("#kind-skill_checklist")
    page.fill("#display_name", "Airway checklist")
    page.locator("#add-component [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/blocks/.*skill_checklist.*/edit$"))
    rows = page.locator("ol.step-list > li")
    expect(rows).to_have_count(0)  # a new checklist has no steps
    expect(page.locator("textarea[name=steps]")).to_be_hidden()  # the one-per-line fallback, enhanced
    for count, (text, must_pass) in enumerate(STEPS, 1):
        page.locator("button.step-add").click()
        expect(rows).to_have_count(count)
        expect(rows.last.locator(".step-text")).to_be_focused()
        page.keyboard.type(text)
        if must_pass:
            rows.last.locator(".step-must").check()
    check_a11y(page)
    _save(page)
    expect(page.locator("section.component")).to_have_count(2)
    check_a11y(page)

    # --- publish, log out ------------------------------------------------------------------------------------
    page.goto(f"/studio/courses/{COURSE}/")
    page.fill("#note", "Airway checklist unit")
    page.locator("form[action$='/publish'] [type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("published")
    page.locator("nav.site-nav form[action='/logout'] button[type=submit]").click()
    page.goto(f"/studio/courses/{COURSE}/")
    expect(page).to_have_url(re.compile(r"/login"))  # the author's session is over

    # --- the nurse opens the new unit ---------------------------------------------------------------------------
    login(page, learner.email, learner.password)
    use_english(page)  # the nurse reads Kinyarwanda; "Must pass" is asserted in English
    page.goto(f"/learn/{COURSE}/")
    page.locator("main a", has_text=UNIT).first.click()
    expect(page).to_have_url(re.compile(rf"/learn/{COURSE}/unit/"))
    expect(page.locator("h1").first).to_have_text(UNIT)  # the page's own; the text's heading follows

    text = page.locator("[data-block-type=html]")
    expect(text).to_have_count(1)
    expect(text.locator("h2")).to_have_text("The golden minute")
    expect(text.locator("strong")).to_have_text("first")
    expect(text.locator("ul > li")).to_have_text(["Warm", "Dry", "Stimulate"])

    checklist = page.locator("[data-block-type=skill_checklist]")
    expect(checklist).to_have_count(1)
    steps = checklist.locator("li.tot-step legend")
    expect(steps).to_have_count(len(STEPS))
    for i, (step, must_pass) in enumerate(STEPS):
        expect(steps.nth(i)).to_contain_text(step)
        expect(steps.nth(i).locator(".tot-badge")).to_have_count(1 if must_pass else 0)
    expect(steps.nth(1).locator(".tot-badge")).to_have_text("Must pass")
    check_a11y(page)
    assert errors == []
