"""Essay: a written answer that a person grades (the manual-grading queue); the score waits for them.

Definition keys: ``max_words`` (a whole number, or None for no limit: a longer answer is refused with a
message saying how long it is, so the learner can shorten it; the page counts words as they type) and
``grader_info`` (HTML guidance for the grader: a model answer, a rubric; never shown to the learner).
Response: the text as typed (plain text, line breaks kept, at most :data:`MAX_LENGTH` characters), or
None. :meth:`Essay.score` gives ``Outcome(None)`` for an answer (a person grades it) and 0 for none.
GIFT: ``{}`` (an empty block; the limit and the guidance are not written); Moodle XML: ``essay``
(``<maxwordlimit>``, ``<graderinfo>``; plain-text response format).
"""

from __future__ import annotations

import random
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from assessments.items import common, editing, gift_text, moodle_parts
from assessments.items.base import ItemInvalid, ItemType, Outcome, ResponseInvalid

MAX_LENGTH = 50_000


def words(text: str) -> int:
    return len(text.split())


class Essay(ItemType):
    name = "essay"
    label = _l("Essay")
    description = _l("A written answer, graded by a person.")
    manual = True
    template = "assessments/items/essay.html"
    moodle_qtype = "essay"
    editor = editing.Editor(
        fields=(
            editing.Field("max_words", _l("Word limit"), editing.NUMBER, help=_l("Empty for no limit.")),
            editing.Field(
                "grader_info",
                _l("Guidance for the grader"),
                editing.HTML,
                help=_l("A model answer or a rubric; learners never see it."),
            ),
        )
    )

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        result, errors = common.begin(data, self.name)
        limit = data.get("max_words")
        if isinstance(limit, str) and limit.strip().isdigit():
            limit = int(limit)
        if limit in (None, "", 0):
            limit = None
        elif isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            errors.append(_("the word limit must be a whole number above 0, or empty"))
        if errors:
            raise ItemInvalid(errors)
        result["max_words"] = limit
        result["grader_info"] = common.html(data.get("grader_info"))
        return result

    def present(self, data: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        return {"stem": data["stem"], "max_words": data["max_words"], "max_length": MAX_LENGTH}

    def parse(self, data: dict[str, Any], raw: Any) -> Any:
        if isinstance(raw, list):
            if len(raw) > 1:
                raise ResponseInvalid(_("this question takes one answer"))
            raw = raw[0] if raw else None
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise ResponseInvalid(_("the answer must be text"))
        text = raw.replace("\r\n", "\n").strip()
        if len(text) > MAX_LENGTH:
            raise ResponseInvalid(_("the answer is longer than %(max)s characters", max=MAX_LENGTH))
        count, limit = words(text), data.get("max_words")
        if limit and count > limit:
            raise ResponseInvalid(
                ngettext(
                    "Your answer has %(count)s words; the limit is %(num)s word.",
                    "Your answer has %(count)s words; the limit is %(num)s words.",
                    limit,
                    count=count,
                )
            )
        return text or None

    def score(self, data: dict[str, Any], response: Any) -> Outcome:
        return Outcome(0.0) if response is None else Outcome(None)

    def right_answer(self, data: dict[str, Any]) -> str:
        return ""  # graded by a person; their guidance is grader_info, not an answer to show

    def response_text(self, data: dict[str, Any], response: Any) -> str:
        return " ".join((response or "").split())

    # -- interchange ------------------------------------------------------------------------------------
    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        block, general = gift_text.general_feedback(answers)
        if block.strip():
            raise ItemInvalid(_("an essay's answer block is empty: {}"))
        return {"stem": stem, "general_feedback": general}

    def to_gift(self, data: dict[str, Any]) -> str:
        # GIFT carries neither the word limit nor the grader's guidance (Moodle XML does): like a choice's
        # "fixed" place, they are lost in GIFT, and nothing a learner's score depends on is.
        return f"####{gift_text.escape(data['general_feedback'])}" if data.get("general_feedback") else ""

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        limit = (question.findtext("maxwordlimit") or "").strip()
        return {
            "max_words": int(limit) if limit.isdigit() and int(limit) > 0 else None,
            "grader_info": moodle_parts.html(question.find("graderinfo")),
        }

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        moodle_parts.add_value(question, "responseformat", "plain")
        moodle_parts.add_value(question, "responserequired", 1)
        moodle_parts.add_value(question, "responsefieldlines", 10)
        if data.get("max_words"):
            moodle_parts.add_value(question, "maxwordlimit", data["max_words"])
        moodle_parts.add_value(question, "attachments", 0)
        moodle_parts.add_value(question, "attachmentsrequired", 0)
        moodle_parts.add_text(question, "graderinfo", data.get("grader_info", ""))
        moodle_parts.add_text(question, "responsetemplate", "")
