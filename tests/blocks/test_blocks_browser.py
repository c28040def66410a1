"""The blocks' JavaScript in a real browser (Debian's headless Chromium through Playwright), against the
test app served from a thread: forms enhanced to JSON calls through ``runtime.handlerUrl``, errors shown
next to the form without leaving the page, the video's 90% report, the assessor's sign-off, and axe-core
(WCAG 2.1 A/AA) on the blocks' own markup. Skipped where no Chromium is installed."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from lms.db import db
from tests.blocks.helpers import hospital_course, user_state
from tests.browser import AXE_SOURCE, CHROMIUM, MISSING
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING),
]


@pytest.fixture
def server(app):
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def course(factory):
    """Plain values only: the ORM session is closed so this thread holds no transaction the server waits on."""
    built = hospital_course(factory, code="HOSP-JS")
    learner = factory.user("learner", name="Aline Learner")
    instructor = factory.user("assessor", name="Jean Instructor")
    cohort = factory.cohort(course=built.course, learners=[learner], instructors=[instructor])
    values = SimpleNamespace(
        code=built.course.code,
        unit=built.unit,
        video=built.video,
        checklist=built.checklist,
        logbook=built.logbook,
        cohort_id=cohort.id,
        learner=SimpleNamespace(id=learner.id, email=learner.email),
        instructor=SimpleNamespace(id=instructor.id, email=instructor.email),
    )
    db.session.remove()
    return values


def open_as(browser, server, user, path):
    context = browser.new_context(base_url=server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{server}/")
    page.goto(path)
    page.wait_for_function("() => document.querySelectorAll('.xblock-initialized').length > 0")
    return page


def block_violations(page, scope: str = ".tot-block") -> list[str]:
    """axe-core on the blocks' own markup (``scope``), or on the whole page with ``scope="html"``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (scope) => await axe.run({include: [[scope]]},
            {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""",
        scope,
    )
    assert result["passes"], "axe checked nothing: no .tot-block on the page?"
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


def fresh_state(usage_key, user_id):
    db.session.remove()
    return user_state(usage_key, user_id)


def test_learner_forms_work_through_javascript(browser, server, course):
    page = open_as(browser, server, course.learner, f"/learn/{course.code}/unit/{course.unit}")
    assert block_violations(page) == []
    page.evaluate("() => { window.__samePage = true; }")

    # Self-assessment: saved through JSON, the page stays.
    checklist = page.locator(f"[data-usage='{course.checklist}']")
    checklist.locator("input[name=step-hygiene][value=confident]").check()
    checklist.get_by_role("button", name="Save my self-assessment").click()
    checklist.get_by_text("Your self-assessment is saved.").wait_for()
    assert page.evaluate("() => window.__samePage") is True
    assert fresh_state(course.checklist, course.learner.id)["self_assessment"] == {"hygiene": "confident"}

    # Logbook: a patient identifier is refused next to the form, the field is marked.
    logbook = page.locator(f"[data-usage='{course.logbook}']")
    logbook.locator("input[name=date]").fill("2024-05-02")
    logbook.locator("input[name=setting]").fill("Ward 4")
    logbook.locator("textarea[name=reflection]").fill("Call the patient on 0788 123 456")
    logbook.get_by_role("button", name="Add the entry").click()
    alert = logbook.locator("[role=alert]")
    alert.wait_for()
    assert "phone number" in alert.inner_text()
    assert logbook.locator("textarea[name=reflection]").get_attribute("aria-invalid") == "true"
    assert page.evaluate("() => window.__samePage") is True
    assert fresh_state(course.logbook, course.learner.id).get("entries", []) == []
    # A clean entry is added and the page reloads with it listed.
    logbook.locator("textarea[name=reflection]").fill("Went smoothly.")
    logbook.get_by_role("button", name="Add the entry").click()
    page.wait_for_function("() => window.__samePage === undefined")
    page.locator(f"[data-usage='{course.logbook}']").get_by_text("Went smoothly.").wait_for()

    # Video: passing 90% of the duration reports "watched" once.
    page.evaluate(
        """(key) => {
            const video = document.querySelector(`[data-usage="${key}"] video`);
            Object.defineProperty(video, 'duration', {value: 100});
            Object.defineProperty(video, 'currentTime', {value: 50, writable: true});
            video.dispatchEvent(new Event('timeupdate'));
            video.currentTime = 91;
            video.dispatchEvent(new Event('timeupdate'));
        }""",
        course.video,
    )
    page.locator(f"[data-usage='{course.video}'] .tot-video-status").get_by_text("You have watched").wait_for()
    assert fresh_state(course.video, course.learner.id)["watched"] is True


def test_assessor_signs_off_through_javascript(browser, server, course):
    path = f"/assess/cohort/{course.cohort_id}/learner/{course.learner.id}/{course.checklist}"
    page = open_as(browser, server, course.instructor, path)
    assert block_violations(page, "html") == []  # the assessor's pages are ours entirely
    block = page.locator(f"[data-usage='{course.checklist}']")
    block.locator("input[name=result-hygiene][value=met]").check()
    block.locator("input[name=level][value='4']").check()
    block.get_by_role("button", name="Sign off").click()
    alert = block.locator("[role=alert]")
    alert.wait_for()
    assert "Keeps the site aseptic" in alert.inner_text()
    assert "signoff" not in fresh_state(course.checklist, course.learner.id)

    block.locator("input[name=result-asepsis][value=met]").check()
    block.locator("textarea[name=comment]").fill("Safe and confident.")
    block.get_by_role("button", name="Sign off").click()
    page.locator(f"[data-usage='{course.checklist}'] .tot-signoff-competent").wait_for()
    assert "Safe and confident." in page.locator(".tot-signoff").inner_text()
    signoff = fresh_state(course.checklist, course.learner.id)["signoff"]
    assert signoff["competent"] is True and signoff["signed_off_by"] == "Jean Instructor"

    for other in ("/assess/", f"/assess/cohort/{course.cohort_id}"):
        page.goto(other)
        assert block_violations(page, "html") == [], other
    assert "Signed off" in page.locator("table").inner_text()
