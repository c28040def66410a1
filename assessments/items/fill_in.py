"""Fill in the gaps: a text with gaps, each a drop-down list or a typed answer (GIFT's missing word,
Moodle's Cloze).

The stem is HTML with a marker ``[[id]]`` where each gap goes (``id``: 1 to 12 lower-case letters or
digits, say ``[[1]]``, ``[[2]]``); sanitising keeps markers, and a marker inside a tag is refused.
Definition keys: ``gaps``, in the stem's order: ``[{"id", "kind", "weight", …}]`` where ``kind`` is

* ``"choice"``: ``choices`` (``[{"id", "text", "fraction", "feedback"}]``, plain text, at least two, one at
  fraction 1, fractions in [0, 1]) and ``shuffle`` (bool, default True);
* ``"text"``: ``answers`` as a short answer's (``*`` wildcard, fractions in [0, 1], one at 1) and
  ``case_sensitive`` (bool); typed text is compared as in ``assessments/items/text_match.py``.

``weight`` is a whole number from 1 to 100 (default 1). Score: the weighted mean of the gaps' fractions
(a gap answered with its right answer counts 1; all weights 1: the share of gaps right). Response:
``{gap id: choice id or typed text}`` for the gaps answered, or None. From the form, every gap's control
has the item's field name and the values come in the stem's order (one per gap, "" for an empty one);
the JavaScript page may send the same list or the dict.

GIFT's missing word (``Moodle costs {~lots =nothing} to download.``) has one gap: :meth:`FillIn.from_gift`
takes the stem with ``[[1]]`` where the answer block was (Moodle's ``_____`` is read as that marker too) and
:meth:`FillIn.to_gift` writes the block of an item with one gap, which ``gift.py`` puts back in place of
the marker (:func:`split_stem`); a choice block makes a choice gap, ``=a =%50%b`` a text gap. Moodle XML:
``cloze`` (``{1:MULTICHOICE_S:~lots=nothing}``, ``{1:SHORTANSWER:=Paris}``, read and written by
``assessments/items/cloze.py``); reading a Cloze question returns its own ``stem`` (the codes turned into
markers), which replaces the one the caller read.
"""

from __future__ import annotations

import random
import re
from typing import Any
from xml.etree.ElementTree import SubElement

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import cloze, common, gift_text, moodle_parts, short_answer, text_match
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid

MARKER = re.compile(r"\[\[([a-z0-9]{1,12})\]\]")
_BLANK = re.compile(r"_{3,}")
KINDS = ("choice", "text")


def marker(gap_id: str) -> str:
    return f"[[{gap_id}]]"


def split_stem(data: dict[str, Any]) -> tuple[str, str]:
    """The stem's HTML before and after its one gap, where a GIFT writer puts the answer block."""
    before, _gap, after = MARKER.split(data["stem"], maxsplit=1)
    return before, after


def _inside_tag(text: str, position: int) -> bool:
    return text.rfind("<", 0, position) > text.rfind(">", 0, position)


class FillIn(ItemType):
    name = "fill_in"
    label = _l("Fill in the gaps")
    description = _l("A text with gaps: each gap a drop-down list or a typed answer (missing word, Cloze).")
    template = "assessments/items/fill_in.html"
    moodle_qtype = "cloze"

    # -- authoring ----------------------------------------------------------------------------------------
    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        stem = result.get("stem", "")
        raw = data.get("gaps")
        if not isinstance(raw, list) or not raw or not all(isinstance(g, dict) for g in raw):
            raise ItemInvalid(errors + [_("give at least one gap")])
        given = {}
        for gap in raw:
            if not isinstance(gap.get("id"), str) or not MARKER.fullmatch(marker(gap["id"])):
                errors.append(_("every gap needs an id of 1 to 12 lower-case letters or digits, as in [[1]]"))
            elif gap["id"] in given:
                errors.append(_("the gap %(gap)s is defined twice", gap=marker(gap["id"])))
            else:
                given[gap["id"]] = gap
        gaps, placed = [], set()
        for match in MARKER.finditer(stem):
            gap_id = match.group(1)
            if gap_id in placed:
                errors.append(_("the gap %(gap)s is in the text twice", gap=match.group(0)))
                continue
            placed.add(gap_id)
            if _inside_tag(stem, match.start()):
                errors.append(_("the gap %(gap)s is inside an HTML tag", gap=match.group(0)))
            if gap_id not in given:
                errors.append(_("the gap %(gap)s in the text is not defined", gap=match.group(0)))
                continue
            gaps.append(self._gap(given[gap_id], len(gaps) + 1, errors))
        for gap_id in given.keys() - placed:
            errors.append(_("the gap %(gap)s is not in the text", gap=marker(gap_id)))
        if not placed and stem:
            errors.append(_("the text has no gap: put [[1]] where the first goes"))
        if errors:
            raise ItemInvalid(errors)
        result["gaps"] = gaps
        return result

    def _gap(self, raw: dict[str, Any], number: int, errors: list[str]) -> dict[str, Any]:
        where = _("gap %(n)s", n=number) + ": "
        gap: dict[str, Any] = {"id": raw["id"], "kind": raw.get("kind", "text")}
        weight = raw.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
            errors.append(where + _("the weight must be a whole number from 1 to 100"))
            weight = 1
        gap["weight"] = weight
        if gap["kind"] == "choice":
            gap["choices"] = self._choices(raw.get("choices"), where, errors)
            gap["shuffle"] = bool(raw.get("shuffle", True))
        elif gap["kind"] == "text":
            answers = short_answer.accepted_answers(raw.get("answers"), errors, where)
            gap["answers"] = common.assign_ids(answers) if answers else []
            gap["case_sensitive"] = bool(raw.get("case_sensitive", False))
        else:
            errors.append(where + _("a gap is a choice or a text"))
        return gap

    @staticmethod
    def _choices(raw: Any, where: str, errors: list[str]) -> list[dict[str, Any]]:
        if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(c, dict) for c in raw):
            errors.append(where + _("give at least two choices"))
            return []
        choices = []
        for number, choice in enumerate(raw, 1):
            text = text_match.tidy(str(choice.get("text") or ""))
            if not text:
                errors.append(where + _("choice %(n)s has no text", n=number))
            try:
                value = common.fraction(choice.get("fraction", 0), lowest=0.0)
            except ItemInvalid as invalid:
                errors.extend(where + _("choice %(n)s: %(error)s", n=number, error=e) for e in invalid.errors)
                value = 0.0
            choices.append(
                {
                    "id": choice.get("id"),
                    "text": text,
                    "fraction": value,
                    "feedback": common.html(choice.get("feedback")),
                }
            )
        if not any(c["fraction"] == 1 for c in choices):
            errors.append(where + _("one choice must be fully right (fraction 1)"))
        return common.assign_ids_noting(choices, errors, where)

    # -- delivery -------------------------------------------------------------------------------------------
    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        pieces = MARKER.split(data["stem"])
        gaps = {g["id"]: g for g in data["gaps"]}
        parts: list[dict[str, Any]] = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                if piece:
                    parts.append({"html": piece})
                continue
            gap = gaps[piece]
            shown: dict[str, Any] = {"gap": gap["id"], "kind": gap["kind"], "number": index // 2 + 1}
            if gap["kind"] == "choice":
                choices = [{"id": c["id"], "text": c["text"]} for c in gap["choices"]]
                if gap["shuffle"]:
                    rng.shuffle(choices)
                shown["choices"] = choices
            else:
                shown["max_length"] = short_answer.MAX_LENGTH
            parts.append(shown)
        return {"stem": data["stem"], "parts": parts, "gaps": len(data["gaps"])}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        gaps = data["gaps"]
        if raw in (None, ""):
            return None
        if isinstance(raw, list):  # one value per gap, in the stem's order
            if not raw:
                return None
            if len(raw) != len(gaps):
                raise ResponseInvalid(_("give one value for each gap"))
            raw = {gap["id"]: value for gap, value in zip(gaps, raw, strict=True)}
        if not isinstance(raw, dict) or not raw.keys() <= {g["id"] for g in gaps}:
            raise ResponseInvalid(_("not a gap of this question"))
        response = {}
        for gap in gaps:
            value = raw.get(gap["id"])
            if value in (None, ""):
                continue
            if not isinstance(value, str):
                raise ResponseInvalid(_("a gap's answer must be text"))
            if gap["kind"] == "choice":
                if value not in {c["id"] for c in gap["choices"]}:
                    raise ResponseInvalid(_("not a choice of this question"))
                response[gap["id"]] = value
            else:
                typed = short_answer.typed_text(value)
                if typed is not None:
                    response[gap["id"]] = typed
        return response or None

    def _gap_outcome(self, gap: dict[str, Any], value: str | None) -> tuple[float, str]:
        if value is None:
            return 0.0, ""
        if gap["kind"] == "choice":
            chosen = next(c for c in gap["choices"] if c["id"] == value)
        else:
            chosen = text_match.best(gap["answers"], value, gap["case_sensitive"])
            if chosen is None:
                return 0.0, ""
        return chosen["fraction"], chosen["feedback"]

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if not response:
            return Outcome(0.0)
        total = weights = 0.0
        feedback = []
        for gap in data["gaps"]:
            value, text = self._gap_outcome(gap, response.get(gap["id"]))
            total += gap["weight"] * value
            weights += gap["weight"]
            if text:
                feedback.append(text)
        return Outcome(round(total / weights, 9), tuple(feedback))

    # -- review ---------------------------------------------------------------------------------------------
    def right_answer(self, data: dict[str, Any]) -> str:
        def right(gap: dict[str, Any]) -> str:
            return next(a["text"] for a in gap.get("choices") or gap["answers"] if a["fraction"] == 1)

        if len(data["gaps"]) == 1:
            return right(data["gaps"][0])
        return "; ".join(f"{n}. {right(gap)}" for n, gap in enumerate(data["gaps"], 1))

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        if not response:
            return ""

        def given(gap: dict[str, Any]) -> str:
            value = response.get(gap["id"], "")
            if gap["kind"] == "choice" and value:
                return next(c["text"] for c in gap["choices"] if c["id"] == value)
            return value

        if len(data["gaps"]) == 1:
            return given(data["gaps"][0])
        return "; ".join(f"{n}. {given(gap)}" for n, gap in enumerate(data["gaps"], 1))

    # -- GIFT -----------------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        found = MARKER.search(stem)
        if found:
            gap_id = found.group(1)
        elif _BLANK.search(stem):
            gap_id, stem = "1", _BLANK.sub(marker("1"), stem, count=1)
        else:
            raise ItemInvalid(_("the text has no gap: put [[1]] where the answers go"))
        if not answers.strip() or answers.strip().startswith("#") or "->" in answers:
            raise ItemInvalid(_("a missing word is a list of choices or of accepted answers"))
        if gift_text.split_unescaped(answers, "~")[1:]:
            parsed, general = gift_text.answers(answers)
            choices = [
                {
                    "text": a.text,
                    "fraction": a.weight if a.weight is not None else (1.0 if a.right else 0.0),
                    "feedback": a.feedback,
                }
                for a in parsed
            ]
            gap = {"id": gap_id, "kind": "choice", "choices": choices, "shuffle": True}
        else:
            block, general = gift_text.general_feedback(answers)
            gap = {"id": gap_id, "kind": "text", "answers": short_answer.gift_accepted(block)}
        return {"stem": stem, "gaps": [gap], "general_feedback": general}

    def to_gift(self, data: dict[str, Any]) -> str:
        if len(data["gaps"]) != 1:
            raise NotImplementedError("GIFT's missing word has one gap")
        gap = data["gaps"][0]
        general = f" ####{gift_text.escape(data['general_feedback'])}" if data.get("general_feedback") else ""
        if gap["kind"] == "text":
            if gap["case_sensitive"]:
                raise NotImplementedError("GIFT cannot say a typed answer is case-sensitive")
            return short_answer.gift_of_accepted(gap["answers"]) + general
        parts = []
        for c in gap["choices"]:
            head = (
                "=" if c["fraction"] == 1 else ("~" if c["fraction"] == 0 else f"~%{gift_text.percent(c['fraction'])}%")
            )
            feedback = f"#{gift_text.escape(c['feedback'])}" if c["feedback"] else ""
            parts.append(f"{head}{gift_text.escape(c['text'])}{feedback}")
        return " ".join(parts) + general

    # -- Moodle XML (Cloze) ---------------------------------------------------------------------------------
    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        source = moodle_parts.html(question.find("questiontext"))
        gaps, out, position = [], [], 0
        for code in cloze.find_codes(source):
            out.append(source[position : code.start])
            number = str(len(gaps) + 1)
            out.append(marker(number))
            gaps.append(code.gap(number))
            position = code.end
        out.append(source[position:])
        if not gaps:
            raise ItemInvalid(_("this Cloze question has no gap"))
        return {"stem": "".join(out), "gaps": gaps}

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        gaps = {g["id"]: g for g in data["gaps"]}
        text = MARKER.sub(lambda m: cloze.code(gaps[m.group(1)]), data["stem"])
        holder = question.find("questiontext")
        if holder is None:
            holder = SubElement(question, "questiontext", format="html")
        element = holder.find("text")
        if element is None:
            element = SubElement(holder, "text")
        element.text = text
