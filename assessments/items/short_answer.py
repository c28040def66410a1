"""Short answer: the learner types a word or a phrase, compared with the accepted answers.

Definition keys: ``answers`` (``[{"id", "text", "fraction", "feedback"}]``, at least one, one at fraction
1; ``text`` is plain text, where ``*`` matches anything and ``\\*`` is an asterisk; fraction in [0, 1], a
``*`` answer at 0 with a feedback catches everything else), ``case_sensitive`` (bool, default False).
How a response is compared: ``assessments/items/text_match.py``. Response: the typed text (trimmed, at most
:data:`MAX_LENGTH` characters) or None. GIFT: ``{=answer =%50%nearly#feedback}`` (not for a case-sensitive
answer: GIFT cannot say so); Moodle XML: ``shortanswer`` with ``<usecase>``.
"""

from __future__ import annotations

import random
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, editing, gift_text, moodle_parts, text_match
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid

MAX_LENGTH = 1000


def accepted_answers(raw: Any, errors: list[str], where: str = "") -> list[dict[str, Any]]:
    """Accepted answers checked (problems added to ``errors``, prefixed with ``where``): shared with the
    text gaps of a fill-in."""
    if not isinstance(raw, list) or not raw:
        errors.append(where + _("give at least one accepted answer"))
        return []
    answers = []
    for number, answer in enumerate(raw, 1):
        if not isinstance(answer, dict):
            errors.append(where + _("answer %(n)s is not an object", n=number))
            continue
        text = text_match.tidy(str(answer.get("text") or ""))
        if not text:
            errors.append(where + _("answer %(n)s has no text", n=number))
        elif len(text) > MAX_LENGTH:
            errors.append(where + _("answer %(n)s is longer than %(max)s characters", n=number, max=MAX_LENGTH))
        try:
            value = common.fraction(answer.get("fraction", 1), lowest=0.0)
        except ItemInvalid as invalid:
            errors.extend(where + _("answer %(n)s: %(error)s", n=number, error=e) for e in invalid.errors)
            value = 0.0
        answers.append(
            {"id": answer.get("id"), "text": text, "fraction": value, "feedback": common.html(answer.get("feedback"))}
        )
    if answers and not any(a["fraction"] == 1 for a in answers):
        errors.append(where + _("one accepted answer must be fully right (fraction 1)"))
    return answers


def typed_text(raw: Any, max_length: int = MAX_LENGTH) -> str | None:
    """One typed value from a form (a list of one string) or JSON (a string): trimmed, or None if empty."""
    if isinstance(raw, list):
        if len(raw) > 1:
            raise ResponseInvalid(_("this question takes one answer"))
        raw = raw[0] if raw else None
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ResponseInvalid(_("the answer must be text"))
    text = str(raw).strip()
    if len(text) > max_length:
        raise ResponseInvalid(_("the answer is longer than %(max)s characters", max=max_length))
    return text or None


def gift_accepted(block: str) -> list[dict[str, Any]]:
    """``=a =%50%b#fb`` (a bare first answer, ``{Paris}``, counts as ``=Paris``, as in Moodle)."""
    answers = []
    for _sign, piece in gift_text.split_unescaped(block, "="):
        if not piece.strip():
            continue
        weight, rest = gift_text.weight(piece)
        text, feedback = gift_text.cut_feedback(rest)
        answers.append(
            {
                "text": gift_text.plain(text),
                "fraction": 1.0 if weight is None else weight,
                "feedback": gift_text.html(feedback),
            }
        )
    return answers


def gift_of_accepted(answers: list[dict[str, Any]]) -> str:
    parts = []
    for a in answers:
        head = "=" if a["fraction"] == 1 else f"=%{gift_text.percent(a['fraction'])}%"
        feedback = f"#{gift_text.escape(a['feedback'])}" if a["feedback"] else ""
        parts.append(f"{head}{gift_text.escape(a['text'])}{feedback}")
    return " ".join(parts)


class ShortAnswer(ItemType):
    name = "short_answer"
    label = _l("Short answer")
    description = _l("The learner types a word or phrase; several answers may be accepted, with * as a wildcard.")
    template = "assessments/items/short_answer.html"
    moodle_qtype = "shortanswer"
    editor = editing.Editor(
        fields=(editing.Field("case_sensitive", _l("Upper and lower case must match"), editing.BOOL),),
        rows=(
            editing.Rows(
                "answers",
                _l("Accepted answers"),
                (
                    editing.Field("id", "", editing.HIDDEN),
                    editing.Field("text", _l("Answer"), editing.TEXT),
                    editing.Field("fraction", _l("Credit (%)"), editing.PERCENT, default=0.0),
                    editing.Field("feedback", _l("Feedback"), editing.TEXT),
                ),
                help=_l("* matches anything (\\* is an asterisk). One answer must give 100."),
            ),
        ),
    )

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        answers = accepted_answers(data.get("answers"), errors)
        if errors:
            raise ItemInvalid(errors)
        result["answers"] = common.assign_ids(answers)
        result["case_sensitive"] = bool(data.get("case_sensitive", False))
        return result

    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        return {"stem": data["stem"], "max_length": MAX_LENGTH}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        return typed_text(raw)

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if response is None:
            return Outcome(0.0)
        answer = text_match.best(data["answers"], response, data["case_sensitive"])
        if answer is None:
            return Outcome(0.0)
        return Outcome(answer["fraction"], (answer["feedback"],) if answer["feedback"] else ())

    def right_answer(self, data: dict[str, Any]) -> str:
        return next(a["text"] for a in data["answers"] if a["fraction"] == 1)

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        return response or ""

    # -- interchange ------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        block, general = gift_text.general_feedback(answers)
        return {"stem": stem, "answers": gift_accepted(block), "general_feedback": general}

    def to_gift(self, data: dict[str, Any]) -> str:
        if data["case_sensitive"]:  # GIFT cannot say so, and the answer would score differently once read back
            raise NotImplementedError("GIFT cannot say a short answer is case-sensitive")
        general = f" ####{gift_text.escape(data['general_feedback'])}" if data.get("general_feedback") else ""
        return gift_of_accepted(data["answers"]) + general

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        answers = [
            {
                "text": moodle_parts.text(answer),
                "fraction": moodle_parts.fraction(answer),
                "feedback": moodle_parts.html(answer.find("feedback")),
            }
            for answer in question.findall("answer")
        ]
        return {"answers": answers, "case_sensitive": moodle_parts.flag(question, "usecase", False)}

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        moodle_parts.add_value(question, "usecase", 1 if data["case_sensitive"] else 0)
        for a in data["answers"]:
            moodle_parts.add_answer(question, a["fraction"], a["text"], a["feedback"], text_format="moodle_auto_format")
