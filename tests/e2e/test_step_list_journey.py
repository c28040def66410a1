"""The skill checklist's step-list editor in a real browser: the demo's hospital author moves a step up,
rewords it, adds a must-pass step and removes one; the saved steps keep their ids (learners' answers stay
attached), and the new step gets an id of its own. The page passes axe and runs no inline script."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.test_courseware_journey import use_english

PERSON = {person.key: person for person in PEOPLE}
COURSE = "HOSP-NRP-201"


def _draft_steps(demo_server, key: str) -> list[dict]:
    rows = demo_server.query(
        "SELECT value FROM xblock_field WHERE branch = 'draft' AND block_key = ? AND field = 'steps'", key
    )
    value = rows[0][0]
    return json.loads(value) if isinstance(value, str) else value


def test_author_edits_checklist_steps_with_the_step_list_editor(new_context, login, check_a11y, demo_server):
    author = PERSON["doctor"]  # owns the demo hospital course
    key = demo_server.query(
        "SELECT block_key FROM xblock_field WHERE branch = 'draft' AND field = 'steps' AND block_key LIKE ?",
        f"block-v1:{COURSE}+type@skill_checklist+%",
    )[0][0]
    before = _draft_steps(demo_server, key)
    assert len(before) >= 4

    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, author.email, author.password)
    use_english(page)
    page.goto(f"/studio/courses/{COURSE}/blocks/{key}/edit")

    rows = page.locator("ol.step-list > li")
    expect(rows).to_have_count(len(before))
    expect(page.locator("textarea[name=steps]")).to_be_hidden()  # the one-per-line fallback, enhanced
    expect(rows.nth(0).locator(".step-text")).to_have_value(before[0]["text"])
    expect(rows.nth(0).locator(".step-must")).to_be_checked(checked=before[0]["must_pass"])
    check_a11y(page)

    # Move the second step up and reword it (the server could not match it by text or place alone).
    rows.nth(1).locator(".step-up").click()
    expect(rows.nth(0).locator(".step-up")).to_be_disabled()
    rows.nth(0).locator(".step-text").fill("Positions the head in the neutral position (sniffing)")
    # Remove the last step, add a must-pass one.
    rows.last.locator(".step-remove").click()
    expect(rows).to_have_count(len(before) - 1)
    page.locator("button.step-add").click()
    expect(rows).to_have_count(len(before))
    expect(rows.last.locator(".step-text")).to_be_focused()
    rows.last.locator(".step-text").fill("Hands over to the neonatal team")
    rows.last.locator(".step-must").check()
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/studio/courses/{COURSE}/unit/"))

    after = _draft_steps(demo_server, key)
    assert [s["id"] for s in after[:2]] == [before[1]["id"], before[0]["id"]]
    assert after[0]["text"] == "Positions the head in the neutral position (sniffing)"
    assert [s["id"] for s in after[2:-1]] == [s["id"] for s in before[2:-1]]
    assert after[-1]["text"] == "Hands over to the neonatal team" and after[-1]["must_pass"] is True
    assert after[-1]["id"] not in {s["id"] for s in before}
    assert errors == []
