"""The learner's controls of each item type, rendered on the server from present() and the saved response:
accessible (a fieldset and legend, every control named for assistive technology), no key in the markup,
and plain form fields whose submitted values parse back to the response they show (no JavaScript)."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

from assessments import items
from tests.assessments.helpers import ids_by_text
from tests.assessments.test_item_types import checkboxes, gaps, numbers, pairs, single, steps, words

TEMPLATES = Path(items.__file__).resolve().parent.parent / "templates"


@pytest.fixture
def render(app):
    """``render(definition, response, **context)``: the type's template as the attempt page will include it
    (the assessments blueprint that serves these templates comes with the attempt pages)."""
    env = app.jinja_env.overlay(loader=ChoiceLoader([FileSystemLoader(str(TEMPLATES)), app.jinja_loader]))

    def run(definition, response=None, seed=5, **context):
        item_type = items.get(definition["type"])
        shown = item_type.present(definition, random.Random(seed))
        with app.test_request_context():
            return env.get_template(item_type.template).render(item=shown, response=response, **context)

    return run


class Form(HTMLParser):
    """What a browser would submit from the markup: the values of the successful controls, in document
    order, by name; and every control's accessible-name hooks."""

    def __init__(self, html: str):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self._select = None
        self._textarea = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.label_for.add(attrs["for"])
        if tag == "input":
            self.controls.append(attrs)
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.values.append((attrs["name"], attrs["value"]))
            else:
                self.values.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self.controls.append(attrs)
            self._select = {"name": attrs["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = attrs["value"]
            if "selected" in attrs:
                self._select["chosen"] = attrs["value"]
        elif tag == "textarea":
            self.controls.append(attrs)
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            chosen = self._select["chosen"] if self._select["chosen"] is not None else self._select["first"]
            self.values.append((self._select["name"], chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea[0], self._textarea[1]))
            self._textarea = None

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.values if key == name]


def unlabelled(form: Form) -> list[dict]:
    return [
        c
        for c in form.controls
        if c.get("id") not in form.label_for
        and "aria-label" not in c
        and not ("aria-labelledby" in c and c["aria-labelledby"] in form.ids)
    ]


def samples() -> list[tuple[dict, object]]:
    """Each type with a response a learner could have saved."""
    item = single()
    one = (item, ids_by_text(item["choices"])["Neutral"])
    item = checkboxes()
    ticked = (item, [c["id"] for c in item["choices"][:2]])
    item = pairs()
    sub, ans = ids_by_text(item["subquestions"]), ids_by_text(item["answers"])
    matched = (item, {sub["Brown"]: ans["Earth"], sub["Blue"]: ans["Neutral"]})
    item = steps()
    ordered = (item, {i["id"]: n for n, i in enumerate(reversed(item["items"]), 1)})
    item = gaps()
    filled = (item, {"1": ids_by_text(item["gaps"][0]["choices"])["30 A"], "2": "Kigali <b>& co</b>"})
    return [
        one,
        ticked,
        (items.get("true_false").normalise({"stem": "<p>Mains is 230 V.</p>", "answer": True}), False),
        (words(("Kigali", 1, "FB-k")), 'Huye "city" <i>'),
        (numbers({"value": 3.14, "tolerance": 0.01}), "3,14"),
        matched,
        ordered,
        filled,
        (items.get("essay").normalise({"stem": "<p>Explain.</p>", "max_words": 50}), "Line one\nLine </textarea> two"),
    ]


@pytest.mark.parametrize("index", range(len(samples())))
def test_controls_show_the_saved_response_and_submit_it_back(render, index):
    definition, response = samples()[index]
    item_type = items.get(definition["type"])
    html = render(definition, response, name="q-3", number=3)
    form = Form(html)
    assert form.controls and all(c["name"] == "q-3" for c in form.controls)
    assert item_type.parse(definition, form.getlist("q-3")) == response
    # Unanswered: what the browser submits parses to no answer at all.
    blank = Form(render(definition, None, name="q-3"))
    assert item_type.parse(definition, blank.getlist("q-3")) is None


@pytest.mark.parametrize("index", range(len(samples())))
def test_controls_are_labelled_in_a_fieldset_and_carry_no_key(render, index):
    definition, response = samples()[index]
    html = render(definition, response, name="q-7", number=7, error="Not saved: try again")
    assert re.search(r'<fieldset class="item" aria-describedby="[^"]*q-7-error', html)
    assert "<legend>Question 7</legend>" in html
    assert '<p class="error" id="q-7-error">Not saved: try again</p>' in html
    form = Form(html)
    assert unlabelled(form) == []
    assert len(form.ids) == len(re.findall(r'\bid="', html))  # ids unique in the item
    assert all(i.startswith("q-7-") for i in form.ids)
    for secret in ("FB-", "fraction", "feedback", "Kigali</", "3.14<", "answer_text"):
        assert secret not in html, secret


def test_every_template_escapes_what_learners_type_and_keeps_authored_html(render):
    definition, _response = samples()[3]
    html = render(definition, '"><script>alert(1)</script>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<p>The question?</p>" in html  # the stem is sanitised HTML, shown as such


def test_the_description_and_the_defaults(render):
    description = items.get("description").normalise({"stem": "<p>Read the <b>case</b>.</p>"})
    assert render(description).strip() == '<div class="item description"><p>Read the <b>case</b>.</p></div>'
    html = render(words(("Kigali", 1, "")))
    assert 'name="answer"' in html and "<legend>Question</legend>" in html


def test_each_template_says_what_it_needs(render):
    multiple = render(checkboxes())
    assert 'type="checkbox"' in multiple and "Select every right answer." in multiple
    assert 'type="radio"' in render(single())
    numeric = render(numbers({"value": 3.5}, units=[{"unit": "m", "multiplier": 1}]))
    assert 'inputmode="text"' in numeric and "Write the unit after the number." in numeric
    assert 'inputmode="decimal"' in render(numbers({"value": 3.5}))
    essay = render(items.get("essay").normalise({"stem": "x", "max_words": 1}))
    assert "At most 1 word." in essay
    ordering = render(steps())
    assert ordering.count("<select") == 4 and "Give each item its position: 1 for the first." in ordering
