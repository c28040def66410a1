"""Description: text between questions (instructions, a case to read, a picture), not a question: no
response, no mark.

Definition keys: the common ones only; the stem may be empty (the contract allows it for a description).
:meth:`Description.parse` takes nothing (any value is refused) and :meth:`Description.score` is 0, but an
assessment leaves a description out of its marks (``scored`` is False). GIFT: a record without an answer
block, so :meth:`Description.to_gift` returns "" and ``gift.py`` writes no braces; Moodle XML:
``description``.
"""

from __future__ import annotations

import random
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from assessments.items import common, editing
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid


class Description(ItemType):
    name = "description"
    label = _l("Description")
    description = _l("Text between questions, such as instructions or a case to read; not scored.")
    scored = False
    template = "assessments/items/description.html"
    moodle_qtype = "description"
    editor = editing.Editor()  # the common fields say it all

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name, stem_required=False)
        if errors:
            raise ItemInvalid(errors)
        return result

    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        return {"stem": data["stem"]}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        if raw in (None, "", []):
            return None
        raise ResponseInvalid(_("a description takes no answer"))

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        return Outcome(0.0)

    def right_answer(self, data: dict[str, Any]) -> str:
        return ""

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        return ""

    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        return {"stem": stem}

    def to_gift(self, data: dict[str, Any]) -> str:
        return ""

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        return {}

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        return None
