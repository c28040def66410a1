"""Single choice: one answer from several; each choice carries a fraction of the mark (partial credit for
a nearly right choice, a negative one as a penalty) and its own feedback.

Definition keys: ``choices`` (``[{"id", "text", "fraction", "feedback", "fixed"}]``, at least two, one at
fraction 1), ``shuffle`` (bool; a ``fixed`` choice such as "None of the above" keeps its place).
Response: the chosen id, or None. GIFT: ``{=right#fb ~wrong#fb ~%50%half}``; Moodle XML: ``multichoice``
with ``<single>true</single>``.
"""

from __future__ import annotations

import random
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, editing, gift_text, moodle_parts
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid


class SingleChoice(ItemType):
    name = "single_choice"
    label = _l("Single choice")
    description = _l("One right answer among several; other choices may give part of the mark.")
    template = "assessments/items/choices.html"
    moodle_qtype = "multichoice"
    multiple = False  # the template shows radio buttons
    editor = editing.Editor(
        fields=(editing.Field("shuffle", _l("Shuffle the choices in each attempt"), editing.BOOL, default=True),),
        rows=(
            editing.Rows(
                "choices",
                _l("Choices"),
                (
                    editing.Field("id", "", editing.HIDDEN),
                    editing.Field("text", _l("Choice"), editing.TEXT),
                    editing.Field("fraction", _l("Credit (%)"), editing.PERCENT, default=0.0),
                    editing.Field("feedback", _l("Feedback"), editing.TEXT),
                    editing.Field("fixed", _l("Keep in place"), editing.BOOL),
                ),
                help=_l("Credit: 100 for the right choice, part of it for a nearly right one, below 0 as a penalty."),
            ),
        ),
    )

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        choices = self._choices(data.get("choices"), errors)
        errors.extend(self._fraction_errors(choices))
        if errors:
            raise ItemInvalid(errors)
        result["choices"] = common.assign_ids(choices)
        result["shuffle"] = bool(data.get("shuffle", True))
        return result

    def _choices(self, raw: Any, errors: list[str]) -> list[dict[str, Any]]:
        """The choices checked one by one (their problems added to ``errors``); the rule on fractions that
        makes the item answerable is the type's own (:meth:`_fraction_errors`)."""
        raw = common.objects(raw, 2, _("give at least two choices"), _("choice %(n)s is not an object"))
        choices = []
        for number, choice in enumerate(raw, 1):
            text = common.html(choice.get("text"))
            if not text:
                errors.append(_("choice %(n)s has no text", n=number))
            try:
                value = common.fraction(choice.get("fraction", 0))
            except ItemInvalid as invalid:
                errors.extend(_("choice %(n)s: %(error)s", n=number, error=error) for error in invalid.errors)
                value = 0.0
            choices.append(
                {
                    "id": choice.get("id"),
                    "text": text,
                    "fraction": value,
                    "feedback": common.html(choice.get("feedback")),
                    "fixed": bool(choice.get("fixed", False)),
                }
            )
        return choices

    def _fraction_errors(self, choices: list[dict[str, Any]]) -> list[str]:
        if not any(choice["fraction"] == 1 for choice in choices):
            return [_("one choice must be fully right (fraction 1)")]
        return []

    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        choices = [{"id": c["id"], "text": c["text"]} for c in data["choices"]]
        if data.get("shuffle"):
            movable = [i for i, c in enumerate(data["choices"]) if not c.get("fixed")]
            order = movable[:]
            rng.shuffle(order)
            shuffled = choices[:]
            for place, source in zip(movable, order, strict=True):
                shuffled[place] = choices[source]
            choices = shuffled
        return {"stem": data["stem"], "choices": choices, "multiple": self.multiple}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        if isinstance(raw, list):  # a form's values: none or one
            if len(raw) > 1:
                raise ResponseInvalid(_("a single choice takes one answer"))
            raw = raw[0] if raw else None
        if raw in (None, ""):
            return None
        if not isinstance(raw, str) or raw not in {c["id"] for c in data["choices"]}:
            raise ResponseInvalid(_("not a choice of this question"))
        return raw

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if response is None:
            return Outcome(0.0)
        choice = next(c for c in data["choices"] if c["id"] == response)
        feedback = (choice["feedback"],) if choice["feedback"] else ()
        return Outcome(max(0.0, choice["fraction"]), feedback)

    def right_answer(self, data: dict[str, Any]) -> str:
        return common.plain(next(c["text"] for c in data["choices"] if c["fraction"] == 1))

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        if response is None:
            return ""
        return common.plain(next(c["text"] for c in data["choices"] if c["id"] == response))

    # -- interchange ------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        parsed, general = gift_text.answers(answers, html_text=True)
        choices = [
            {
                "text": a.text,
                "fraction": 1.0 if a.right and a.weight is None else (a.weight or 0.0),
                "feedback": a.feedback,
            }
            for a in parsed
        ]
        return {"stem": stem, "choices": choices, "general_feedback": general}

    def to_gift(self, data: dict[str, Any]) -> str:
        parts = []
        for c in data["choices"]:
            if c["fraction"] == 1:
                head = "="
            elif c["fraction"] == 0:
                head = "~"
            else:
                head = f"~%{gift_text.percent(c['fraction'])}%"
            feedback = f"#{gift_text.escape(c['feedback'])}" if c["feedback"] else ""
            parts.append(f"{head}{gift_text.escape(c['text'])}{feedback}")
        general = f" ####{gift_text.escape(data['general_feedback'])}" if data.get("general_feedback") else ""
        return " ".join(parts) + general

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        choices = []
        for answer in question.findall("answer"):
            choices.append(
                {
                    "text": answer.findtext("text", ""),
                    "fraction": moodle_parts.fraction(answer),  # ItemInvalid, not a crash, for "abc"
                    "feedback": answer.findtext("feedback/text", ""),
                }
            )
        return {"choices": choices, "shuffle": question.findtext("shuffleanswers", "1").strip() in ("1", "true")}

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        from xml.etree.ElementTree import SubElement

        SubElement(question, "single").text = "true"
        SubElement(question, "shuffleanswers").text = "1" if data.get("shuffle") else "0"
        for c in data["choices"]:
            answer = SubElement(question, "answer", fraction=gift_text.percent(c["fraction"]), format="html")
            SubElement(answer, "text").text = c["text"]
            SubElement(SubElement(answer, "feedback", format="html"), "text").text = c["feedback"]
