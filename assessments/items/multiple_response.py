"""Multiple response: tick every right answer (checkboxes), with partial credit and an optional penalty.

Definition keys: as single choice (``choices``: ``[{"id", "text", "fraction", "feedback", "fixed"}]``, at
least two; ``shuffle``). Each right choice carries a positive fraction and the positive fractions add up to
1 (100 %, within half a percent, as Moodle checks after rounding); a wrong choice carries 0, or a negative
fraction as its penalty.

Scoring, Moodle's multichoice with ``single=0``: the fractions of the ticked choices are added up and the
sum is kept within [0, 1] (a negative total is 0). So with no negative fractions, ticking everything earns
full marks: give wrong choices a penalty (say -1 / number of wrong choices, or -1 each) to prevent that.

Response: the ticked ids in the definition's order, or None when nothing is ticked. GIFT:
``{~%50%a#fb ~%50%b ~%-100%c}``: no ``=`` at all (with one, Moodle reads a single choice). Moodle XML:
``multichoice`` with ``<single>false</single>``.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import SubElement

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, gift_text, moodle_parts
from assessments.items.base import Outcome, ResponseInvalid
from assessments.items.single_choice import SingleChoice

# Moodle rounds the total of the right choices to two decimals of a fraction before checking it.
_SUM_TOLERANCE = 0.005


class MultipleResponse(SingleChoice):
    name = "multiple_response"
    label = _l("Multiple response")
    description = _l("Tick every right answer; each right tick earns part of the mark, a wrong one may cost.")
    multiple = True  # the template shows checkboxes

    def _fraction_errors(self, choices: list[dict[str, Any]]) -> list[str]:
        total = sum(c["fraction"] for c in choices if c["fraction"] > 0)
        if total == 0:
            return [_("at least one choice must be right (a fraction above 0)")]
        if abs(total - 1) > _SUM_TOLERANCE:
            percent = f"{total * 100:g}"
            return [_("the right choices' fractions add up to %(total)s%%; they must add up to 100%%", total=percent)]
        return []

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        if raw in (None, ""):
            return None
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
            raise ResponseInvalid(_("a multiple response takes a list of choices"))
        chosen = {value for value in raw if value != ""}
        known = [c["id"] for c in data["choices"]]
        if not chosen <= set(known):
            raise ResponseInvalid(_("not a choice of this question"))
        return [choice_id for choice_id in known if choice_id in chosen] or None

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if not response:
            return Outcome(0.0)
        chosen = [c for c in data["choices"] if c["id"] in response]
        total = sum(c["fraction"] for c in chosen)
        feedback = tuple(c["feedback"] for c in chosen if c["feedback"])
        # Rounded so that fractions written with finite decimals (33.33333 %) still add up to exactly 1.
        return Outcome(round(min(1.0, max(0.0, total)), 6), feedback)

    def right_answer(self, data: dict[str, Any]) -> str:
        return "; ".join(common.plain(c["text"]) for c in data["choices"] if c["fraction"] > 0)

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        if not response:
            return ""
        return "; ".join(common.plain(c["text"]) for c in data["choices"] if c["id"] in response)

    # -- interchange ------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        parsed, general = gift_text.answers(answers, html_text=True)
        choices = [
            {
                "text": a.text,
                "fraction": a.weight if a.weight is not None else (1.0 if a.right else 0.0),
                "feedback": a.feedback,
            }
            for a in parsed
        ]
        return {"stem": stem, "choices": choices, "general_feedback": general}

    def to_gift(self, data: dict[str, Any]) -> str:
        parts = []
        for c in data["choices"]:
            head = "~" if c["fraction"] == 0 else f"~%{gift_text.percent(c['fraction'])}%"
            feedback = f"#{gift_text.escape(c['feedback'])}" if c["feedback"] else ""
            parts.append(f"{head}{gift_text.escape(c['text'])}{feedback}")
        general = f" ####{gift_text.escape(data['general_feedback'])}" if data.get("general_feedback") else ""
        return " ".join(parts) + general

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        SubElement(question, "single").text = "false"
        SubElement(question, "shuffleanswers").text = "1" if data.get("shuffle") else "0"
        for c in data["choices"]:
            moodle_parts.add_answer(question, c["fraction"], c["text"], c["feedback"])
