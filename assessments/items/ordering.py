"""Ordering: put items in their right order.

Definition keys: ``items`` (``[{"id", "text"}]`` in the right order, at least two; ``text`` is HTML) and
``grading``, one of Moodle qtype_ordering's rules:

* ``relative_next_exclude_last`` (the default, as in Moodle): an item earns its share when the item right
  after it is the one that follows it in the key; the last item is not checked, so there are n - 1 shares;
* ``relative_next_include_last``: the same, and the item placed last earns a share if it is the key's last
  (n shares);
* ``absolute_position``: an item earns its share when it sits at its own position (n shares);
* ``all_or_nothing``: full marks for the whole order, else 0.

The items are always shown shuffled (in their key order they would be the answer), and never in the key
order when there are two or more. Response: ``{item id: position}`` (positions from 1); a learner who gives
two items the same position simply has one of them wrong. From the form, each item's select sends
``"<item id>:<position>"``; the JavaScript page may send the ids in order instead. GIFT has no ordering
question; Moodle XML: ``ordering`` (Moodle's qtype_ordering, all items shown).
"""

from __future__ import annotations

import random
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, editing, moodle_parts
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid

GRADINGS = ("relative_next_exclude_last", "relative_next_include_last", "absolute_position", "all_or_nothing")
_MOODLE_GRADINGS = {
    "RELATIVE_NEXT_EXCLUDE_LAST": "relative_next_exclude_last",
    "RELATIVE": "relative_next_exclude_last",
    "REL": "relative_next_exclude_last",
    "RELATIVE_NEXT_INCLUDE_LAST": "relative_next_include_last",
    "ABSOLUTE_POSITION": "absolute_position",
    "ABSOLUTE": "absolute_position",
    "ABS": "absolute_position",
    "ALL_OR_NOTHING": "all_or_nothing",
    "-1": "all_or_nothing",
    "0": "absolute_position",
    "1": "relative_next_exclude_last",
    "2": "relative_next_include_last",
}


class Ordering(ItemType):
    name = "ordering"
    label = _l("Ordering")
    description = _l("Put items in their right order; partial credit for each item followed by the right one.")
    template = "assessments/items/ordering.html"
    moodle_qtype = "ordering"
    editor = editing.Editor(
        fields=(
            editing.Field(
                "grading",
                _l("Grading"),
                editing.SELECT,
                choices=(
                    ("relative_next_exclude_last", _l("Each item followed by the right one (last not counted)")),
                    ("relative_next_include_last", _l("Each item followed by the right one, and the right last")),
                    ("absolute_position", _l("Each item in its right place")),
                    ("all_or_nothing", _l("All or nothing")),
                ),
                default=GRADINGS[0],
            ),
        ),
        rows=(
            editing.Rows(
                "items",
                _l("Items, in their right order"),
                (editing.Field("id", "", editing.HIDDEN), editing.Field("text", _l("Item"), editing.TEXT)),
            ),
        ),
    )

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        raw = data.get("items")
        if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(i, dict) for i in raw):
            raise ItemInvalid(errors + [_("give at least two items to order")])
        items = []
        for number, item in enumerate(raw, 1):
            text = common.html(item.get("text"))
            if not text:
                errors.append(_("item %(n)s has no text", n=number))
            items.append({"id": item.get("id"), "text": text})
        grading = data.get("grading") or GRADINGS[0]
        if grading not in GRADINGS:
            errors.append(_("unknown grading rule %(rule)s", rule=repr(grading)))
        common.assign_ids_noting(items, errors)
        if errors:
            raise ItemInvalid(errors)
        result["items"] = items
        result["grading"] = grading
        return result

    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        items = [{"id": i["id"], "text": i["text"]} for i in data["items"]]
        rng.shuffle(items)
        if [i["id"] for i in items] == [i["id"] for i in data["items"]]:
            items = items[1:] + items[:1]  # shuffled back into the key: show it turned by one instead
        return {"stem": data["stem"], "items": items, "positions": len(items)}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        if raw in (None, ""):
            return None
        ids = [i["id"] for i in data["items"]]
        positions: dict[str, Any] = {}
        if isinstance(raw, list) and all(isinstance(v, str) and ":" in v for v in raw if v != ""):
            # the form: "id:position" per select, "" for one left unplaced
            positions = common.form_pairs(raw, _("an item is placed twice"))
        elif isinstance(raw, list) and all(isinstance(v, str) for v in raw):  # the ids in the learner's order
            if len(set(raw)) != len(raw):
                raise ResponseInvalid(_("an item is placed twice"))
            positions = {item: place for place, item in enumerate(raw, 1)}
        elif isinstance(raw, dict):
            positions = raw
        else:
            raise ResponseInvalid(_("an ordering answer gives each item its position"))
        response = {}
        for item, place in positions.items():
            if place in (None, ""):
                continue
            if isinstance(place, str) and place.isdigit():
                place = int(place)
            if item not in ids or isinstance(place, bool) or not isinstance(place, int) or not 1 <= place <= len(ids):
                raise ResponseInvalid(_("not an item or a position of this question"))
            response[item] = place
        return response or None

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        if not response:
            return Outcome(0.0)
        key = [i["id"] for i in data["items"]]
        grading = data["grading"]
        if grading == "absolute_position":
            right = sum(1 for place, item in enumerate(key, 1) if response.get(item) == place)
            return Outcome(right / len(key))
        if grading == "all_or_nothing":
            return Outcome(1.0 if all(response.get(item) == place for place, item in enumerate(key, 1)) else 0.0)
        # An item is followed by the right one when that one's position is its own plus one.
        pairs = sum(
            1
            for item, after in zip(key, key[1:], strict=False)
            if response.get(item) is not None and response.get(after) == response[item] + 1
        )
        if grading == "relative_next_include_last":
            last = key[-1]
            placed_last = response.get(last) == len(key)
            return Outcome((pairs + (1 if placed_last else 0)) / len(key))
        return Outcome(pairs / (len(key) - 1))

    def right_answer(self, data: dict[str, Any]) -> str:
        return "; ".join(f"{n}. {common.plain(i['text'])}" for n, i in enumerate(data["items"], 1))

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        if not response:
            return ""
        placed = sorted((place, common.plain(i["text"])) for i in data["items"] if (place := response.get(i["id"])))
        return "; ".join(f"{place}. {text}" for place, text in placed)

    # -- interchange ------------------------------------------------------------------------------------
    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        answers = question.findall("answer")
        # The key order is the answers' fraction (1, 2, 3 …), which Moodle writes in that order anyway.
        ordered = sorted(enumerate(answers), key=lambda pair: (moodle_parts.fraction(pair[1]), pair[0]))
        grading = (question.findtext("gradingtype") or "RELATIVE_NEXT_EXCLUDE_LAST").strip().upper()
        if grading not in _MOODLE_GRADINGS:
            raise ItemInvalid(_("the ordering grading %(rule)s is not supported", rule=grading))
        return {"items": [{"text": moodle_parts.html(a)} for _n, a in ordered], "grading": _MOODLE_GRADINGS[grading]}

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        moodle_parts.add_value(question, "layouttype", "VERTICAL")
        moodle_parts.add_value(question, "selecttype", "ALL")
        moodle_parts.add_value(question, "selectcount", len(data["items"]))
        moodle_parts.add_value(question, "gradingtype", data["grading"].upper())
        moodle_parts.add_value(question, "showgrading", "SHOW")
        for place, item in enumerate(data["items"], 1):
            # Moodle's ordering keeps the key position in the fraction attribute (not a percentage).
            answer = moodle_parts.add_answer(question, 0, item["text"])
            answer.set("fraction", str(place))
