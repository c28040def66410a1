"""Numerical: the learner types a number, right within a tolerance or a range, with optional units.

Definition keys:

* ``answers``: ``[{"id", "fraction", "feedback", …}]``, each one of
  ``{"value", "tolerance"}`` (right from value - tolerance to value + tolerance, tolerance >= 0),
  ``{"min", "max"}`` (right from min to max) or ``{"other": true}`` (any other number, usually at fraction 0
  with a feedback). Bounds are inclusive and compared as decimals, so 3.13 is within 3.14 ± 0.01 (binary
  floats would put it just outside). At least one answer, one of them a number at fraction 1. When several
  answers contain the response, the one with the highest fraction counts.
* ``units``: ``[{"unit", "multiplier"}]``, may be empty; the first is the unit the answers are written in
  (multiplier 1); a response in another unit is divided by its multiplier (answers in metres: ``cm`` has
  multiplier 100, so "350 cm" is 3.5). Units are case-sensitive ("mm" is not "Mm"); spaces are ignored.
* ``unit_required`` (bool) and ``unit_penalty`` (fraction in [0, 1], default 0.1): without a unit the
  number is read in the first unit, and when a unit is required the credit is multiplied by
  1 - unit_penalty (Moodle's "fraction of the response grade"). An unknown unit makes the answer wrong.

Reading a response: an optional sign ("−" too), digits, a decimal point **or a decimal comma** ("3,5" is
3.5: the learners write French-style decimals as often as English ones), an optional exponent (``1.5e3``),
then the unit. Thousands may be grouped with spaces only ("1 822"); "1,822" is 1.822, and a number with
both a point and a comma is not read (the page says "decimals with a point or a comma"). Anything else
before the unit makes the answer wrong, not invalid: a learner's typing is saved as typed.

Response: the typed text, or None. GIFT: ``{#3.14:0.01}``, ``{#1..2}``, ``{#1822}``,
``{# =1822:0 #fb =%50%1822:2 #fb ~#feedback for any other number}`` (no units in GIFT: an item with units
cannot be written as GIFT). Moodle XML: ``numerical`` (a range is written as its middle ± half its width).
"""

from __future__ import annotations

import math
import random
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import SubElement

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, editing, gift_text, moodle_parts
from assessments.items.base import ItemInvalid, ItemType, Outcome
from assessments.items.short_answer import typed_text

MAX_LENGTH = 100
_GROUP = "[ \u00a0\u202f\u2009]"  # space, no-break space, narrow no-break space, thin space
_NUMBER = re.compile(
    rf"(?P<sign>[+-]?)(?P<digits>\d{{1,3}}(?:{_GROUP}\d{{3}})+|\d+)?(?:[.,](?P<decimals>\d*))?(?:[eE](?P<exp>[+-]?\d+))?"
)


def read(text: str) -> tuple[Decimal | None, str]:
    """A typed answer as (number, unit text); the number is None when the text does not start with one."""
    text = text.strip().replace("\u2212", "-")
    match = _NUMBER.match(text)
    if not match or not (match["digits"] or match["decimals"]):
        return None, text
    digits = re.sub(_GROUP, "", match["digits"] or "0")
    try:
        number = Decimal(f"{match['sign']}{digits}.{match['decimals'] or '0'}e{match['exp'] or '0'}")
    except InvalidOperation:
        return None, text
    return number, text[match.end() :].strip()


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _number(value: Any) -> float:
    """An author's number: a float, or text read like a learner's (decimal comma allowed), else ValueError."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        number = float(value)
    else:
        parsed, rest = read(str(value if value is not None else ""))
        if parsed is None or rest:
            raise ValueError(value)
        number = float(parsed)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _unit_key(unit: str) -> str:
    return "".join(unit.split())


class Numerical(ItemType):
    name = "numerical"
    label = _l("Numerical")
    description = _l("The learner types a number, right within a tolerance or a range; units optional.")
    template = "assessments/items/numerical.html"
    moodle_qtype = "numerical"
    editor = editing.Editor(
        fields=(
            editing.Field("unit_required", _l("A unit must be given"), editing.BOOL),
            editing.Field(
                "unit_penalty",
                _l("Credit lost without a unit (%)"),
                editing.PERCENT,
                default=0.1,
                help=_l("Only when a unit must be given."),
            ),
        ),
        rows=(
            editing.Rows(
                "answers",
                _l("Accepted answers"),
                (
                    editing.Field("id", "", editing.HIDDEN),
                    editing.Field("value", _l("Answer"), editing.NUMBER),
                    editing.Field("tolerance", _l("± tolerance"), editing.NUMBER),
                    editing.Field("min", _l("or from"), editing.NUMBER),
                    editing.Field("max", _l("to"), editing.NUMBER),
                    editing.Field("other", _l("Any other number"), editing.BOOL),
                    editing.Field("fraction", _l("Credit (%)"), editing.PERCENT, default=0.0),
                    editing.Field("feedback", _l("Feedback"), editing.TEXT),
                ),
                help=_l(
                    "Each row: an answer with its tolerance (3.14 ± 0.01), or a range (from 1 to 2), or any other "
                    "number (for its feedback). One answer must give 100."
                ),
            ),
            editing.Rows(
                "units",
                _l("Units of measure"),
                (
                    editing.Field("unit", _l("Unit"), editing.TEXT),
                    editing.Field("multiplier", _l("Multiplier"), editing.NUMBER, default=1),
                ),
                help=_l(
                    "Optional. The first unit is the answers' own (multiplier 1); answers in metres: cm has "
                    "multiplier 100."
                ),
            ),
        ),
    )

    # -- authoring ----------------------------------------------------------------------------------------
    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        answers = self._answers(data.get("answers"), errors)
        units = self._units(data.get("units") or [], errors)
        try:
            penalty = common.fraction(data.get("unit_penalty", 0.1), lowest=0.0)
        except ItemInvalid as invalid:
            errors.extend(_("unit penalty: %(error)s", error=e) for e in invalid.errors)
            penalty = 0.0
        if errors:
            raise ItemInvalid(errors)
        result["answers"] = common.assign_ids(answers)
        result["units"] = units
        result["unit_required"] = bool(data.get("unit_required", False)) and bool(units)
        result["unit_penalty"] = penalty
        return result

    def _answers(self, raw: Any, errors: list[str]) -> list[dict[str, Any]]:
        if not isinstance(raw, list) or not raw:
            errors.append(_("give at least one answer"))
            return []
        answers = []
        for number, answer in enumerate(raw, 1):
            if not isinstance(answer, dict):
                errors.append(_("answer %(n)s is not an object", n=number))
                continue
            entry: dict[str, Any] = {"id": answer.get("id")}
            try:
                if answer.get("other"):
                    entry["other"] = True
                elif answer.get("min") is not None or answer.get("max") is not None:
                    entry["min"], entry["max"] = _number(answer.get("min")), _number(answer.get("max"))
                    if entry["min"] > entry["max"]:
                        errors.append(_("answer %(n)s: the range's minimum is above its maximum", n=number))
                else:
                    entry["value"] = _number(answer.get("value"))
                    entry["tolerance"] = abs(_number(answer.get("tolerance") or 0))
            except ValueError:
                errors.append(_("answer %(n)s: give a number, a number and a tolerance, or a range", n=number))
            try:
                entry["fraction"] = common.fraction(answer.get("fraction", 1), lowest=0.0)
            except ItemInvalid as invalid:
                errors.extend(_("answer %(n)s: %(error)s", n=number, error=e) for e in invalid.errors)
                entry["fraction"] = 0.0
            entry["feedback"] = common.html(answer.get("feedback"))
            answers.append(entry)
        if answers and not any(a["fraction"] == 1 and not a.get("other") for a in answers):
            errors.append(_("one numeric answer must be fully right (fraction 1)"))
        return answers

    def _units(self, raw: Any, errors: list[str]) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            errors.append(_("units must be a list"))
            return []
        units, seen = [], set()
        for number, unit in enumerate(raw, 1):
            if not isinstance(unit, dict):
                errors.append(_("unit %(n)s is not an object", n=number))
                continue
            name = " ".join(str(unit.get("unit") or "").split())
            if not name:
                errors.append(_("unit %(n)s has no name", n=number))
            elif _unit_key(name) in seen:
                errors.append(_("the unit %(unit)s is listed twice", unit=name))
            seen.add(_unit_key(name))
            try:
                given = unit.get("multiplier")
                multiplier = _number(1 if given is None else given)  # none given: the answers' own unit
            except ValueError:
                multiplier = math.nan
            if not multiplier > 0:
                errors.append(_("unit %(n)s: the multiplier must be a number above 0", n=number))
            elif number == 1 and multiplier != 1:
                errors.append(_("the first unit is the answers' own: its multiplier must be 1"))
            units.append({"unit": name, "multiplier": multiplier})
        return units

    # -- delivery -------------------------------------------------------------------------------------------
    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        return {"stem": data["stem"], "units": bool(data["units"]), "max_length": MAX_LENGTH}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        return typed_text(raw, MAX_LENGTH)

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if response is None:
            return Outcome(0.0)
        number, unit = read(response)
        if number is None:
            return Outcome(0.0)
        unit_ok = not data["unit_required"]
        if unit:
            known = {_unit_key(u["unit"]): u["multiplier"] for u in data["units"]}
            multiplier = known.get(_unit_key(unit))
            if multiplier is None:
                return Outcome(0.0)
            number, unit_ok = number / _decimal(multiplier), True
        answer = self._best(data["answers"], number)
        if answer is None:
            return Outcome(0.0)
        value = answer["fraction"] * (1 if unit_ok else 1 - data["unit_penalty"])
        return Outcome(value, (answer["feedback"],) if answer["feedback"] else ())

    @staticmethod
    def _best(answers: list[dict[str, Any]], number: Decimal) -> dict[str, Any] | None:
        found = None
        for answer in answers:
            if "other" in answer:
                inside = True
            elif "min" in answer:
                inside = _decimal(answer["min"]) <= number <= _decimal(answer["max"])
            else:
                middle, tolerance = _decimal(answer["value"]), _decimal(answer["tolerance"])
                inside = middle - tolerance <= number <= middle + tolerance
            if not inside:
                continue
            # The highest fraction wins; at the same fraction a number the author listed beats the catch-all.
            tie_over_other = found is not None and answer["fraction"] == found["fraction"] and "other" in found
            if found is None or answer["fraction"] > found["fraction"] or tie_over_other:
                found = answer
        return found

    # -- review ---------------------------------------------------------------------------------------------
    def right_answer(self, data: dict[str, Any]) -> str:
        answer = next(a for a in data["answers"] if a["fraction"] == 1 and "other" not in a)
        unit = f" {data['units'][0]['unit']}" if data["units"] else ""
        if "min" in answer:
            return f"{moodle_parts.number_text(answer['min'])} – {moodle_parts.number_text(answer['max'])}{unit}"
        if answer["tolerance"]:
            return (
                f"{moodle_parts.number_text(answer['value'])} ± {moodle_parts.number_text(answer['tolerance'])}{unit}"
            )
        return f"{moodle_parts.number_text(answer['value'])}{unit}"

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        return response or ""

    # -- interchange ----------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        block, general = gift_text.general_feedback(answers)
        block = block.strip()
        if not block.startswith("#"):
            raise ItemInvalid(_("a numerical answer starts with #"))
        pieces = gift_text.split_unescaped(block[1:], "~")
        result = []
        for _sign, piece in gift_text.split_unescaped(pieces[0][1], "="):
            if not piece.strip():
                continue
            weight, rest = gift_text.weight(piece)
            text, feedback = gift_text.cut_feedback(rest)
            entry = self._gift_number(gift_text.plain(text))
            entry.update(fraction=1.0 if weight is None else weight, feedback=gift_text.html(feedback))
            result.append(entry)
        for _sign, piece in pieces[1:]:  # ~#feedback: any other number
            _text, feedback = gift_text.cut_feedback(piece)
            result.append({"other": True, "fraction": 0.0, "feedback": gift_text.html(feedback)})
        if not result:
            raise ItemInvalid(_("a numerical answer needs at least one number"))
        return {"stem": stem, "answers": result, "general_feedback": general}

    @staticmethod
    def _gift_number(text: str) -> dict[str, Any]:
        try:
            if ".." in text:
                low, high = text.split("..", 1)
                return {"min": float(low), "max": float(high)}
            if ":" in text:
                value, tolerance = text.split(":", 1)
                return {"value": float(value), "tolerance": float(tolerance)}
            return {"value": float(text), "tolerance": 0.0}
        except ValueError:
            raise ItemInvalid(
                _("%(text)s is not a number, a number:tolerance or a min..max range", text=repr(text))
            ) from None

    def to_gift(self, data: dict[str, Any]) -> str:
        if data["units"]:
            raise NotImplementedError("GIFT has no units")
        parts = []
        for answer in data["answers"]:
            feedback = f"#{gift_text.escape(answer['feedback'])}" if answer["feedback"] else ""
            if "other" in answer:
                if answer["fraction"]:
                    raise NotImplementedError("GIFT gives no credit to 'any other number'")
                parts.append(f"~{feedback or '#'}")
                continue
            head = "=" if answer["fraction"] == 1 else f"=%{gift_text.percent(answer['fraction'])}%"
            parts.append(f"{head}{self._gift_value(answer)}{feedback}")
        general = f" ####{gift_text.escape(data['general_feedback'])}" if data.get("general_feedback") else ""
        only = data["answers"][0]
        if len(data["answers"]) == 1 and not only["feedback"]:
            return f"#{self._gift_value(only)}{general}"
        return "# " + " ".join(parts) + general

    @staticmethod
    def _gift_value(answer: dict[str, Any]) -> str:
        text = moodle_parts.number_text
        if "min" in answer:
            return f"{text(answer['min'])}..{text(answer['max'])}"
        if answer["tolerance"]:
            return f"{text(answer['value'])}:{text(answer['tolerance'])}"
        return text(answer["value"])

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        answers = []
        for answer in question.findall("answer"):
            entry: dict[str, Any] = {
                "fraction": moodle_parts.fraction(answer),
                "feedback": moodle_parts.html(answer.find("feedback")),
            }
            value = moodle_parts.text(answer).strip()
            if value in ("*", ""):
                entry["other"] = True
            else:
                entry["value"], entry["tolerance"] = value, (answer.findtext("tolerance") or "0").strip() or "0"
            answers.append(entry)
        units = []
        if (question.findtext("showunits") or "").strip() != "3":
            for unit in question.findall("units/unit"):
                units.append({"unit": unit.findtext("unit_name", ""), "multiplier": unit.findtext("multiplier", "1")})
        grading = (question.findtext("unitgradingtype") or "0").strip()
        return {
            "answers": answers,
            "units": units,
            "unit_required": grading not in ("", "0") and bool(units),
            "unit_penalty": (question.findtext("unitpenalty") or "0.1").strip(),
        }

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        for answer in data["answers"]:
            if "other" in answer:
                value, tolerance = "*", "0"
            elif "min" in answer:  # Decimal halves: the bounds come back exactly
                low, high = _decimal(answer["min"]), _decimal(answer["max"])
                # Written as number_text writes a value (40.0..60.0: "50", not "50.0"), so the file an
                # imported copy of the question writes again is the same, byte for byte.
                value, tolerance = (format(((high + sign * low) / 2).normalize(), "f") for sign in (1, -1))
            else:
                value, tolerance = (moodle_parts.number_text(answer[key]) for key in ("value", "tolerance"))
            moodle_parts.add_answer(
                question,
                answer["fraction"],
                value,
                answer["feedback"],
                text_format="moodle_auto_format",
                tolerance=tolerance,
            )
        if data["units"]:
            units = SubElement(question, "units")
            for unit in data["units"]:
                element = SubElement(units, "unit")
                moodle_parts.add_value(element, "multiplier", moodle_parts.number_text(unit["multiplier"]))
                moodle_parts.add_value(element, "unit_name", unit["unit"])
        moodle_parts.add_value(question, "unitgradingtype", 1 if data["unit_required"] else 0)
        moodle_parts.add_value(question, "unitpenalty", moodle_parts.number_text(data["unit_penalty"]))
        moodle_parts.add_value(question, "showunits", 0 if data["units"] else 3)
        moodle_parts.add_value(question, "unitsleft", 0)
