"""Pre-tests and post-tests in Chromium against the real server (issue 21, "Done means: Browser journeys").

* **The whole way through** (TOT-ELEC-101, a learner just enrolled): the modules are locked behind the
  pre-test (the outline says so, and so does a locked unit's page); the learner takes it, every question
  marked saved as it is given or by "Save and next" (which moves the focus on), the count of saved answers
  following; the result gives the score, pass or not and the marks per competency; the modules open; the
  learner completes each through its blocks (text and files seen, the video marked watched, the poll, the
  "done" switch, the survey); the post-test opens and is taken, its essay rewritten and submitted at once;
  the essay (as rewritten) waits for the trainer, who grades it from the grading queue; the learner then
  sees the post-test's score, pass or not, marks per competency and the trainer's comment.
* **Without JavaScript** (HOSP-NRP-201, the demo's nurse who has not taken the pre-test): the same pre-test
  question by question with "Save and next", the page opening at the next question and saying how many
  answers are saved and that this one is; submit; the result; the modules open.
* **Offline** (TOT-ELEC-101, another new learner): with the connection cut, two answers (the first changed
  again) are kept in the browser and the page says so; the server has none; Submit keeps the attempt open;
  back online, each question's latest change is sent once, in the order kept, and the server (its database
  and the JSON API, through the learner's own token) has both; the page opened again shows them saved.

axe-core (WCAG 2.1 A/AA) runs on every page the learner and the trainer visit, at 1280 px, and at 360 px for
the outline, the assessment pages and the grading page (nothing scrolls sideways there). The pages without
JavaScript are checked as the script-less browser built them (``check_a11y_as_seen_without_scripts``).

The module has a demo server of its own: its learners' attempts and completions would otherwise change
what the journeys sharing the session's server see (the course's progress, the cohort's results).
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.conftest import _lms, _server_environment, serve_demo
from tests.e2e.test_courseware_journey import use_english
from tests.e2e.test_phone_unit_journey import check_a11y_as_seen_without_scripts

PERSON = {person.key: person for person in PEOPLE}
COURSE = "TOT-ELEC-101"
HOSPITAL_COURSE = "HOSP-NRP-201"
COHORT = "IPRC Huye — Industrial Electricity ToT"
PASSWORD = "tot-e2e-learner-pass"
NEW_LEARNERS = {"journey": "e2e.journey@demo.example", "offline": "e2e.offline@demo.example"}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE_WIDTH = 360
PHONE = {"viewport": {"width": PHONE_WIDTH, "height": 740}, "is_mobile": True, "has_touch": True}
SAVED = "Saved."
KEPT_OFFLINE = "Saved on this device: it will be sent when the connection is back."
ESSAY = "Identify the circuit, isolate, lock off and tag, prove dead, and prove the tester again."


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, browser):
    """This module's own demo server (see the module docstring), with two new learners in a TOT-ELEC-101
    cohort: accounts made with ``lms create-user`` as an admin would, enrolled by the admin on the cohort's
    page."""
    with serve_demo(tmp_path_factory.mktemp("e2e-assessments")) as server:
        env = _server_environment(server.instance, server.url)
        with ThreadPoolExecutor() as pool:  # each is a process of its own: side by side
            made = [
                pool.submit(
                    _lms,
                    "create-user",
                    "--email",
                    email,
                    "--name",
                    f"E2E {key} learner",
                    "--password",
                    PASSWORD,
                    env=env,
                )
                for key, email in NEW_LEARNERS.items()
            ]
        for future in made:
            future.result()  # a failure fails the setup here, with lms's output
        (cohort_id,) = server.query("SELECT id FROM cohort WHERE name = ?", COHORT)[0]
        context = browser.new_context(base_url=server.url)
        try:
            page = context.new_page()
            admin = PERSON["admin"]
            page.goto("/login")
            page.fill("input[name=email]", admin.email)
            page.fill("input[name=password]", admin.password)
            page.locator("main form [type=submit]").click()
            for email in NEW_LEARNERS.values():
                page.goto(f"/cohorts/{cohort_id}")
                enroll = page.locator("form[action$='/enroll']")
                enroll.locator("input[name=email]").fill(email)
                enroll.locator("[type=submit]").click()
                expect(page.locator(".flash")).to_contain_text("enrolled")
        finally:
            context.close()
        yield server


# --- helpers ----------------------------------------------------------------------------------------------


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))


def answer(form, text: str = "3", leave: bool = True, choice: int = 0) -> None:
    """Answer a question whatever its type, as a person would: option ``choice`` and box ``choice``, a number
    or words in a text field (leaving it with Tab, which is when a browser says it changed, unless ``leave``
    is false), and a different position or match in each list (shifted by ``choice``)."""
    radios, boxes = form.locator("input[type=radio]"), form.locator("input[type=checkbox]")
    if radios.count():
        radios.nth(choice).check()
    if boxes.count():
        boxes.nth(choice).check()
    for field in form.locator("input[type=text], textarea").all():
        field.fill(text if field.evaluate("e => e.tagName") == "INPUT" else "I isolate, lock off and prove dead.")
        if leave:
            field.press("Tab")
    for index, select in enumerate(form.locator("select").all()):
        select.select_option(index=min(index + 1 + choice, select.locator("option").count() - 1))


def scored_questions(page):
    """The questions that take an answer (a description has no Save button)."""
    return page.locator("form.question:has(button[type=submit])")


def fits(page, width: int) -> None:
    wide = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert wide <= width, f"{page.url} scrolls sideways at {width} px: {wide} px wide"


def check_at_both_widths(page, check_a11y) -> None:
    """axe at 1280 px, then at 360 px with no sideways scroll, and back to 1280 px."""
    check_a11y(page)
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    try:
        fits(page, PHONE_WIDTH)
        check_a11y(page)
    finally:
        page.set_viewport_size(LAPTOP["viewport"])


def unit_links(page, code: str) -> dict[str, str]:
    """The outline's open units: title → address."""
    page.goto(f"/learn/{code}/")
    return {link.inner_text().strip(): link.get_attribute("href") for link in page.locator("ol.units a").all()}


def locked_modules(page) -> list[str]:
    return [
        section.locator("h2").inner_text()
        for section in page.locator("section.module").all()
        if section.locator(".badge-warn").count()
    ]


def attempt_of(server, email: str, code: str, kind: str) -> tuple[int, str, float | None]:
    rows = server.query(
        "SELECT a.id, a.state, a.mark * 100.0 / a.max_mark FROM assessment_attempt a JOIN user u ON u.id = a.user_id"
        " JOIN course c ON c.id = a.course_id WHERE u.email = ? AND c.code = ? AND a.kind = ?",
        email,
        code,
        kind,
    )
    assert len(rows) == 1, rows
    return rows[0]


def stored_answers(server, attempt_id: int) -> dict[int, tuple[str | None, int]]:
    """slot → (the stored response as JSON text, its sequence)."""
    rows = server.query("SELECT slot, response, sequence FROM attempt_answer WHERE attempt_id = ?", attempt_id)
    return {slot: (response, sequence) for slot, response, sequence in rows}


def expect_result(page, server, email: str, code: str, kind: str) -> None:
    """The result on the assessment's page: the score the server computed, pass or not at its 60 %, and the
    marks per competency (the learning outcome of each question's category), as the server has them."""
    attempt_id, state, percent = attempt_of(server, email, code, kind)
    assert state == "submitted" and percent is not None
    review = page.locator(".assessment .review")
    expect(review).to_contain_text(f"Your score: {percent:.0f}%")
    expect(review).to_contain_text("Passed." if percent >= 60 else "Not passed yet.")
    rows = server.query(
        "SELECT c.outcome, SUM(aa.fraction * aa.max_mark), SUM(aa.max_mark) FROM attempt_answer aa"
        " JOIN question_version v ON v.id = aa.version_id JOIN question q ON q.id = v.question_id"
        " JOIN question_category c ON c.id = q.category_id WHERE aa.attempt_id = ? GROUP BY c.outcome",
        attempt_id,
    )
    assert len(rows) >= 3, rows  # the demo's blueprints span several outcomes
    expect(review.locator("h4")).to_have_text("Your score by competency")
    shown = review.locator("ul.competencies > li")
    expect(shown).to_have_count(len(rows))
    for outcome, earned, possible in rows:
        line = f"{outcome}: {round(earned, 2):g} of {possible:g} marks ({100 * earned / possible:.0f}%)"
        expect(shown.filter(has_text=f"{outcome}:")).to_have_text(re.compile(r"\s+".join(map(re.escape, line.split()))))


def complete_modules(page, units: dict[str, str], check_a11y) -> None:
    """Complete every module unit of TOT-ELEC-101 (all but the tests) through its blocks, as a learner does:
    the video marked watched, the poll and the survey answered, the "done" switch turned on."""
    for title, address in units.items():
        if title in ("What you know", "What you learnt"):
            continue
        page.goto(address)
        expect(page.locator("main h1")).to_have_text(title)
        video = page.locator("[data-block-type=video]")
        if video.count():
            video.get_by_role("button", name="Mark as watched").click()
            expect(video).to_contain_text("You have watched this video.")
        poll = page.locator("[data-block-type=poll]")
        if poll.count():
            poll.locator("input[type=radio]").first.check()
            poll.locator("button.submit").click()
            expect(poll.locator(".poll-results-wrapper")).to_be_visible()
        done = page.locator("[data-block-type=done]")
        if done.count():
            with page.expect_response(re.compile(r"/handler/.*toggle_button")):
                done.locator("label").first.click()
        survey = page.locator("[data-block-type=survey]")
        if survey.count():
            for row in survey.locator("tr.survey-row").all():
                row.locator("input[type=radio]").first.check()
            survey.locator("button.submit").click()
            expect(survey.locator(".poll-results-wrapper")).to_be_visible()
        check_a11y(page)


# --- 1. the whole way through, with JavaScript ---------------------------------------------------------------


def test_pre_test_opens_the_modules_and_completing_them_opens_the_post_test(
    new_context, login, check_a11y, demo_server
):
    email = NEW_LEARNERS["journey"]
    page = new_context(**LAPTOP).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, email, PASSWORD)

    # --- locked behind the pre-test -------------------------------------------------------------------
    units = unit_links(page, COURSE)
    assert list(units) == ["What you know"], units  # only the pre-test's unit is a link
    assert locked_modules(page) == [
        "Competency-based training",
        "Safe isolation of electrical circuits",
        "Assessing trainees",
        "Final assessment: post-test",
    ]
    expect(page.locator(".badge-warn").first).to_contain_text("Take the pre-test “Pre-test” first")
    check_at_both_widths(page, check_a11y)

    # --- the pre-test ---------------------------------------------------------------------------------
    page.goto(units["What you know"])
    expect(page.locator(".assessment .rules")).to_contain_text("A pre-test: one attempt.")
    check_a11y(page)
    page.locator(".unit-nav a[rel=next]").click()  # the next unit, in a locked module: it says why, not what
    expect(page.locator("main .callout")).to_contain_text("Take the pre-test “Pre-test” first")
    expect(page.locator("main h1")).to_have_text("Competency-based training")
    check_a11y(page)
    page.go_back()
    page.get_by_role("button", name="Start", exact=True).click()
    questions = scored_questions(page)
    expect(questions.first).to_be_visible()
    expect(page.locator(".xblock-initialized[data-block-type=assessment]")).to_have_count(1)  # its script runs
    check_at_both_widths(page, check_a11y)
    count = questions.count()
    assert count == 9  # the demo's blueprint: 3 + 2 + 2 + 2
    for index in range(count):
        form = questions.nth(index)
        if index % 2:
            answer(form)  # saved as it is given
        else:  # saved by its button, which moves on to the next question without reloading the page
            answer(form, leave=False)
            form.get_by_role("button", name="Save" if index == count - 1 else "Save and next", exact=True).click()
            following = questions.nth(index + 1) if index < count - 1 else page.locator("form.submit-attempt")
            expect(following.locator("input:not([type=hidden]), select, textarea, button").first).to_be_focused()
        expect(form.locator(".answer-state")).to_have_text(SAVED)
    # The count the server wrote when the page opened follows the saves.
    expect(page.locator(".assessment .attempt-status")).to_contain_text(f"{count} of {count} questions answered")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".assessment .review")).to_be_visible()
    expect_result(page, demo_server, email, COURSE, "pre")
    expect(page.locator(".assessment .review")).to_contain_text("The right answers are shown after your post-test.")
    check_at_both_widths(page, check_a11y)

    # --- the modules are open; the learner completes each through its blocks --------------------------------
    units = unit_links(page, COURSE)
    assert locked_modules(page) == []
    check_a11y(page)
    complete_modules(page, units, check_a11y)

    # --- the post-test ----------------------------------------------------------------------------------
    page.goto(f"/learn/{COURSE}/")
    for module in ("Competency-based training", "Safe isolation of electrical circuits", "Assessing trainees"):
        section = page.locator("section.module", has=page.locator("h2", has_text=module))
        expect(section.locator(".meta").first).to_have_text(re.compile(r"^(\d+) of \1 done$"))
    page.goto(units["What you learnt"])
    expect(page.locator(".assessment .locked")).to_have_count(0)  # every module is complete: it opens
    check_a11y(page)
    page.get_by_role("button", name="Start", exact=True).click()
    questions = scored_questions(page)
    expect(questions.first).to_be_visible()
    check_at_both_widths(page, check_a11y)
    assert questions.count() == 10  # the pre-test's blueprint and one essay
    for index in range(questions.count()):
        form = questions.nth(index)
        answer(form)
        expect(form.locator(".answer-state")).to_have_text(SAVED)
    # The learner rewrites the essay and submits at once, without leaving the text first: the change is saved
    # before the attempt is submitted (the browser reports it as the focus leaves, while Submit is pressed),
    # and the submission goes through.
    page.locator("form.question textarea").fill(ESSAY)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".assessment .review")).to_contain_text("Some answers are waiting for an assessor's grading.")
    check_at_both_widths(page, check_a11y)
    post_id, state, percent = attempt_of(demo_server, email, COURSE, "post")
    assert state == "submitted" and percent is None  # the essay waits for the trainer

    # --- the trainer grades the essay; the learner sees the result ------------------------------------------
    ((essay_id, max_mark),) = demo_server.query(
        "SELECT aa.id, aa.max_mark FROM attempt_answer aa JOIN question_version v ON v.id = aa.version_id"
        " WHERE aa.attempt_id = ? AND json_extract(v.definition, '$.type') = 'essay'",
        post_id,
    )
    trainer = new_context(**LAPTOP).new_page()
    author = PERSON["author"]
    login(trainer, author.email, author.password)
    use_english(trainer)  # the demo author reads French
    trainer.goto("/assessments/grading")
    expect(trainer.locator(f"a[href$='/grading/{essay_id}']")).to_have_count(1)  # in the trainer's queue
    check_a11y(trainer)
    trainer.locator(f"a[href$='/grading/{essay_id}']").click()
    expect(trainer.locator("main blockquote")).to_contain_text(ESSAY)
    check_at_both_widths(trainer, check_a11y)
    trainer.fill("#score", f"{max_mark:g}")
    trainer.fill("#comment", "Clear and in the right order.")
    trainer.locator("main form [type=submit]").click()
    expect(trainer.locator(".flash")).to_be_visible()

    page.reload()
    expect_result(page, demo_server, email, COURSE, "post")
    expect(page.locator(".assessment .review")).to_contain_text("Clear and in the right order.")
    check_at_both_widths(page, check_a11y)
    assert errors == []


# --- 2. the pre-test without JavaScript -----------------------------------------------------------------------


def test_pre_test_question_by_question_without_javascript(new_context, check_a11y, demo_server):
    nurse = PERSON["nurse.butaro"]
    page = new_context(java_script_enabled=False, **LAPTOP).new_page()
    axe_laptop = new_context(**LAPTOP).new_page()
    axe_phone = new_context(**PHONE).new_page()

    def check(page) -> None:
        check_a11y_as_seen_without_scripts(page, axe_laptop, check_a11y)
        check_a11y_as_seen_without_scripts(page, axe_phone, check_a11y)
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
        try:
            fits(page, PHONE_WIDTH)
        finally:
            page.set_viewport_size(LAPTOP["viewport"])

    log_in(page, nurse.email, nurse.password)
    units = unit_links(page, HOSPITAL_COURSE)
    assert list(units) == ["What you know"], units
    assert locked_modules(page) == ["The golden minute", "Bag-mask ventilation", "Final assessment: post-test"]
    check(page)

    page.goto(units["What you know"])
    page.get_by_role("button", name="Start", exact=True).click()
    questions = scored_questions(page)
    count = questions.count()
    assert count == 11  # the demo's blueprint: 2 + 3 + 3 + 2 + 1
    status = page.locator(".assessment .attempt-status")
    expect(status).to_contain_text(f"0 of {count} questions answered and saved.")
    check(page)
    section_id = page.locator("section.assessment.attempt").get_attribute("id")
    for index in range(count):
        form = questions.nth(index)
        expect(form.locator(".answer-state")).to_have_text("Not answered yet.")
        slot = int(form.get_attribute("data-slot"))
        answer(form, leave=False)
        last = index == count - 1
        button = form.get_by_role("button", name="Save" if last else "Save and next", exact=True)
        button.click()  # a plain form post; the server sends the page back, opened at the next question
        expect(page).to_have_url(re.compile(rf"#{section_id}-q{slot + 1}$" if not last else rf"#{section_id}"))
        expect(status).to_contain_text(f"{index + 1} of {count} questions answered and saved.")
        expect(page.locator(f"form.question[data-slot='{slot}'] .answer-state")).to_have_text(SAVED)
        if index == count // 2:
            check(page)  # half answered: the saved and the unanswered side by side
    attempt_id, _, _ = attempt_of(demo_server, nurse.email, HOSPITAL_COURSE, "pre")
    answers = stored_answers(demo_server, attempt_id)
    assert all(response not in (None, "null") for response, _ in answers.values()), answers

    page.get_by_role("button", name="Submit my answers").click()
    expect_result(page, demo_server, nurse.email, HOSPITAL_COURSE, "pre")
    check(page)
    unit_links(page, HOSPITAL_COURSE)
    assert locked_modules(page) == []


# --- 3. offline, with JavaScript ------------------------------------------------------------------------------


def test_answers_given_offline_are_kept_and_sent_once_in_order(new_context, check_a11y, demo_server):
    email = NEW_LEARNERS["offline"]
    context = new_context(**LAPTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, email, PASSWORD)
    unit = unit_links(page, COURSE)["What you know"]
    page.goto(unit)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator(".xblock-initialized[data-block-type=assessment]")).to_have_count(1)  # the script runs
    attempt_id, _, _ = attempt_of(demo_server, email, COURSE, "pre")

    sent: list[dict] = []

    def record(response) -> None:
        request = response.request
        if request.method == "POST" and "/answer/" in request.url:
            sent.append({**request.post_data_json, "status": response.status})

    page.on("response", record)
    first, second = page.locator("form.question[data-slot='1']"), page.locator("form.question[data-slot='2']")

    def queue() -> list[dict]:
        return page.evaluate(f"() => JSON.parse(localStorage.getItem('tot-assessment-queue-{attempt_id}') || '[]')")

    context.set_offline(True)
    answer(first, text="2")
    before = {change["slot"]: change for change in queue()}[1]
    answer(second, text="2")
    answer(first, text="5", choice=1)  # changed while still offline: only this later answer may reach the server
    for form in (first, second):
        expect(form.locator(".answer-state")).to_have_text(KEPT_OFFLINE)
    expect(page.locator(".assessment .save-status")).to_have_text(KEPT_OFFLINE)
    kept = queue()
    assert [change["slot"] for change in kept] == [2, 1], kept  # one change per question, in the order given
    assert kept[1]["sequence"] > before["sequence"] and kept[1]["answer"] != before["answer"], (before, kept)
    stored = stored_answers(demo_server, attempt_id)
    assert stored[1] == (None, 0) and stored[2] == (None, 0), stored  # the server has nothing yet
    assert sent == []
    # Submitting now would lose them: the page keeps the attempt open and says why.
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".assessment .save-status")).to_have_text(KEPT_OFFLINE)
    expect(first).to_be_visible()  # still the attempt's page, not the browser's "no connection" page
    assert attempt_of(demo_server, email, COURSE, "pre")[1] == "in_progress"
    check_at_both_widths(page, check_a11y)

    context.set_offline(False)
    for form in (first, second):
        expect(form.locator(".answer-state")).to_have_text(SAVED)
    expect(page.locator(".assessment .save-status")).to_have_text(SAVED)
    assert queue() == []
    expect(page.locator(".assessment .attempt-status")).to_contain_text("2 of 9 questions answered and saved.")

    # Each question's change went once, in the order kept, and was accepted; the server holds both, at the
    # sequence the browser gave them: the first question's later answer, not the one it replaced.
    assert [(change["slot"], change["sequence"], change["answer"], change["status"]) for change in sent] == [
        (change["slot"], change["sequence"], change["answer"], 200) for change in kept
    ], (sent, kept)
    stored = stored_answers(demo_server, attempt_id)
    for change in kept:
        response, sequence = stored[change["slot"]]
        assert response is not None and sequence == change["sequence"], (change, stored)
    # … and so says the JSON API, to the learner's own personal access token made on the profile page.
    page.goto("/profile")
    page.locator("form[action$='/profile/tokens'] input[name=name]").fill("my answers")
    page.locator("form[action$='/profile/tokens'] [type=submit]").click()
    token = page.locator("#new-token").inner_text().strip()
    api = page.request.get(f"/api/v1/attempts/{attempt_id}", headers={"Authorization": f"Bearer {token}"})
    assert api.ok, api.status
    by_slot = {row["slot"]: row for row in api.json()["answers"]}
    assert len(api.json()["answers"]) == 9 and sorted(by_slot) == list(range(1, 10))  # each question once
    for slot, (response, _) in stored.items():
        assert by_slot[slot]["response"] == (json.loads(response) if response is not None else None)
    assert by_slot[1]["response"] not in (None, "", [], {}) and by_slot[2]["response"] not in (None, "", [], {})

    # The page opened again shows the answers as the server has them.
    page.goto(unit)
    for slot in (1, 2):
        expect(page.locator(f"form.question[data-slot='{slot}'] .answer-state")).to_have_text(SAVED)
    expect(page.locator(".assessment .attempt-status")).to_contain_text("2 of 9 questions answered and saved.")
    assert errors == []
