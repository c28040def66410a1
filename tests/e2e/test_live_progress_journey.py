"""The unit page's "Module: x of y done" follows the blocks without a reload (issue 20, point 6), in a real
browser against the demo.

A learner of the electricity course opens the video unit of "Safe isolation of electrical circuits" and
marks the video watched: the line goes from 0 to 1 of 2 on the same page. On the next unit, a poll vote
completes the poll but not the unit (the line stays 1 of 2), and the `done` switch completes it: 2 of 2,
still without a reload. Once the module is complete the page stops asking. A browser that hides
Server-Timing asks after every call.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.test_courseware_journey import use_english

PERSON = {person.key: person for person in PEOPLE}
COURSE = "TOT-ELEC-101"


def test_the_module_line_changes_when_a_block_completes_the_unit(new_context, login, check_a11y, demo_server):
    # Enrolled in the course and used by no other journey in it: the module starts untouched.
    learner = PERSON["learner.tumba"]
    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    asked: list[str] = []
    page.on("requestfinished", lambda request: asked.append(request.url) if "/progress/" in request.url else None)
    login(page, learner.email, learner.password)
    use_english(page)

    page.goto(f"/learn/{COURSE}/")
    page.locator("a", has_text="Watch: safe isolation in five steps").first.click()
    line = page.locator("main p.meta")
    expect(line).to_have_text("Module: 0 of 2 done")
    expect(line).to_have_attribute("aria-live", "polite")
    check_a11y(page)
    page.evaluate("window.notReloaded = true")  # gone if the page reloads

    # The video's button: a handler call through the block's script, then the line re-read.
    page.locator("[data-block-type=video] form[data-handler=mark_watched] [type=submit]").click()
    expect(line).to_have_text("Module: 1 of 2 done")
    assert page.evaluate("window.notReloaded") is True

    page.locator(".unit-nav a[rel=next]").click()
    expect(page.locator("main h1")).to_have_text("Check your understanding")
    expect(line).to_have_text("Module: 1 of 2 done")
    page.evaluate("window.notReloaded = true")

    # The poll completes itself, not the unit: the line stays as it is.
    poll = page.locator("[data-block-type=poll]")
    expect(poll).to_have_class(re.compile("xblock-initialized"))
    poll.locator("label", has_text="Prove it works on a known live source").click()
    # The vote recorded a completion (its answer says so): the page asks after it.
    with (
        page.expect_response(lambda response: "/progress/" in response.url),
        page.expect_response(lambda response: "/handler/" in response.url) as vote,
    ):
        poll.locator("button.submit").click()
    assert vote.value.headers.get("server-timing") == "progress"
    expect(line).to_have_text("Module: 1 of 2 done")

    # The done switch completes the unit, and with it the module.
    done = page.locator("[data-block-type=done]")
    done.locator("label.done_onoffswitch-label").click()
    expect(line).to_have_text("Module: 2 of 2 done")
    assert page.evaluate("window.notReloaded") is True
    expect(line).not_to_have_attribute("data-live-url", re.compile(".*"))  # complete: nothing left to ask
    check_a11y(page)

    # A later call changes nothing and asks nothing.
    before = len(asked)
    with page.expect_response(lambda response: "/handler/" in response.url):
        done.locator("label.done_onoffswitch-label").click()
    page.wait_for_timeout(1000)  # a read would follow within 150 ms
    assert len(asked) == before
    expect(line).to_have_text("Module: 2 of 2 done")

    # What a reload shows is what the page already said.
    page.reload()
    expect(line).to_have_text("Module: 2 of 2 done")

    # Handler calls answered without the hint: a browser that reads Server-Timing does not ask …
    def without_hint(route) -> None:
        response = route.fetch()
        headers = {name: value for name, value in response.headers.items() if name.lower() != "server-timing"}
        route.fulfill(response=response, headers=headers)

    page.route("**/handler/**", without_hint)
    page.reload()
    before = len(asked)
    with page.expect_response(lambda response: "/handler/" in response.url):
        done.locator("label.done_onoffswitch-label").click()
    page.wait_for_timeout(1000)  # a read would follow within 150 ms
    assert len(asked) == before

    # … and one that does not expose Server-Timing (plain HTTP, older Safari) asks after every call.
    page.context.add_init_script(
        "Object.defineProperty(PerformanceResourceTiming.prototype, 'serverTiming', {get: function () {}});"
    )
    page.reload()
    with page.expect_response(lambda response: "/progress/" in response.url) as answer:
        done.locator("label.done_onoffswitch-label").click()
    assert answer.value.json()["line"] == "Module: 2 of 2 done" and answer.value.json()["final"] is True
    expect(line).to_have_text("Module: 2 of 2 done")
    assert errors == []
