"""True or false: one statement, judged.

Definition keys: ``answer`` (bool, the right judgement), ``feedback_true`` and ``feedback_false`` (HTML
shown to a learner who answered true, or false). Response: True, False or None. GIFT: ``{T}``, ``{TRUE}``,
``{F}``, ``{FALSE}``, with ``{FALSE#shown for a wrong answer#shown for the right one}``; Moodle XML:
``truefalse``, two answers with the texts ``true`` and ``false``.
"""

from __future__ import annotations

import random
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, editing, gift_text, moodle_parts
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid

_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class TrueFalse(ItemType):
    name = "true_false"
    label = _l("True or false")
    description = _l("A statement the learner judges true or false.")
    template = "assessments/items/true_false.html"
    moodle_qtype = "truefalse"
    editor = editing.Editor(
        fields=(
            editing.Field(
                "answer",
                _l("The statement is"),
                editing.SELECT,
                choices=(("", _l("Choose…")), ("true", _l("True")), ("false", _l("False"))),
            ),
            editing.Field("feedback_true", _l("Feedback for the answer “true”"), editing.HTML),
            editing.Field("feedback_false", _l("Feedback for the answer “false”"), editing.HTML),
        )
    )

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        answer = data.get("answer")
        if isinstance(answer, str) and answer.strip().lower() in ("true", "false"):
            answer = answer.strip().lower() == "true"  # a form's value
        if not isinstance(answer, bool):
            errors.append(_("say whether the statement is true or false"))
        if errors:
            raise ItemInvalid(errors)
        result["answer"] = answer
        result["feedback_true"] = common.html(data.get("feedback_true"))
        result["feedback_false"] = common.html(data.get("feedback_false"))
        return result

    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        return {"stem": data["stem"]}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        if isinstance(raw, list):
            if len(raw) > 1:
                raise ResponseInvalid(_("answer true or false, once"))
            raw = raw[0] if raw else None
        if raw in (None, ""):
            return None
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false"):
            return raw == "true"
        raise ResponseInvalid(_("answer true or false"))

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if response is None:
            return Outcome(0.0)
        feedback = data["feedback_true"] if response else data["feedback_false"]
        return Outcome(1.0 if response == data["answer"] else 0.0, (feedback,) if feedback else ())

    def right_answer(self, data: dict[str, Any]) -> str:
        return _("True") if data["answer"] else _("False")

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        if response is None:
            return ""
        return _("True") if response else _("False")

    # -- interchange ------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        block, general = gift_text.general_feedback(answers)
        parts = [piece for _sign, piece in gift_text.split_unescaped(block, "#")]
        word = parts[0].strip()
        if word not in _WORDS or len(parts) > 3:
            raise ItemInvalid(_("a true/false answer is T, TRUE, F or FALSE, then up to two feedbacks"))
        wrong, right = (gift_text.html(p) for p in (parts[1:] + ["", ""])[:2])
        answer = _WORDS[word]
        return {
            "stem": stem,
            "answer": answer,
            "feedback_true": right if answer else wrong,
            "feedback_false": wrong if answer else right,
            "general_feedback": general,
        }

    def to_gift(self, data: dict[str, Any]) -> str:
        answer = data["answer"]
        right, wrong = (
            (data["feedback_true"], data["feedback_false"])
            if answer
            else (data["feedback_false"], data["feedback_true"])
        )
        out = "TRUE" if answer else "FALSE"
        if right or wrong:
            out += f"#{gift_text.escape(wrong)}"
            if right:
                out += f"#{gift_text.escape(right)}"
        if data.get("general_feedback"):
            out += f"####{gift_text.escape(data['general_feedback'])}"
        return out

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        result: dict[str, Any] = {"feedback_true": "", "feedback_false": ""}
        answers = question.findall("answer")
        for number, answer in enumerate(answers):
            word = moodle_parts.text(answer).strip().lower()
            if word not in ("true", "false"):  # Moodle's old exports: localised words, true first
                word = "true" if number == 0 else "false"
            full = moodle_parts.fraction(answer) == 1
            result[f"feedback_{word}"] = moodle_parts.html(answer.find("feedback"))
            if full:
                result["answer"] = word == "true"
        if "answer" not in result:
            raise ItemInvalid(_("neither true nor false is the right answer"))
        return result

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        for word in ("true", "false"):
            value = 1.0 if data["answer"] == (word == "true") else 0.0
            moodle_parts.add_answer(question, value, word, data[f"feedback_{word}"], text_format="moodle_auto_format")
