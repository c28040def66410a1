"""Certificates in Chromium against the real server (issue 22, "Done means: Browser journeys").

A learner just enrolled in TOT-ELEC-101 goes the whole way: the outline says what the certificate still
needs; the pre-test; every module through its blocks; the post-test, passed (its essay graded by the trainer
from the grading queue). The certificate is then issued on its own (the grade is the fact that made the
learner eligible): the outline says so and links to it; the learner opens it from *My certificates* and
downloads the PDF, which carries the signed credential. A verifier, not logged in, on a phone, types the code
on the verification page and sees VALID; an admin finds the certificate and revokes it with a reason; the
verifier checks again and sees REVOKED with the date and the reason.

The assessment pages' own controls are driven by ``test_assessment_journeys``; here the learner's answers go
to the assessment block's handler as its page sends them (``fetch`` in the learner's page, the learner's
session), the post-test's answers right (``assessments.demo``'s answer maker, from each drawn question's
definition in the server's database): the journey is about what passing leads to, and must pass for sure.

axe-core (WCAG 2.1 A/AA) runs on every page of the certificate's path, at 1280 px and, for the verification
page, at 360 px. The module has a demo server of its own: its certificate and revocation must not show in
the other journeys' pages.
"""

from __future__ import annotations

import json
import random
import re

import pytest
from playwright.sync_api import expect

from assessments.demo_learners import response as right_answer
from certificates.vc.containers import credential_from_bytes
from tests.e2e.conftest import _lms, _server_environment, serve_demo
from tests.e2e.test_assessment_journeys import (
    COHORT,
    COURSE,
    LAPTOP,
    PERSON,
    PHONE,
    attempt_of,
    complete_modules,
    log_in,
    unit_links,
)
from tests.e2e.test_courseware_journey import use_english

EMAIL = "e2e.certificate@demo.example"
NAME = "Mukamana Éloïse"
PASSWORD = "tot-e2e-learner-pass"
REASON = "Assessment taken by someone else"


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, browser):
    with serve_demo(tmp_path_factory.mktemp("e2e-certificates")) as server:
        env = _server_environment(server.instance, server.url)
        _lms("create-user", "--email", EMAIL, "--name", NAME, "--password", PASSWORD, env=env)
        (cohort_id,) = server.query("SELECT id FROM cohort WHERE name = ?", COHORT)[0]
        context = browser.new_context(base_url=server.url)
        try:
            page = context.new_page()
            admin = PERSON["admin"]
            log_in(page, admin.email, admin.password)
            page.goto(f"/cohorts/{cohort_id}")
            enroll = page.locator("form[action$='/enroll']")
            enroll.locator("input[name=email]").fill(EMAIL)
            enroll.locator("[type=submit]").click()
            expect(page.locator(".flash")).to_contain_text("enrolled")
        finally:
            context.close()
        yield server


def take_test(page, server, address: str, kind: str, right: bool) -> int:
    """Start the test on its page, answer every question through the block's handler, submit on the page."""
    page.goto(address)
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.locator("form.question").first).to_be_visible()
    attempt_id, _state, _percent = attempt_of(server, EMAIL, COURSE, kind)
    prefix = page.locator("[data-block-type=assessment]").first.get_attribute("data-handler-prefix")
    rows = server.query(
        "SELECT aa.slot, v.definition FROM attempt_answer aa JOIN question_version v ON v.id = aa.version_id"
        " WHERE aa.attempt_id = ? ORDER BY aa.slot",
        attempt_id,
    )
    rng = random.Random(7)
    for sequence, (slot, definition) in enumerate(rows, start=1):
        raw = right_answer(json.loads(definition), right, rng)
        if raw is None:  # a description: nothing to answer
            continue
        status = page.evaluate(
            """async ([url, body]) => (await fetch(url, {method: "POST", body: JSON.stringify(body),
                headers: {"Content-Type": "application/json"}})).status""",
            [prefix + "answer/", {"attempt": attempt_id, "slot": slot, "answer": raw, "sequence": sequence}],
        )
        assert status == 200, (slot, status)
    page.reload()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.locator(".assessment .review")).to_be_visible()
    return attempt_id


def grade_the_essay(new_context, login, server, attempt_id: int) -> None:
    ((essay_id, max_mark),) = server.query(
        "SELECT aa.id, aa.max_mark FROM attempt_answer aa JOIN question_version v ON v.id = aa.version_id"
        " WHERE aa.attempt_id = ? AND json_extract(v.definition, '$.type') = 'essay'",
        attempt_id,
    )
    trainer = new_context(**LAPTOP).new_page()
    author = PERSON["author"]
    login(trainer, author.email, author.password)
    use_english(trainer)
    trainer.goto(f"/assessments/grading/{essay_id}")
    trainer.fill("#score", f"{max_mark:g}")
    trainer.fill("#comment", "Complete and in order.")
    trainer.locator("main form [type=submit]").click()
    expect(trainer.locator(".flash")).to_be_visible()


def test_a_learner_earns_a_certificate_a_verifier_checks_it_an_admin_revokes_it(
    new_context, login, check_a11y, demo_server
):
    page = new_context(**LAPTOP).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, EMAIL, PASSWORD)

    # --- the outline says what the certificate needs ------------------------------------------------------
    page.goto(f"/learn/{COURSE}/")
    panel = page.locator("section[aria-labelledby=panel-certificate]")
    expect(panel).to_contain_text("What the certificate still needs")
    check_a11y(page)

    # --- pre-test, modules, post-test ---------------------------------------------------------------------
    units = unit_links(page, COURSE)
    take_test(page, demo_server, units["What you know"], "pre", right=False)
    units = unit_links(page, COURSE)
    complete_modules(page, units, check_a11y)
    post_id = take_test(page, demo_server, units["What you learnt"], "post", right=True)
    grade_the_essay(new_context, login, demo_server, post_id)
    _attempt, _state, percent = attempt_of(demo_server, EMAIL, COURSE, "post")
    assert percent == 100.0

    # --- the certificate, issued on its own after the grade ------------------------------------------------
    # The grade's request answered first; the job issuing the certificate runs after it (the outline says
    # "being prepared" meanwhile): the learner reloads, as the page asks.
    page.goto(f"/learn/{COURSE}/")
    for _ in range(40):
        if "Certificate earned" in panel.inner_text():
            break
        expect(panel).to_contain_text("being prepared")
        page.wait_for_timeout(250)
        page.reload()
    expect(panel).to_contain_text("Certificate earned")
    check_a11y(page)
    page.goto("/certificates/")
    expect(page.locator("main")).to_contain_text("Industrial Electricity")
    check_a11y(page)
    page.locator("main ul.cards a").first.click()
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main dl")).to_contain_text(NAME)
    check_a11y(page)
    code = re.search(r"/certificates/([0-9A-Z*~$=]+)$", page.url).group(1)
    pdf = page.request.get(f"/certificates/{code}/certificate.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    ((stored,),) = demo_server.query("SELECT credential FROM certificate WHERE code = ?", code)
    assert credential_from_bytes(pdf.body()) == json.loads(stored)  # the signed credential travels inside
    share = page.locator("main a[href*='/v/']").first.get_attribute("href")
    assert share.endswith(f"/v/{code}")

    # --- a verifier checks it, on a phone, without logging in ------------------------------------------------
    verifier = new_context(**PHONE).new_page()
    verifier.goto("/verify")
    verifier.fill("#verify-code", code.lower())
    verifier.locator("main form [type=submit]").first.click()
    expect(verifier.locator("main")).to_contain_text("VALID")
    expect(verifier.locator("main")).to_contain_text(NAME)
    check_a11y(verifier)

    # --- an admin revokes it ---------------------------------------------------------------------------------
    admin = new_context(**LAPTOP).new_page()
    login(admin, PERSON["admin"].email, PERSON["admin"].password)
    use_english(admin)
    admin.goto("/admin/certificates/")
    admin.fill("#q", code)
    admin.locator("form.search [type=submit]").click()
    admin.locator(f"a[href$='/admin/certificates/{code}']").click()
    check_a11y(admin)
    admin.fill("#reason", REASON)
    admin.get_by_role("button", name="Revoke the certificate").click()
    expect(admin.locator(".flash")).to_contain_text("revoked")
    check_a11y(admin)

    # --- the verifier sees REVOKED, with the date and the reason ------------------------------------------------
    verifier.reload()
    expect(verifier.locator("main")).to_contain_text("REVOKED")
    expect(verifier.locator("main")).to_contain_text(REASON)
    check_a11y(verifier)
    assert errors == []
