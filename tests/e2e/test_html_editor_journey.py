"""The html component's visual editor (Trix, vendored) in a real browser: the author adds a text component,
uses every format of the toolbar, saves; the stored HTML is exactly what the sanitiser keeps (it comes out
of ``clean_html`` unchanged), and learners' pages would show it as written. A text the editor cannot keep
(a table) opens as HTML in the textarea instead. The page runs no inline script and passes axe."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from courses.blocks.sanitize import clean_html
from lms.demo import PEOPLE
from tests.e2e.test_courseware_journey import use_english

PERSON = {person.key: person for person in PEOPLE}
COURSE = "HOSP-NRP-201"


def _draft_value(demo_server, key: str, field: str):
    rows = demo_server.query(
        "SELECT value FROM xblock_field WHERE branch = 'draft' AND block_key = ? AND field = ?", key, field
    )
    return json.loads(rows[0][0])


def test_author_formats_text_with_the_visual_editor(new_context, login, check_a11y, demo_server):
    author = PERSON["doctor"]
    page = new_context().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, author.email, author.password)
    use_english(page)
    page.goto(f"/studio/courses/{COURSE}/")
    page.locator("a[href*='/unit/']").first.click()
    page.check("#kind-html")
    page.fill("#display_name", "Formats")
    page.locator("#add-component [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/blocks/.*html.*/edit$"))
    key = re.search(r"/blocks/([^/]+)/edit", page.url).group(1)

    editor = page.locator("trix-editor")
    expect(editor).to_be_visible()
    expect(page.locator("textarea[name=data]")).to_be_hidden()
    expect(page.locator("[data-trix-button-group=file-tools]")).to_have_count(0)  # no attachments
    check_a11y(page)

    def button(name: str):
        return page.locator(f"trix-toolbar [data-trix-attribute={name}]")

    editor.click()
    page.keyboard.type("Plain ")
    for name, text in (("bold", "bold"), ("italic", "italic"), ("strike", "gone")):
        button(name).click()
        page.keyboard.type(text)
        button(name).click()
        page.keyboard.type(" ")
    button("href").click()
    page.locator("trix-toolbar input[name=href]").fill("https://www.who.int/")
    page.locator("trix-toolbar input[data-trix-method=setAttribute]").click()
    page.keyboard.press("End")
    for name, text in (("heading1", "Title"), ("quote", "Quoted"), ("code", "code()")):
        page.keyboard.press("Enter")
        button(name).click()
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
    for name in ("bullet", "number"):
        button(name).click()
        page.keyboard.type(f"{name} item")
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/studio/courses/{COURSE}/unit/"))

    stored = _draft_value(demo_server, key, "data")
    for tag in ("<strong>bold</strong>", "<em>italic</em>", "<del>gone</del>", "<h2>Title</h2>", "<blockquote>"):
        assert tag in stored, stored
    assert "<pre>" in stored and "<ul><li>" in stored and "<ol><li>" in stored, stored
    assert 'rel="noopener noreferrer"' in stored and "https://www.who.int/" in stored, stored
    assert clean_html(stored) == stored  # the sanitiser keeps every format exactly as the editor wrote it
    assert errors == []


def test_a_text_the_editor_cannot_keep_stays_html(new_context, login, demo_server):
    author = PERSON["doctor"]
    page = new_context().new_page()
    login(page, author.email, author.password)
    use_english(page)
    page.goto(f"/studio/courses/{COURSE}/")
    page.locator("a[href*='/unit/']").first.click()
    page.check("#kind-html")
    page.locator("#add-component [type=submit]").click()
    edit_url = page.url
    page.goto(edit_url)
    # Without the visual editor's script the textarea is the editor; put a table in and reopen.
    page.evaluate("document.querySelector('trix-editor').remove()")
    textarea = page.locator("textarea[name=data]")
    textarea.evaluate("t => { t.style.display = 'block'; t.value = '<table><tr><td>1</td></tr></table>'; }")
    page.locator("main form [type=submit]").first.click()
    page.goto(edit_url)
    expect(page.locator("trix-editor")).to_have_count(0)
    expect(textarea).to_be_visible()
    expect(page.locator("#data-editor-note")).to_be_visible()
