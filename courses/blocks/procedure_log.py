"""The ``procedure_log`` block (hospital track): a logbook of one procedure performed under supervision.

The learner adds de-identified entries (date, setting or ward, autonomy level, a short reflection) and
may delete an entry until it is verified; an assessor verifies or rejects each entry with a comment
through ``assessor_view`` (rendered, like the skill checklist's, with the learner as state user). When the
verified entries reach ``min_supervised`` the block publishes ``grade`` 1/1 and ``completion`` 1.0.

Patient privacy is checked on the server: free-text fields that look like a phone number, a national ID
(16 digits), an e-mail address or a date of birth are refused with a clear message, and the form says
never to enter patient names (which no pattern can recognise).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta

from lxml import etree
from xblock.core import XBlock
from xblock.fields import Integer, List, Scope, String

from courses.blocks.form_handlers import HandlerError, form_handler, whole_number
from courses.blocks.hospital import N_, HospitalBlockMixin, element_text, now_iso

DEFAULT_SCALE = [
    N_("Observed"),
    N_("Assisted"),
    N_("Performed under direct supervision"),
    N_("Performed under indirect supervision"),
    N_("Performed independently"),
]
MAX_SETTING = 120
MAX_REFLECTION = 1000
MAX_ENTRIES = 300
EARLIEST = date(1990, 1, 1)

PENDING, VERIFIED, REJECTED = "pending", "verified", "rejected"
STATE_LABELS = {PENDING: N_("Waiting for verification"), VERIFIED: N_("Verified"), REJECTED: N_("Rejected")}

# Patterns of what must never reach a logbook. Digits may be grouped by spaces, dots, dashes or brackets.
_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janv|f[ée]v|avr|mai|juin|juil|ao[uû]t|d[ée]c)[a-zé]*\.?"
# "DOB" or "date of birth" anywhere; "born" / "né le" only when a date follows ("the baby was born at
# night" is clinical narrative, "born 12/03/1990" is an identifier).
_BIRTH = re.compile(
    r"\b(?:dob|d\.\s?o\.\s?b|date\s+of\s+birth|birth\s?date|date\s+de\s+naissance)\b"
    rf"|\bborn\s+(?:on\s+|in\s+)?(?:\d|{_MONTH}\s)"
    r"|\bn[ée]e?\s+(?:le\s+)?\d",
    re.IGNORECASE,
)
_DIGIT_GROUPS = re.compile(r"\+?\(?\d(?:[\s.\-()]{0,2}\d)+")
IDENTIFIER_KINDS = {
    "email": N_("an e-mail address"),
    "birth": N_("a date of birth"),
    "national_id": N_("a national ID number"),
    "phone": N_("a phone number"),
}


def identifier_kind(text: str) -> str | None:
    """Which kind of patient identifier ``text`` seems to contain, if any."""
    if _EMAIL.search(text):
        return "email"
    if _BIRTH.search(text):
        return "birth"
    for match in _DIGIT_GROUPS.finditer(text):
        digits = len(re.sub(r"\D", "", match.group()))
        if digits >= 16:
            return "national_id"
        if digits >= 9:  # Rwandan numbers have 10 digits (07…), 12 with +250; dates have at most 8
            return "phone"
    return None


def required_count(min_supervised) -> int:  # noqa: ANN001
    """How many verified entries complete the logbook (at least one, whatever the author typed)."""
    try:
        return max(1, int(min_supervised))
    except (TypeError, ValueError):
        return 1


class ProcedureLogBlock(HospitalBlockMixin, XBlock):
    """A logbook: entries by the learner, verified one by one by an assessor.

    The learner sees their progress, the form for a new entry and their entries with each review; the
    assessor verifies or rejects each entry.
    """

    title_field = "procedure"
    olx_child_field = "autonomy_scale"
    student_template = "tot_blocks/procedure_log.html"
    assessor_template = "tot_blocks/procedure_log_assessor.html"
    student_actions = {"add_action": "add_entry", "delete_action": "delete_entry"}
    assessor_actions = {"review_action": "review_entry"}

    display_name = String(
        scope=Scope.settings,
        default="Procedure logbook",
        display_name=N_("Name"),
        help=N_("Shown to learners and in the outline."),
    )
    procedure = String(
        scope=Scope.content,
        default="",
        display_name=N_("Procedure"),
        help=N_("The procedure logged, e.g. 'Urinary catheterisation'."),
    )
    description = String(
        scope=Scope.content,
        default="",
        display_name=N_("Instructions"),
        help=N_("Instructions for the learner and the assessor."),
        multiline_editor=True,
    )
    min_supervised = Integer(
        scope=Scope.settings,
        default=5,
        values={"min": 1},
        display_name=N_("Verified entries needed"),
        help=N_("How many entries an assessor must verify before the logbook is complete."),
    )
    autonomy_scale = List(
        scope=Scope.content,
        default=DEFAULT_SCALE,
        display_name=N_("Autonomy levels"),
        help=N_("The autonomy levels a learner chooses from."),
    )

    entries = List(scope=Scope.user_state, default=[], help="The learner's entries, oldest first.")

    editable_fields = ("display_name", "procedure", "description", "min_supervised", "autonomy_scale")

    # -- data helpers -----------------------------------------------------------------------------------
    def scale(self) -> list[str]:
        """The autonomy labels; the default scale is shown in the learner's language, an author's as written."""
        labels = [str(label).strip() for label in (self.autonomy_scale or []) if str(label).strip()]
        if not labels or labels == DEFAULT_SCALE:
            return [self.ugettext(label) for label in DEFAULT_SCALE]
        return labels

    def required(self) -> int:
        return required_count(self.min_supervised)

    def verified_count(self) -> int:
        return sum(1 for entry in self.entries or [] if entry.get("status") == VERIFIED)

    @staticmethod
    def assessment_status(fields: dict, state: dict) -> dict:
        """What the assessor's overview shows for one learner, from stored values alone (no runtime)."""
        entries = state.get("entries") or []
        required = required_count(fields.get("min_supervised", 5))
        verified = sum(1 for e in entries if e.get("status") == VERIFIED)
        return {
            "kind": "logbook",
            "verified": verified,
            "required": required,
            "pending": sum(1 for e in entries if e.get("status") == PENDING),
            "complete": verified >= required,
        }

    def _find(self, entry_id) -> tuple[int, dict]:  # noqa: ANN001
        for index, entry in enumerate(self.entries or []):
            if entry.get("id") == str(entry_id or ""):
                return index, entry
        raise HandlerError(404, self.ugettext("This entry no longer exists. Reload the page."))

    # -- XML ----------------------------------------------------------------------------------------------
    # ``<procedure_log procedure=… min_supervised=…><description>…</description>
    # <autonomy_level>Observed</autonomy_level>…</procedure_log>``
    def read_olx_children(self, children: list) -> None:
        scale = [element_text(child) for child in children if child.tag == "autonomy_level" and element_text(child)]
        if scale:
            self.autonomy_scale = scale

    def write_olx_children(self, node) -> None:  # noqa: ANN001
        if self.fields["autonomy_scale"].is_set_on(self):
            for label in self.autonomy_scale or []:  # as authored, never translated
                if str(label).strip():
                    etree.SubElement(node, "autonomy_level").text = str(label).strip()

    # -- views ----------------------------------------------------------------------------------------
    def view_context(self) -> dict:
        _ = self.ugettext
        scale = self.scale()
        entries = []
        for entry in reversed(self.entries or []):
            level = int(entry.get("autonomy") or 0)
            entries.append(
                dict(
                    entry,
                    autonomy_label=scale[level - 1] if 0 < level <= len(scale) else "",
                    state_label=_(STATE_LABELS.get(entry.get("status"), STATE_LABELS[PENDING])),
                    review=entry.get("review") or {},
                )
            )
        verified, required = self.verified_count(), self.required()
        return {
            "scale": list(enumerate(scale, 1)),
            "entries": entries,
            "verified": verified,
            "required": required,
            "complete": verified >= required,
            "progress": self.ungettext(
                "{verified} of {required} supervised entry verified",
                "{verified} of {required} supervised entries verified",
                required,
            ).format(verified=verified, required=required),
            "today": datetime.now(UTC).date().isoformat(),
            "max_setting": MAX_SETTING,
            "max_reflection": MAX_REFLECTION,
        }

    # -- validation -----------------------------------------------------------------------------------
    def _clean_text(self, data: dict, name: str, limit: int, label: str) -> str:
        _ = self.ugettext
        value = str(data.get(name) or "").strip()
        if not value:
            raise HandlerError(400, _("{field}: this field is required.").format(field=label), field=name)
        if len(value) > limit:
            too_long = self.ungettext("{field}: at most {n} character.", "{field}: at most {n} characters.", limit)
            raise HandlerError(400, too_long.format(field=label, n=limit), field=name)
        kind = identifier_kind(value)
        if kind:
            message = _(
                "{field}: this looks like {kind}. Remove it: the logbook must not identify patients "
                "(no names, phone numbers, ID numbers, e-mail addresses or dates of birth)."
            ).format(field=label, kind=_(IDENTIFIER_KINDS[kind]))
            raise HandlerError(400, message, field=name)
        return value

    def _clean_date(self, raw) -> str:  # noqa: ANN001
        _ = self.ugettext
        try:
            when = date.fromisoformat(str(raw or "").strip())
        except ValueError as exc:
            raise HandlerError(400, _("Date: enter the date as YYYY-MM-DD."), field="date") from exc
        # A day of slack: the learner's calendar may already be on tomorrow (time zones).
        if when > datetime.now(UTC).date() + timedelta(days=1) or when < EARLIEST:
            raise HandlerError(400, _("Date: enter the day the procedure took place."), field="date")
        return when.isoformat()

    # -- handlers -------------------------------------------------------------------------------------
    @form_handler
    def add_entry(self, data, suffix=""):
        """A new entry: {"date": "YYYY-MM-DD", "setting": …, "autonomy": 1…n, "reflection": …}."""
        _ = self.ugettext
        self.require_learner()
        if len(self.entries or []) >= MAX_ENTRIES:
            raise HandlerError(400, _("This logbook is full."))
        when = self._clean_date(data.get("date"))
        setting = self._clean_text(data, "setting", MAX_SETTING, _("Setting or ward"))
        autonomy = whole_number(data.get("autonomy")) or 0
        if not 1 <= autonomy <= len(self.scale()):
            raise HandlerError(400, _("Autonomy: choose one of the offered levels."), field="autonomy")
        reflection = self._clean_text(data, "reflection", MAX_REFLECTION, _("Reflection"))
        entry = {
            "id": uuid.uuid4().hex[:12],
            "date": when,
            "setting": setting,
            "autonomy": autonomy,
            "reflection": reflection,
            "status": PENDING,
            "created_at": now_iso(),
            "review": None,
        }
        self.entries = [*(self.entries or []), entry]
        return {
            "result": "ok",
            "message": _("Entry added: it now waits for an assessor."),
            "entry": entry,
            "reload": True,
        }

    @form_handler
    def delete_entry(self, data, suffix=""):
        """Remove one of the learner's entries that is not verified: {"entry": id}."""
        _ = self.ugettext
        self.require_learner()
        index, entry = self._find(data.get("entry"))
        if entry.get("status") == VERIFIED:
            raise HandlerError(409, _("A verified entry cannot be deleted."))
        entries = list(self.entries)
        del entries[index]
        self.entries = entries
        return {"result": "ok", "message": _("Entry deleted."), "reload": True}

    @form_handler
    def review_entry(self, data, suffix=""):
        """The assessor's decision on a pending entry: {"entry": id, "decision": "verify"|"reject",
        "comment": …}; a rejection needs a comment the learner can act on."""
        _ = self.ugettext
        self.require_assessor()
        index, entry = self._find(data.get("entry"))
        decision = data.get("decision")
        if decision not in ("verify", "reject"):
            raise HandlerError(400, _("Choose to verify or to reject the entry."), field="decision")
        if entry.get("status") != PENDING:
            raise HandlerError(409, _("This entry has already been reviewed."))
        comment = self.clean_comment(data)
        if decision == "reject" and not comment:
            raise HandlerError(400, _("Say why you reject the entry, so the learner can correct it."), field="comment")
        if comment and identifier_kind(comment):
            raise HandlerError(400, _("The comment must not identify a patient."), field="comment")
        was_complete = self.verified_count() >= self.required()
        reviewed = dict(entry)
        reviewed["status"] = VERIFIED if decision == "verify" else REJECTED
        reviewed["review"] = {
            "by": self.acting_user_name(),
            "by_id": self.acting_user_id(),
            "at": now_iso(),
            "comment": comment,
        }
        entries = list(self.entries)
        entries[index] = reviewed
        self.entries = entries
        verified, required = self.verified_count(), self.required()
        if verified >= required and not was_complete:
            self.publish_completed()
        message = _("Entry verified.") if decision == "verify" else _("Entry rejected.")
        return {"result": "ok", "message": message, "verified": verified, "required": required, "reload": True}

    # -- workbench ------------------------------------------------------------------------------------
    @staticmethod
    def workbench_scenarios():
        return [
            (
                "tot-lms procedure log",
                """<procedure_log display_name="Catheterisation logbook" procedure="Urinary catheterisation"
                    min_supervised="2">
                  <description>Log every catheterisation you perform on placement.</description>
                  <autonomy_level>Observed</autonomy_level>
                  <autonomy_level>Performed with help</autonomy_level>
                  <autonomy_level>Performed alone</autonomy_level>
                </procedure_log>""",
            )
        ]
