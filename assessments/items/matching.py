"""Matching: pair each subquestion with its answer, chosen from a list that may hold extra distractors.

Definition keys: ``subquestions`` (``[{"id", "text", "answer"}]``, at least two; ``text`` is HTML,
``answer`` the id of its answer), ``answers`` (``[{"id", "text"}]``, plain text: every answer a learner
chooses from, the right ones and the distractors; at least two, no text twice), ``shuffle`` (bool: the
subquestions in the attempt's order; the answers are always shuffled, since their order would give the key
away). To author without ids, a subquestion may give ``answer_text`` instead of ``answer``: normalise finds
the answer with that text or adds it (two subquestions may share an answer, as in Moodle).

Scoring: the share of subquestions paired with their right answer. Response: ``{subquestion id: answer
id}`` for the subquestions answered, or None. From the form, each subquestion's select sends
``"<subquestion id>:<answer id>"``. GIFT: ``{=sub -> answer =sub2 -> answer2 = -> distractor}``; Moodle XML:
``matching`` (a distractor is a subquestion with empty text).
"""

from __future__ import annotations

import random
from typing import Any
from xml.etree.ElementTree import SubElement

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, editing, gift_text, moodle_parts
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid
from assessments.items.text_match import tidy


class Matching(ItemType):
    name = "matching"
    label = _l("Matching")
    description = _l("Pair each item with its answer from one list, which may hold extra wrong answers.")
    template = "assessments/items/matching.html"
    moodle_qtype = "matching"
    editor = editing.Editor(
        fields=(editing.Field("shuffle", _l("Shuffle the subquestions in each attempt"), editing.BOOL, default=True),),
        rows=(
            editing.Rows(
                "subquestions",
                _l("Pairs"),
                (
                    editing.Field("id", "", editing.HIDDEN),
                    editing.Field("text", _l("Subquestion"), editing.TEXT),
                    editing.Field("answer_text", _l("Its answer"), editing.TEXT),
                    editing.Field("answer", "", editing.HIDDEN),
                ),
            ),
            editing.Rows(
                "answers",
                _l("Other answers to choose from (distractors)"),
                (editing.Field("id", "", editing.HIDDEN), editing.Field("text", _l("Answer"), editing.TEXT)),
            ),
        ),
    )

    def to_form(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """Each pair names its answer by text (normalise finds it again, or adds it); the answers list shows
        only those no pair uses."""
        if data is None:
            return super().to_form(None)
        texts = {a["id"]: a["text"] for a in data.get("answers", [])}
        used = {s.get("answer") for s in data.get("subquestions", [])}
        shown = {
            **data,
            "subquestions": [
                {**s, "answer_text": texts.get(s.get("answer"), "")} for s in data.get("subquestions", [])
            ],
            "answers": [a for a in data.get("answers", []) if a["id"] not in used],
        }
        return super().to_form(shown)

    def from_form(self, form: Any) -> dict[str, Any]:
        """A pair's answer keeps its id (the hidden ``answer`` the form showed) while its text is unique."""
        data = super().from_form(form)
        answers, ids = data["answers"], {a.get("id") for a in data["answers"]}
        for sub in data["subquestions"]:
            given, text = sub.pop("answer", None), tidy(str(sub.get("answer_text") or ""))
            if any(a["text"] == text for a in answers) or not text:
                continue
            answers.append({"id": given, "text": text} if given and given not in ids else {"text": text})
            ids.add(given)
        return data

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        raw_answers = data.get("answers") or []
        raw_subs = data.get("subquestions")
        if not isinstance(raw_answers, list) or not all(isinstance(a, dict) for a in raw_answers):
            raise ItemInvalid(errors + [_("the answers must be a list of objects")])
        if not isinstance(raw_subs, list) or len(raw_subs) < 2 or not all(isinstance(s, dict) for s in raw_subs):
            raise ItemInvalid(errors + [_("give at least two subquestions, each with its answer")])
        answers = []
        for number, answer in enumerate(raw_answers, 1):
            text = tidy(str(answer.get("text") or ""))
            if not text:
                errors.append(_("answer %(n)s has no text", n=number))
            elif any(a["text"] == text for a in answers):
                errors.append(_("the answer %(text)s is listed twice", text=text))
            answers.append({"id": answer.get("id"), "text": text})
        try:
            common.assign_ids(answers)
        except ItemInvalid as invalid:
            raise ItemInvalid(errors + invalid.errors) from None
        by_id = {a["id"]: a for a in answers}
        subquestions = []
        for number, sub in enumerate(raw_subs, 1):
            text = common.html(sub.get("text"))
            if not text:
                errors.append(_("subquestion %(n)s has no text", n=number))
            answer = by_id.get(sub.get("answer")) if isinstance(sub.get("answer"), str) else None
            if answer is None:
                wanted = tidy(str(sub.get("answer_text") or ""))
                answer = next((a for a in answers if a["text"] == wanted), None)
                if answer is None and wanted:
                    answer = {"id": None, "text": wanted}
                    answers.append(answer)
                    common.assign_ids(answers)
            if answer is None:
                errors.append(_("subquestion %(n)s has no answer", n=number))
                continue
            subquestions.append({"id": sub.get("id"), "text": text, "answer": answer["id"]})
        if len(answers) < 2:
            errors.append(_("give at least two different answers"))
        common.assign_ids_noting(subquestions, errors)
        if errors:
            raise ItemInvalid(errors)
        result["subquestions"] = subquestions
        result["answers"] = answers
        result["shuffle"] = bool(data.get("shuffle", True))
        return result

    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        subquestions = [{"id": s["id"], "text": s["text"]} for s in data["subquestions"]]
        if data.get("shuffle"):
            rng.shuffle(subquestions)
        answers = [{"id": a["id"], "text": a["text"]} for a in data["answers"]]
        rng.shuffle(answers)
        return {"stem": data["stem"], "subquestions": subquestions, "answers": answers}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        if raw in (None, ""):
            return None
        if isinstance(raw, list):  # the form: "sub:answer" per select, "" for one left unanswered
            raw = common.form_pairs(raw, _("a matching answer pairs a subquestion with an answer"))
        if not isinstance(raw, dict):
            raise ResponseInvalid(_("a matching answer pairs a subquestion with an answer"))
        subs = {s["id"] for s in data["subquestions"]}
        answers = {a["id"] for a in data["answers"]}
        response = {}
        for sub, answer in raw.items():
            if answer in (None, ""):
                continue
            if sub not in subs or not isinstance(answer, str) or answer not in answers:
                raise ResponseInvalid(_("not a subquestion or an answer of this question"))
            response[sub] = answer
        return response or None

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if not response:
            return Outcome(0.0)
        right = sum(1 for s in data["subquestions"] if response.get(s["id"]) == s["answer"])
        return Outcome(right / len(data["subquestions"]))

    def right_answer(self, data: dict[str, Any]) -> str:
        texts = {a["id"]: a["text"] for a in data["answers"]}
        return "; ".join(f"{common.plain(s['text'])} → {texts[s['answer']]}" for s in data["subquestions"])

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        if not response:
            return ""
        texts = {a["id"]: a["text"] for a in data["answers"]}
        return "; ".join(
            f"{common.plain(s['text'])} → {texts[response[s['id']]]}"
            for s in data["subquestions"]
            if s["id"] in response
        )

    # -- interchange ------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        block, general = gift_text.general_feedback(answers)
        subquestions, distractors = [], []
        for sign, piece in gift_text.split_unescaped(block, "="):
            if not sign:
                if piece.strip():
                    raise ItemInvalid(_("text before the first pair: %(text)s", text=gift_text.unescape(piece).strip()))
                continue
            sub, arrow, answer = piece.partition("->")
            if not arrow:
                raise ItemInvalid(_("a matching pair is written =subquestion -> answer"))
            sub_text, answer_text = gift_text.html(sub), gift_text.plain(answer)
            if sub_text:
                subquestions.append({"text": sub_text, "answer_text": answer_text})
            else:
                distractors.append({"text": answer_text})
        return {"stem": stem, "subquestions": subquestions, "answers": distractors, "general_feedback": general}

    def to_gift(self, data: dict[str, Any]) -> str:
        texts = {a["id"]: a["text"] for a in data["answers"]}
        used = {s["answer"] for s in data["subquestions"]}
        parts = [
            f"={gift_text.escape(s['text'])} -> {gift_text.escape(texts[s['answer']])}" for s in data["subquestions"]
        ]
        parts += [f"= -> {gift_text.escape(a['text'])}" for a in data["answers"] if a["id"] not in used]
        general = f" ####{gift_text.escape(data['general_feedback'])}" if data.get("general_feedback") else ""
        return " ".join(parts) + general

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        subquestions, distractors = [], []
        for sub in question.findall("subquestion"):
            text, answer = moodle_parts.html(sub), moodle_parts.text(sub, "answer/text")
            if text.strip():
                subquestions.append({"text": text, "answer_text": answer})
            else:
                distractors.append({"text": answer})
        return {
            "subquestions": subquestions,
            "answers": distractors,
            "shuffle": moodle_parts.flag(question, "shuffleanswers", True),
        }

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        moodle_parts.add_value(question, "shuffleanswers", "true" if data.get("shuffle") else "false")
        texts = {a["id"]: a["text"] for a in data["answers"]}
        used = {s["answer"] for s in data["subquestions"]}
        rows = [(s["text"], texts[s["answer"]]) for s in data["subquestions"]]
        rows += [("", a["text"]) for a in data["answers"] if a["id"] not in used]
        for text, answer in rows:
            sub = moodle_parts.add_text(question, "subquestion", text)
            SubElement(SubElement(sub, "answer"), "text").text = answer
