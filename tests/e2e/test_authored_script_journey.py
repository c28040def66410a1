"""Issue 19, finding 1 in a real browser: an author's script never runs in an admin's studio.

The review's attack, on a server whose admin has allowed ``html_demo`` (the xblock-sdk sample that shows
its HTML as it is; off by default): an author puts a ``<script>`` and an ``onerror`` attribute in a unit,
then an admin opens the unit in the studio and its learner preview. The block shows the author's
paragraph, and neither script runs (the page's policy allows only the blocks' own JavaScript, by hash),
while the package JavaScript of ``thumbs`` and ``poll`` on the same pages still starts and works.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.demo import PEOPLE
from lms.xblock_host.registry import BlockTypes
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, serve_demo

PERSON = {person.key: person for person in PEOPLE}
CODE = "E2E-XSS"
ATTACK = (
    '<p id="authored">Read this first.</p>'
    "<script>document.title = 'pwned'; document.body.setAttribute('data-pwned', 'script');</script>"
    '<img src="/nowhere.png" alt="" onerror="document.body.setAttribute(\'data-pwned\', \'onerror\')">'
)


@pytest.fixture(scope="module")
def opted_in_server(tmp_path_factory):
    """The demo server with html_demo listed in LMS_XBLOCK_ALLOWLIST beside every type allowed by default."""
    listed = ",".join([*BlockTypes(None).allowed_types(), "html_demo"])
    with serve_demo(tmp_path_factory.mktemp("e2e-opted-in"), LMS_XBLOCK_ALLOWLIST=listed) as server:
        yield server


@pytest.fixture
def open_page(browser, opted_in_server):
    contexts = []

    def open_one():
        context = browser.new_context(base_url=opted_in_server.url)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def log_in(page, person) -> None:
    page.goto("/login")
    page.fill("input[name=email]", person.email)
    page.fill("input[name=password]", person.password)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))


def add_component(page, block_type: str) -> None:
    page.check(f"#kind-{block_type}")
    page.locator("#add-component [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/blocks/.*{re.escape(block_type)}.*/edit$"))


def test_an_admin_opening_an_authored_script_in_the_studio_runs_none_of_it(open_page, check_a11y):
    # --- the author writes the attack into a unit ----------------------------------------------------------
    author = open_page()
    log_in(author, PERSON["author"])
    author.goto("/studio/new")
    author.fill("#code", CODE)
    author.fill("#title", "Safety habits")
    author.select_option("#language", "en")
    author.locator("main form [type=submit]").first.click()
    expect(author).to_have_url(re.compile(rf"/studio/courses/{CODE}/$"))
    for name in ("Habits", "Daily checks", "Read first"):  # module, lesson, unit
        form = author.locator("form.add-form").last if name == "Habits" else author.locator("form.add-form").first
        form.locator("input[name=display_name]").fill(name)
        form.locator("[type=submit]").click()
    expect(author).to_have_url(re.compile(rf"/studio/courses/{CODE}/unit/"))
    unit_url = author.url

    add_component(author, "html_demo")  # no editor of its own: the generated form
    author.fill("[name=content]", ATTACK)
    author.locator("main form [type=submit]").first.click()
    expect(author).to_have_url(unit_url)
    add_component(author, "thumbs")
    author.goto(unit_url)
    add_component(author, "poll")  # poll's own editor: Handlebars (eval) and onclick="return false;"
    expect(author.locator("input[name^=answer-label-]").first).to_be_visible()  # drawn from its handler's answer
    author.fill("#poll-question-editor", "Which glove protects from shock?")
    documents: list[str] = []
    author.on("request", lambda request: documents.append(request.url) if request.resource_type == "document" else None)
    author.locator("#poll-submit-options").click()
    expect(author).to_have_url(unit_url)  # saved through its handler, then back to the unit
    assert documents == [unit_url]  # and nothing else: the form's own submission stayed prevented
    expect(author.locator("[data-block-type=poll]")).to_contain_text("Which glove protects from shock?")
    preview_url = unit_url.replace("/unit/", "/preview/")

    # --- an admin opens the unit in the studio and in the preview ------------------------------------------
    admin = open_page()
    refused: list[str] = []
    admin.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    errors: list[str] = []
    admin.on("pageerror", lambda error: errors.append(str(error)))
    log_in(admin, PERSON["admin"])
    for url in (unit_url, preview_url):
        refused.clear()
        admin.goto(url)
        admin.wait_for_load_state("load")
        expect(admin.locator("#authored")).to_have_text("Read this first.")  # the block shows it as it is
        expect(admin.locator("[data-block-type=thumbs]")).to_have_class(re.compile("xblock-initialized"))
        expect(admin.locator("[data-block-type=poll]")).to_have_class(re.compile("xblock-initialized"))
        expect(admin.locator(".xblock-failed")).to_have_count(0)
        assert admin.evaluate("() => document.body.getAttribute('data-pwned')") is None, url
        assert admin.title() != "pwned", url
        assert any("inline script" in text for text in refused), f"{url}: {refused}"
        assert any("inline event handler" in text for text in refused), f"{url}: {refused}"
        check_a11y(admin)
    # thumbs' own script works: a vote goes through its handler
    up = admin.locator("[data-block-type=thumbs] .upvote")
    with admin.expect_response(lambda r: "/handler/" in r.url and r.request.method == "POST") as reply:
        up.click()
    assert reply.value.status == 200
    expect(up.locator(".count")).to_have_text("1")
    assert errors == []
