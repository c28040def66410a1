"""The question bank in a real browser: the author opens the bank from the course outline, adds a single
choice question through its form (adding rows with a plain submit button that re-renders the page),
sees a refused form say what is wrong, saves, finds the question in the list and previews it as a learner
would see it. Every bank page visited goes through axe-core."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.test_courseware_journey import use_english

AUTHOR = next(person for person in PEOPLE if person.key == "author")
COURSE = "TOT-ELEC-101"


def test_author_adds_a_question_through_the_form_and_previews_it(new_context, login, check_a11y):
    page = new_context().new_page()
    login(page, AUTHOR.email, AUTHOR.password)
    use_english(page)
    page.goto(f"/studio/courses/{COURSE}/")
    page.locator("main a", has_text="Question bank").click()
    expect(page).to_have_url(re.compile(rf"/studio/courses/{COURSE}/questions/$"))
    expect(page.locator("h1")).to_have_text("Question bank")
    check_a11y(page)

    page.locator("main a", has_text="Add a question").first.click()
    check_a11y(page)
    page.locator("main a", has_text="Single choice").click()
    expect(page.locator("h1")).to_have_text("New question")
    check_a11y(page)

    page.fill("#category", "E2E/Earthing")
    page.fill("#tags", "earthing, e2e")
    page.fill("#stem", "<p>Which colour is the protective earth conductor?</p>")
    page.fill("#choices-0-text", "Green and yellow")
    page.fill("#choices-0-fraction", "100")
    page.fill("#choices-1-text", "Blue")
    page.get_by_role("button", name=re.compile("Add rows")).click()  # a plain submit: the page has no script
    expect(page.locator("#choices-4-text")).to_be_visible()
    expect(page.locator("#choices-0-text")).to_have_value("Green and yellow")
    page.fill("#choices-2-text", "Brown")
    page.fill("#choices-3-text", "Black")
    page.fill("#choices-3-fraction", "abc")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#item-errors")).to_contain_text("is not a fraction")
    check_a11y(page)
    page.fill("#choices-3-fraction", "0")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"/studio/courses/{COURSE}/questions/"))
    expect(page.locator("[role=status], .flash").first).to_contain_text("Question added")
    row = page.locator("tr", has_text="Which colour is the protective earth conductor?")
    expect(row).to_contain_text("Single choice")
    expect(row).to_contain_text("E2E/Earthing")
    check_a11y(page)

    row.locator("a", has_text="Preview").click()
    expect(page.locator("h1")).to_contain_text("Preview")
    expect(page.locator("fieldset.item input[type=radio]")).to_have_count(4)
    expect(page.locator("fieldset.item")).to_contain_text("Green and yellow")
    check_a11y(page)
    page.locator("fieldset.item label", has_text="Blue").click()
    expect(page.locator("fieldset.item input[type=radio]:checked")).to_have_count(1)

    # the bank's other pages: edit, move, delete confirmation, import (with a refused file), export
    page.goto(f"/studio/courses/{COURSE}/questions/")
    row = page.locator("tr", has_text="Which colour is the protective earth conductor?")
    for action, heading in (("Edit", "Edit"), ("Move", "Move"), ("Delete", "Delete")):
        row.locator("a", has_text=action).click()
        expect(page.locator("h1")).to_contain_text(heading)
        check_a11y(page)
        page.go_back()
    page.locator("main a", has_text="Import questions").click()
    check_a11y(page)
    page.set_input_files("#file", files=[{"name": "bad.gift", "mimeType": "text/plain", "buffer": b"::A::x {=a ~b\n"}])
    page.locator("main form [type=submit]").click()
    expect(page.locator("#import-errors")).to_contain_text("line 1")
    check_a11y(page)
    page.goto(f"/studio/courses/{COURSE}/questions/export")
    check_a11y(page)
