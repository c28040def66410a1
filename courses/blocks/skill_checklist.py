"""The ``skill_checklist`` block (hospital track): one competency, its observable steps, the learner's
self-assessment and an assessor's sign-off with an entrustment level.

Everything a learner or an assessor does is stored in the *learner's* ``user_state``. The assessor works
through ``assessor_view``, which a host renders with a runtime whose state user is the learner and whose
current user is the assessor (this LMS: ``courses/assessor``). The block itself refuses a sign-off from
anyone the ``user`` service does not call staff or instructor, and from the learner on their own state,
so calling the handler directly changes nothing. A competent sign-off needs every must-pass step met; it
publishes ``grade`` (1/1) and ``completion`` 1.0, the only way this block completes. The latest sign-off
counts: "not yet competent" after a competent one publishes ``grade`` 0/1 (the completion stays).
"""

from __future__ import annotations

from lxml import etree
from xblock.core import XBlock
from xblock.fields import Dict, Integer, List, Scope, String

from courses.blocks.form_handlers import HandlerError, form_handler, whole_number
from courses.blocks.hospital import N_, HospitalBlockMixin, element_text, now_iso

# -- the block -----------------------------------------------------------------------------------------

SELF_LEVELS = (("not_yet", N_("Not yet")), ("with_help", N_("With help")), ("confident", N_("Confident")))
RESULTS = (("not_observed", N_("Not observed")), ("observed", N_("Observed, not yet met")), ("met", N_("Met")))
ENTRUSTMENT_LEVELS = (
    (1, N_("Observe only"), N_("May watch the procedure but does not perform it.")),
    (2, N_("Perform with direct supervision"), N_("Performs it with the supervisor in the room, ready to step in.")),
    (3, N_("Perform with indirect supervision"), N_("Performs it with the supervisor quickly available nearby.")),
    (4, N_("Perform independently"), N_("Performs it without supervision and reports afterwards.")),
    (5, N_("May supervise others"), N_("Performs it independently and may supervise and teach others.")),
)
LEVEL_NUMBERS = tuple(level for level, _label, _help in ENTRUSTMENT_LEVELS)


def normalise_steps(raw) -> list[dict]:  # noqa: ANN001
    """Steps as ``[{id, text, must_pass}]``: plain strings are accepted; missing ids are s1, s2…"""
    steps, seen = [], set()
    for index, item in enumerate(raw or []):
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            continue
        step_id = str(item.get("id") or f"s{index + 1}").strip()
        if step_id in seen:
            step_id = f"s{index + 1}"
        seen.add(step_id)
        must_pass = item.get("must_pass", False)
        if isinstance(must_pass, str):
            must_pass = must_pass.strip().lower() in ("true", "1", "yes", "y")
        steps.append({"id": step_id, "text": str(item["text"]).strip(), "must_pass": bool(must_pass)})
    return steps


class SkillChecklistBlock(HospitalBlockMixin, XBlock):
    """A competency with steps; learner self-assessment and assessor sign-off (entrustment 1–5).

    The learner reads the steps, rates themself on each and sees the assessor's sign-off; the assessor
    sees the learner's self-assessment and signs off.
    """

    title_field = "competency"
    olx_child_field = "steps"
    student_template = "tot_blocks/skill_checklist.html"
    assessor_template = "tot_blocks/skill_checklist_assessor.html"
    student_actions = {"action": "self_assess"}
    assessor_actions = {"action": "sign_off"}

    display_name = String(
        scope=Scope.settings,
        default="Skill checklist",
        display_name=N_("Name"),
        help=N_("Shown to learners and in the outline."),
    )
    competency = String(
        scope=Scope.content,
        default="",
        display_name=N_("Competency"),
        help=N_("The competency being assessed, as a short title."),
    )
    description = String(
        scope=Scope.content,
        default="",
        display_name=N_("Description"),
        help=N_("What the competency covers and how it is observed."),
        multiline_editor=True,
    )
    steps = List(
        scope=Scope.content,
        default=[],
        display_name=N_("Steps"),
        help=N_(
            "The observable steps or performance criteria, in order. Every must-pass step must be met for a "
            "competent sign-off."
        ),
    )
    competent_level = Integer(
        scope=Scope.settings,
        default=4,
        values={"min": 1, "max": 5},
        display_name=N_("Competent from level"),
        help=N_("The entrustment level (1–5) from which a sign-off counts as competent."),
    )

    self_assessment = Dict(scope=Scope.user_state, default={}, help="The learner's answer per step id.")
    self_assessed_at = String(scope=Scope.user_state, default=None)
    signoff = Dict(scope=Scope.user_state, default={}, help="The assessor's latest sign-off.")
    signoff_history = List(scope=Scope.user_state, default=[], help="Earlier sign-offs, oldest first.")

    editable_fields = ("display_name", "competency", "description", "steps", "competent_level")

    # -- data helpers -----------------------------------------------------------------------------------
    def step_list(self) -> list[dict]:
        return normalise_steps(self.steps)

    def _competent_from(self) -> int:
        return min(max(int(self.competent_level or 4), 1), 5)

    @staticmethod
    def assessment_status(fields: dict, state: dict) -> dict:
        """What the assessor's overview shows for one learner, from stored values alone (no runtime)."""
        signoff = state.get("signoff") or {}
        answers = state.get("self_assessment") or {}
        return {
            "kind": "checklist",
            "signed_off": bool(signoff),
            "competent": bool(signoff.get("competent")),
            "level": signoff.get("level"),
            "self_assessed": len(answers),
            "steps": len(normalise_steps(fields.get("steps"))),
        }

    # -- XML ----------------------------------------------------------------------------------------------
    # ``<skill_checklist competency=… competent_level=…><description>…</description>
    # <step id="s1" must_pass="true">…</step>…</skill_checklist>``
    def read_olx_children(self, children: list) -> None:
        raw_steps = [
            {"id": child.get("id"), "text": element_text(child), "must_pass": child.get("must_pass")}
            for child in children
            if child.tag == "step"
        ]
        if raw_steps:
            self.steps = normalise_steps(raw_steps)

    def write_olx_children(self, node) -> None:  # noqa: ANN001
        for step in self.step_list():
            element = etree.SubElement(node, "step", id=step["id"])
            if step["must_pass"]:
                element.set("must_pass", "true")
            element.text = step["text"]

    # -- views ----------------------------------------------------------------------------------------
    def _signoff_context(self) -> dict | None:
        if not self.signoff:
            return None
        _ = self.ugettext
        record = dict(self.signoff)
        labels = {level: label for level, label, _help in ENTRUSTMENT_LEVELS}
        label = labels.get(record.get("level"))
        record["level_label"] = _(label) if label else ""
        record["date"] = str(record.get("at", ""))[:10]
        result_labels = {value: _(label) for value, label in RESULTS}
        record["step_labels"] = {
            step_id: result_labels["met" if r.get("met") else "observed" if r.get("observed") else "not_observed"]
            for step_id, r in (record.get("steps") or {}).items()
        }
        return record

    def view_context(self) -> dict:
        _ = self.ugettext
        return {
            "steps": self.step_list(),
            "answers": dict(self.self_assessment or {}),
            "self_levels": [(value, _(label)) for value, label in SELF_LEVELS],
            "self_labels": {value: _(label) for value, label in SELF_LEVELS},
            "results": [(value, _(label)) for value, label in RESULTS],
            "levels": [(level, _(label), _(text)) for level, label, text in ENTRUSTMENT_LEVELS],
            "competent_from": self._competent_from(),
            "signoff": self._signoff_context(),
            "history": [dict(h, date=str(h.get("at", ""))[:10]) for h in reversed(self.signoff_history or [])],
        }

    # -- handlers -------------------------------------------------------------------------------------
    @form_handler
    def self_assess(self, data, suffix=""):
        """The learner's own rating of each step: {"steps": {id: "not_yet"|"with_help"|"confident"}}
        (a form sends ``step-<id>`` fields)."""
        _ = self.ugettext
        self.require_learner()
        incoming = data.get("steps")
        if incoming is None:
            incoming = {name[5:]: value for name, value in data.items() if name.startswith("step-")}
        if not isinstance(incoming, dict):
            raise HandlerError(400, _("Send one answer per step."))
        known = {step["id"] for step in self.step_list()}
        allowed = {value for value, _label in SELF_LEVELS}
        answers = {key: value for key, value in (self.self_assessment or {}).items() if key in known}
        for step_id, value in incoming.items():
            if step_id not in known:
                raise HandlerError(400, _("This step is not part of the checklist. Reload the page."))
            if value in (None, ""):
                answers.pop(step_id, None)
            elif isinstance(value, str) and value in allowed:  # a list or an object is no answer (nor hashable)
                answers[step_id] = value
            else:
                raise HandlerError(400, _("Choose one of the offered answers for each step."), field=f"step-{step_id}")
        self.self_assessment = answers
        self.self_assessed_at = now_iso()
        return {"result": "ok", "message": _("Your self-assessment is saved."), "answers": answers}

    @form_handler
    def sign_off(self, data, suffix=""):
        """The assessor's sign-off: {"results": {id: "not_observed"|"observed"|"met"}, "level": 1–5,
        "comment": "…"} (a form sends ``result-<id>``, ``level`` and ``comment``)."""
        _ = self.ugettext
        self.require_assessor()
        steps = self.step_list()
        incoming = data.get("results")
        if incoming is None:
            incoming = {name[7:]: value for name, value in data.items() if name.startswith("result-")}
        if not isinstance(incoming, dict):
            raise HandlerError(400, _("Send one result per step."))
        known = {step["id"] for step in steps}
        if set(incoming) - known:
            raise HandlerError(400, _("This step is not part of the checklist. Reload the page."))
        allowed = {value for value, _label in RESULTS}
        results = {}
        for step in steps:
            value = incoming.get(step["id"]) or "not_observed"
            if not isinstance(value, str) or value not in allowed:
                raise HandlerError(400, _("Choose a result for every step."), field=f"result-{step['id']}")
            results[step["id"]] = {"observed": value != "not_observed", "met": value == "met"}
        level = whole_number(data.get("level"))
        if level not in LEVEL_NUMBERS:
            raise HandlerError(400, _("Choose an entrustment level from 1 to 5."), field="level")
        comment = self.clean_comment(data)
        competent = level >= self._competent_from()
        if competent:
            unmet = [
                f"{i}. {s['text']}" for i, s in enumerate(steps, 1) if s["must_pass"] and not results[s["id"]]["met"]
            ]
            if unmet:
                message = _(
                    "Not signed off: a competent sign-off needs every must-pass step met. Not met: {steps}."
                ).format(steps="; ".join(unmet))
                raise HandlerError(400, message, field="level")
        was_competent = bool(self.signoff and self.signoff.get("competent"))
        if self.signoff:
            self.signoff_history = [*(self.signoff_history or []), dict(self.signoff)]
        self.signoff = {
            "signed_off_by": self.acting_user_name(),
            "signed_off_by_id": self.acting_user_id(),
            "at": now_iso(),
            "level": level,
            "competent": competent,
            "comment": comment,
            "steps": results,
        }
        if competent:
            self.publish_completed()
            message = _("Signed off as competent.")
        elif was_competent:
            self.publish_withdrawn()
            message = _(
                "Sign-off saved: not yet competent at this level. The earlier competent sign-off no longer counts."
            )
        else:
            message = _("Sign-off saved: not yet competent at this level.")
        return {"result": "ok", "message": message, "competent": competent, "level": level, "reload": True}

    # -- workbench ------------------------------------------------------------------------------------
    @staticmethod
    def workbench_scenarios():
        return [
            (
                "tot-lms skill checklist",
                """<skill_checklist display_name="IV cannulation" competency="Insert a peripheral IV cannula"
                    competent_level="4">
                  <description>Observed on a ward with a real patient, after simulation practice.</description>
                  <step id="hygiene" must_pass="true">Performs hand hygiene and wears gloves</step>
                  <step id="consent">Explains the procedure and obtains consent</step>
                  <step id="asepsis" must_pass="true">Keeps the site aseptic</step>
                </skill_checklist>""",
            )
        ]
