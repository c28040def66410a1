"""Every item type's controls in a real browser (Debian's headless Chromium), on the site's own layout and
style sheet, with JavaScript off: axe-core finds no WCAG 2.1 A/AA violation, and what the browser's form
submits after a learner answers parses to the answers given. Skipped where no Chromium is installed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from assessments import items
from tests.assessments.helpers import ids_by_text
from tests.assessments.test_item_templates import TEMPLATES, samples
from tests.browser import AXE_SOURCE, CHROMIUM, MISSING

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]

PAGE = """{% extends "base.html" %}
{% block title %}Pre-test{% endblock %}
{% block head %}<style>{{ css }}</style>{% endblock %}
{% block content %}
<h1>Pre-test</h1>
<form method="post" action="/save" id="attempt">
  {% for include, context in questions %}{% with item=context.item, response=context.response, name=context.name,
     number=context.number %}{% include include %}{% endwith %}{% endfor %}
  <button type="submit">Save and next</button>
</form>
{% endblock %}"""


@pytest.fixture
def attempt_page(app):
    """The items of ``samples()`` (and a description) as one page, served by the test app's layout."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    env = app.jinja_env.overlay(loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES)), app.jinja_loader]))
    definitions = [definition for definition, _response in samples()]
    definitions.append(items.get("description").normalise({"stem": "<p>Read the case.</p>"}))
    questions = []
    for number, definition in enumerate(definitions, 1):
        item_type = items.get(definition["type"])
        shown = item_type.present(definition, random.Random(number))
        context = {"item": shown, "response": None, "name": f"q-{number}", "number": number}
        questions.append((item_type.template, context))
    with app.test_request_context("/attempt"):
        # The style sheet inline: the page is loaded without a server, and contrast is part of the check.
        css = (Path(__file__).resolve().parents[2] / "lms" / "static" / "lms.css").read_text(encoding="utf-8")
        html = env.from_string(PAGE).render(questions=questions, css=css)
    return definitions, html


def test_item_controls_pass_axe_and_submit_what_the_learner_chose(browser, attempt_page):
    definitions, html = attempt_page
    assert "<script" not in html.split("<main", 1)[1]  # nothing for a browser to run: the form is plain HTML
    # axe-core runs on timers, which a page without JavaScript never fires: it checks a copy with it on.
    checked = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    checked.set_content(html)
    checked.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    result = checked.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"""
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == []

    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.set_content(html)

    single, multiple, true_false, short, numeric, matching, ordering, fill_in, essay, _description = definitions
    page.get_by_label("Neutral").check()
    page.get_by_label("Isolate the supply").check()
    page.get_by_label("Prove it dead").check()
    page.locator("#q-3-false").check()
    page.locator("#q-4-text").fill("  kigali ")
    page.locator("#q-5-number").fill("3,14")
    sub, ans = ids_by_text(matching["subquestions"]), ids_by_text(matching["answers"])
    page.get_by_role("combobox", name="Brown").select_option(label="Phase")
    page.get_by_role("combobox", name="Blue").select_option(label="Earth")
    for position, text in enumerate(("Isolate", "Lock", "Test", "Earth"), 1):
        page.get_by_role("combobox", name=text).select_option(label=str(position))
    page.get_by_role("combobox", name="Gap 1").select_option(label="13 A")
    page.get_by_role("textbox", name="Gap 2").fill("Kigali")
    page.locator("#q-9-text").fill("Isolate, lock, test.")

    submitted = page.evaluate(
        """() => { const data = new FormData(document.getElementById('attempt'));
                   const out = {}; for (const [k, v] of data) { (out[k] = out[k] || []).push(v); } return out; }"""
    )
    assert "q-10" not in submitted  # a description sends nothing

    def score(number, definition):
        item_type = items.get(definition["type"])
        return item_type.score(definition, item_type.parse(definition, submitted.get(f"q-{number}", [])))

    assert score(1, single).fraction == 0.5
    assert score(2, multiple).fraction == 1
    assert score(3, true_false).fraction == 0  # the statement was true
    assert score(4, short).fraction == 1
    assert score(5, numeric).fraction == 1
    assert items.get("matching").parse(matching, submitted["q-6"]) == {
        sub["Brown"]: ans["Phase"],
        sub["Blue"]: ans["Earth"],
    }
    assert score(6, matching).fraction == pytest.approx(1 / 3)
    assert score(7, ordering).fraction == 1
    assert score(8, fill_in).fraction == 1
    assert score(9, essay).needs_grading
    assert items.get("essay").parse(essay, submitted["q-9"]) == "Isolate, lock, test."
