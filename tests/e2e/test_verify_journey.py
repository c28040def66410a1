"""A visitor verifies the demo's certificates on a phone: by code (with JavaScript and without), a revoked one,
and by uploading the signed credential; every page axe-clean."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_assessment_journeys import PHONE


def test_a_visitor_checks_codes_and_a_file_on_a_phone(new_context, demo_server, check_a11y, tmp_path):
    valid = demo_server.query("SELECT code FROM certificate WHERE state = 'valid' AND NOT superseded LIMIT 1")
    revoked = demo_server.query("SELECT code, revoke_reason FROM certificate WHERE state = 'revoked' LIMIT 1")
    assert valid and revoked, "the demo seeds issued certificates, one of them revoked"
    code, (revoked_code, reason) = valid[0][0], revoked[0]

    page = new_context(**PHONE).new_page()
    page.goto(f"/v/{code}")
    main = page.locator("main")
    expect(main.locator("#verdict")).to_contain_text("VALID")
    expect(main.locator("li.check")).to_have_count(5)
    check_a11y(page)

    page.goto(f"/v/{revoked_code}")
    expect(main.locator("#verdict")).to_contain_text("REVOKED")
    expect(main).to_contain_text(reason)
    check_a11y(page)

    # the signed credential, downloaded, then uploaded for the same checks
    credential = page.request.get(f"/certificates/{code}/credential.json")
    assert credential.ok
    path = tmp_path / "credential.json"
    path.write_bytes(credential.body())
    page.goto("/verify")
    page.set_input_files("#credential-file", str(path))
    page.locator("main form[enctype] [type=submit]").click()
    expect(main.locator("#verdict")).to_contain_text("VALID")
    check_a11y(page)

    # A mistyped code, typed in the box
    page.goto("/verify")
    page.fill("#verify-code", ("0" if code[0] != "0" else "1") + code[1:])
    page.locator("main form.verify-box [type=submit]").click()
    expect(main).to_contain_text("This code has a typo")
    check_a11y(page)

    # Without JavaScript the checklist is all there
    plain = new_context(**PHONE, java_script_enabled=False).new_page()
    plain.goto(f"/v/{code}")
    expect(plain.locator("main li.check")).to_have_count(5)
    expect(plain.locator("main #verdict")).to_contain_text("VALID")
