"""The courseware journey of the XBlock issue, in a real browser against the real server.

An author builds a course in the studio, adds a unit with the xblock-sdk ``thumbs`` block and publishes
it; the author opens a cohort and enrolls a learner; the learner opens the unit, clicks "thumbs up" (the
block's own JavaScript calls its handler through our runtime), reloads, and the count is still there.
Every page visited goes through axe-core.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lms.demo import PEOPLE

PERSON = {person.key: person for person in PEOPLE}


def use_english(page) -> None:
    page.select_option("#lang-select", "en")
    page.locator("form.lang-switch [type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def submit_main_form(page, form_selector: str = "main form") -> None:
    page.locator(f"{form_selector} [type=submit]").first.click()


def test_author_publishes_thumbs_and_learner_vote_persists(new_context, login, check_a11y, demo_server):
    author, learner = PERSON["author"], PERSON["learner.tumba"]

    # --- the author builds and publishes -----------------------------------------------------------------
    page = new_context().new_page()
    login(page, author.email, author.password)
    use_english(page)  # the demo author prefers French
    page.goto("/studio/new")
    check_a11y(page)
    page.fill("#code", "E2E-THUMBS")
    page.fill("#title", "Voting on safety habits")
    page.select_option("#language", "en")
    submit_main_form(page)
    expect(page).to_have_url(re.compile(r"/studio/courses/E2E-THUMBS/$"))
    check_a11y(page)

    # outline: module, lesson, unit (each "add" form sits at the end of its parent's list)
    page.locator("form.add-form").last.locator("input[name=display_name]").fill("Habits")
    page.locator("form.add-form").last.locator("[type=submit]").click()
    page.locator("form.add-form").first.locator("input[name=display_name]").fill("Daily checks")
    page.locator("form.add-form").first.locator("[type=submit]").click()
    page.locator("form.add-form").first.locator("input[name=display_name]").fill("Vote")
    page.locator("form.add-form").first.locator("[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/studio/courses/E2E-THUMBS/unit/"))
    check_a11y(page)

    # the unit: add the thumbs component; the studio shows it with its own JavaScript
    page.check("#kind-thumbs")
    page.locator("#add-component [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/blocks/.*thumbs.*/edit$"))  # straight to its editor
    page.goto("/studio/courses/E2E-THUMBS/")
    page.locator("a", has_text="Vote").first.click()
    expect(page.locator("[data-block-type=thumbs]")).to_have_count(1)

    page.goto("/studio/courses/E2E-THUMBS/")
    page.fill("#note", "First version")
    page.locator("form[action$='/publish'] [type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Version 1 published")
    check_a11y(page)

    # --- the author opens a cohort and enrolls the learner -------------------------------------------------
    page.goto("/cohorts/new")
    page.fill("#name", "E2E cohort")
    course_option = page.locator("#course_id option", has_text="E2E-THUMBS")
    page.select_option("#course_id", course_option.get_attribute("value"))
    page.fill("#starts_on", "2026-01-05")
    page.fill("#ends_on", "2026-12-18")
    submit_main_form(page)
    expect(page).to_have_url(re.compile(r"/cohorts/\d+$"))
    enroll = page.locator("form[action$='/enroll']")
    enroll.locator("input[name=email]").fill(learner.email)
    enroll.locator("[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("enrolled")
    check_a11y(page)

    # --- the learner votes, reloads, and the vote is still counted ---------------------------------------------
    learner_page = new_context().new_page()
    login(learner_page, learner.email, learner.password)
    use_english(learner_page)
    learner_page.goto("/learn/E2E-THUMBS/")
    check_a11y(learner_page)
    learner_page.locator("a", has_text="Start").first.click()  # nothing done yet: "Start: Vote"
    expect(learner_page.locator("h1")).to_have_text("Vote")
    block = learner_page.locator("[data-block-type=thumbs]")
    expect(block).to_have_class(re.compile("xblock-initialized"))  # our browser runtime started it
    up = block.locator(".upvote")
    expect(up.locator(".count")).to_have_text("0")
    with learner_page.expect_response(lambda r: "/handler/" in r.url and r.request.method == "POST") as reply:
        up.click()
    assert reply.value.status == 200
    expect(up.locator(".count")).to_have_text("1")
    check_a11y(learner_page)

    learner_page.reload()
    expect(learner_page.locator("[data-block-type=thumbs] .upvote .count")).to_have_text("1")
    stored = demo_server.query(
        "SELECT value FROM xblock_field WHERE field = 'upvotes' AND block_key LIKE 'block-v1:E2E-THUMBS+%'"
    )
    assert [str(value) for (value,) in stored] == ["1"]


def test_every_demo_block_starts_in_the_browser(new_context, login, check_a11y):
    """Walk both demo courses unit by unit: every block's JavaScript initialises, none fails, no page
    error, and each page passes axe."""
    learner = PERSON["learner"]  # enrolled in both demo courses
    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, learner.email, learner.password)
    seen_types: set[str] = set()
    for code in ("TOT-ELEC-101", "HOSP-NRP-201"):
        page.goto(f"/learn/{code}/")
        check_a11y(page)
        units = [link.get_attribute("href") for link in page.locator("ol.units a").all()]
        assert units, f"no units in {code}"
        for href in units:
            page.goto(href)
            page.wait_for_load_state("load")
            blocks = page.locator(".unit-body .xblock-v1[data-init]")
            for index in range(blocks.count()):
                expect(blocks.nth(index)).to_have_class(re.compile("xblock-initialized"))
            expect(page.locator(".xblock-failed")).to_have_count(0)
            seen_types.update(
                page.locator(".unit-body .xblock-v1").evaluate_all(
                    "nodes => nodes.map(n => n.getAttribute('data-block-type'))"
                )
            )
            check_a11y(page)
    assert errors == []
    assert {"html", "video", "resource", "poll", "done", "survey", "skill_checklist", "procedure_log"} <= seen_types
