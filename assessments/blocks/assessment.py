"""The ``assessment`` XBlock: a pre-test, post-test or practice test placed in a course like any component.

**Where its questions and attempts live.** In tot-lms the block asks for the ``assessments`` runtime service
(``assessments/delivery.py``): questions are drawn from the course's bank by the block's blueprint
(``draws``: N per category, or ``question_ids``), and attempts are kept in the LMS's tables, which guarantee
that nothing is lost and that a submission counts once. Nothing of that is the block's own state, so a
learner cannot touch it through the block's fields.

**The page.** An open attempt shows every question on one page, each in its own form with *Save and next*:
without JavaScript each question is saved by its button (the page then opens at the next one, and says
which are saved); with JavaScript (``public/assessment.js``) answers are saved as they are given, kept in
the browser while offline and sent in order when the connection is back. The deadline is the server's: the
page shows the time left, and an answer after it is refused and the attempt is submitted.

**Review.** After submission the learner sees the score and whether it passes; right answers and feedback
only where ``show_answers`` allows, and for a pre-test never before the learner's post-test (the pre-test
must not teach the post-test).
"""

from __future__ import annotations

import functools
import hashlib
import random
from datetime import UTC, datetime
from typing import Any

import jinja2
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import Boolean, Float, Integer, List, Scope, String

from assessments import items
from assessments.blocks import scenarios, settings_form
from assessments.blocks.field_store import FieldStore
from assessments.blocks.settings_form import GRADING, KINDS, SHOW_ANSWERS
from assessments.blocks.views import AttemptView, SlotView
from assessments.errors import AttemptClosed, AttemptRefused, BlueprintError, NotYours
from assessments.scoring import graded_percent
from courses.blocks.form_handlers import HandlerError, form_handler, whole_number
from courses.blocks.sanitize import clean_html

# The page's script counts a question's changes from 1; the stored number is a 32-bit integer (PostgreSQL).
LARGEST_SEQUENCE = 2**31

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("assessments", "templates"),
    autoescape=True,
    auto_reload=False,  # package files: they change with a release (a restart), not while serving
    extensions=["jinja2.ext.do"],
    trim_blocks=True,
    lstrip_blocks=True,
)


def _(text: str) -> str:  # marks strings for extraction; the block translates them when it renders
    return text


def _by_competency(rows: list[dict[str, Any]], competencies: dict[int, str]) -> list[dict[str, Any]]:
    """The result per competency, in the order the questions came: marks earned of marks possible, or None for
    earned while an answer of it waits for a grader. It shows how many marks, never which answers."""
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        name = competencies.get(row["slot"])
        if not name:
            continue
        total = totals.setdefault(name, {"name": name, "earned": 0.0, "possible": 0.0})
        total["possible"] += row["max_mark"]
        if row["fraction"] is None or total["earned"] is None:
            total["earned"] = None
        else:
            total["earned"] += row["fraction"] * row["max_mark"]
    return list(totals.values())


@XBlock.needs("i18n")
@XBlock.wants("user")
@XBlock.wants("assessments")
class AssessmentBlock(XBlock):
    display_name = String(display_name=_("Title"), scope=Scope.settings, default=_("Assessment"))
    kind = String(
        display_name=_("Kind"),
        help=_("A pre-test (one attempt, locks the course until taken), a post-test or a practice test."),
        scope=Scope.settings,
        default="practice",
        values=[{"value": k, "display_name": k} for k in KINDS],
    )
    intro = String(display_name=_("Introduction"), scope=Scope.content, default="", multiline_editor="html")
    draws = List(
        display_name=_("Blueprint"),
        help=_("How many questions to draw from each category of the bank."),
        scope=Scope.settings,
        default=[],
    )
    question_ids = List(display_name=_("Fixed questions"), scope=Scope.settings, default=[])
    time_limit_minutes = Integer(
        display_name=_("Time limit (minutes)"), help=_("0: no limit."), scope=Scope.settings, default=0
    )
    attempts_allowed = Integer(
        display_name=_("Attempts allowed"),
        help=_("0: no limit. A pre-test allows one."),
        scope=Scope.settings,
        default=1,
    )
    grading = String(
        display_name=_("Grading method"),
        scope=Scope.settings,
        default="highest",
        values=[{"value": g, "display_name": g} for g in GRADING],
    )
    pass_mark = Float(display_name=_("Pass mark (%)"), scope=Scope.settings, default=50.0)
    shuffle_questions = Boolean(display_name=_("Shuffle questions"), scope=Scope.settings, default=True)
    show_answers = String(
        display_name=_("Show right answers and feedback"),
        scope=Scope.settings,
        default="after_submission",
        values=[{"value": v, "display_name": v} for v in SHOW_ANSWERS],
    )

    # Runtimes without the ``assessments`` service (the workbench): the questions it carries, the learner's attempts.
    questions = List(display_name=_("Questions (without a bank)"), scope=Scope.content, default=[])
    own_attempts = List(scope=Scope.user_state, default=[])

    has_score = True
    icon_class = "problem"
    needs_jquery = False  # its script is plain DOM

    def max_score(self) -> int:
        return 100  # the grade is the score in percent, by the grading method

    # -- the store -----------------------------------------------------------------------------------------
    def _service(self):  # noqa: ANN202
        """Where questions and attempts live: tot-lms's tables, or the block's own fields elsewhere."""
        service = self.runtime.service(self, "assessments")
        return service if service is not None else FieldStore(self)

    def ungettext(self, singular: str, plural: str, number: int) -> str:
        return self.runtime.service(self, "i18n").ngettext(singular, plural, number)

    # -- views -------------------------------------------------------------------------------------------------
    def student_view(self, context: dict | None = None) -> Fragment:
        service = self._service()
        if service.preview:
            try:
                sample = service.sample(self)
            except ValueError as error:  # BlueprintError: the bank cannot serve the blueprint
                return self._render(
                    "assessments/block/summary.html", problem=str(error), history=[], review=[], attempts_left=0
                )
            return self._render("assessments/block/preview.html", slots=self._presented(sample, random.Random()))
        history = service.history(self)
        current = next((a for a in history if a.open), None)
        if current is not None:
            return self._attempt_page(current)
        submitted = [a for a in history if not a.open]
        review_answers = self.show_answers != "never" and (self.kind != "pre" or service.post_test_closed())
        return self._render(
            "assessments/block/summary.html",
            history=submitted,
            attempts_left=service.attempts_left(self),
            modules_to_complete=service.modules_to_complete(self),
            review=[self._review(a, review_answers, service.competencies(a.id)) for a in submitted[-1:]],
            review_answers=review_answers,
        )

    def _attempt_page(self, attempt: AttemptView) -> Fragment:
        now = datetime.now(UTC).replace(tzinfo=None)  # stored times are naive UTC
        slots = self._presented(attempt.slots, random.Random(attempt.seed))
        frag = self._render(
            "assessments/block/attempt.html",
            attempt=attempt,
            slots=slots,
            seconds_left=attempt.seconds_left(now),
            saved=sum(1 for s in attempt.slots if s.answered),
        )
        frag.add_javascript_url(self.runtime.local_resource_url(self, "public/assessment.js"))
        frag.initialize_js(
            "TotAssessment",
            {
                "attempt": attempt.id,
                "sequences": {s.slot: s.sequence for s in attempt.slots},
                "messages": self._js_messages(),
            },
        )
        return frag

    def _presented(self, slots: list[SlotView], rng: random.Random) -> list[dict[str, Any]]:
        """What the page shows of each question (its type's ``present``: no key, options in the seed's order)."""
        shown = []
        for slot in slots:
            kind = items.get(slot.definition["type"])
            shown.append(
                {
                    "slot": slot.slot,
                    "item": kind.present(slot.definition, rng),
                    "template": kind.template,
                    "response": slot.response,
                    "answered": slot.answered,
                    "scored": kind.scored,
                    "max_mark": slot.max_mark,
                }
            )
        return shown

    def _review(self, attempt: AttemptView, answers: bool, competencies: dict[int, str]) -> dict[str, Any]:
        rows = []
        for slot in attempt.slots:
            kind = items.get(slot.definition["type"])
            if not kind.scored:
                continue
            outcome = kind.score(slot.definition, slot.response) if answers else None
            rows.append(
                {
                    "slot": slot.slot,
                    "stem": slot.definition["stem"],
                    "response": kind.response_text(slot.definition, slot.response) if slot.answered else "",
                    "fraction": slot.fraction,
                    "max_mark": slot.max_mark,
                    "right_answer": kind.right_answer(slot.definition) if answers else "",
                    "feedback": list(outcome.feedback) if outcome else [],
                    "general_feedback": slot.definition.get("general_feedback", "") if answers else "",
                    "comment": slot.comment,
                }
            )
        percent = attempt.percent
        return {
            "attempt": attempt,
            "rows": rows,
            "competencies": _by_competency(rows, competencies),
            "percent": percent,
            "passed": percent is not None and percent >= self.pass_mark,
        }

    def _render(self, template: str, **context: Any) -> Fragment:
        # The catalogue's functions looked up once: a page of questions translates some thirty strings.
        i18n = self.runtime.service(self, "i18n")
        gettext, ngettext = i18n.ugettext, i18n.ungettext

        def translate(text: str, **variables: Any) -> str:  # Flask-Babel's ``_``: filled only when given variables
            translated = gettext(text)
            return translated % variables if variables else translated

        html = _templates.get_template(template).render(
            block=self,
            dom_id=self.dom_id,
            title=gettext(self.display_name),
            intro=clean_html(self.intro or ""),
            _=translate,
            ngettext=lambda singular, plural, num, **variables: (
                ngettext(singular, plural, num) % {"num": num, **variables}
            ),
            handler=lambda name: self.runtime.handler_url(self, name),
            **context,
        )
        return Fragment(html)

    def _gettext(self, text: str, **variables: Any) -> str:
        """Templates' ``_``: translated, then filled like Flask-Babel's (only when given variables)."""
        translated = self.ugettext(text)
        return translated % variables if variables else translated

    def answer_field(self, slot: int) -> str:
        """The form field of a question's controls: unique on the page (element ids start with it)."""
        return f"{self.dom_id}-a{slot}"

    @functools.cached_property  # asked for each question's field names
    def dom_id(self) -> str:
        return "assess-" + hashlib.sha256(str(self.scope_ids.usage_id).encode()).hexdigest()[:12]

    def _js_messages(self) -> dict[str, str]:
        _ = self.ugettext  # noqa: F841 - shadows the module's marker: these are translated now
        return {
            "saving": _("Saving…"),
            "saved": _("Saved."),
            "offline": _("Saved on this device: it will be sent when the connection is back."),
            "closed": _("This attempt is closed."),
            "error": _("Not saved. Reload the page and try again."),
        }

    # -- handlers ----------------------------------------------------------------------------------------------
    @form_handler
    def start(self, data: dict, suffix: str = "") -> dict:
        self._not_in_preview()
        try:
            attempt = self._service().start(self)
        except (AttemptRefused, BlueprintError) as refused:
            raise HandlerError(409, str(refused)) from None
        return {"message": self.ugettext("Attempt started."), "attempt": attempt.id}

    @form_handler(lists=lambda name: name.startswith("assess-"))  # a question's controls (self.answer_field)
    def answer(self, data: dict, suffix: str = "") -> dict:
        """Save one question's answer: JSON from the page's script (``sequence`` numbers the browser's changes),
        or its form's *Save and next* button (then the page opens at the next question)."""
        self._not_in_preview()
        slot = whole_number(data.get("slot"))
        sequence = whole_number(data.get("sequence")) if "sequence" in data else None
        if slot is None or (sequence is not None and sequence < 0):
            raise HandlerError(400, self.ugettext("Which question is this answer for?"))
        if sequence is not None and sequence >= LARGEST_SEQUENCE:  # past any count the page makes: forged
            raise HandlerError(400, self.ugettext("Not saved. Reload the page and try again."))
        raw = data["answer"] if "answer" in data else data.get(self.answer_field(slot), [])
        saved = self._call(lambda s: s.save(self, data.get("attempt"), slot, raw, sequence))
        result = {"saved": True, "slot": saved.slot, "sequence": saved.sequence, "message": self.ugettext("Saved.")}
        after = data.get("next")
        if after == "submit":  # the last question: on to the Submit button
            result["anchor"] = f"{self.dom_id}-submit"
        elif whole_number(after) is not None:
            result["anchor"] = f"{self.dom_id}-q{whole_number(after)}"
        return result

    @form_handler
    def submit(self, data: dict, suffix: str = "") -> dict:
        """Submit the attempt; while scored questions are unanswered, only with ``confirm`` (the form's box): a
        learner without JavaScript who typed an answer and went straight to Submit is told, and loses nothing."""
        self._not_in_preview()
        if data.get("confirm") not in ("yes", "on", True):
            missing = self._unanswered(data.get("attempt"))
            if missing:
                numbers = ", ".join(str(n) for n in missing)
                message = self.ungettext(
                    "Question %(numbers)s is not answered yet. Save its answer first, or tick “Submit with "
                    "unanswered questions” to submit anyway.",
                    "Questions %(numbers)s are not answered yet. Save their answers first, or tick “Submit "
                    "with unanswered questions” to submit anyway.",
                    len(missing),
                ) % {"numbers": numbers}
                raise HandlerError(409, message, field="confirm")
        attempt = self._call(lambda s: s.submit(self, data.get("attempt")))
        self._publish_grade()
        return {"message": self.ugettext("Submitted."), "percent": attempt.percent}

    def _not_in_preview(self) -> None:
        """An author's preview (the studio's draft) records nothing: its page has no Start, and a handler link of
        the draft (the settings form's) must not start, answer or submit a real attempt either."""
        if self._service().preview:
            message = "Preview: one draw a learner might get. Nothing is recorded; answers cannot be sent here."
            raise HandlerError(409, self.ugettext(message))

    def _unanswered(self, attempt_id: Any) -> list[int]:
        """The scored questions of the learner's open attempt ``attempt_id`` not answered yet (none for any other
        id: submitting it is refused or answered as it is)."""
        for attempt in self._call(lambda s: s.history(self)):
            if str(attempt.id) == str(attempt_id) and attempt.open:
                return [s.slot for s in attempt.slots if items.get(s.definition["type"]).scored and not s.answered]
        return []

    def _call(self, action):  # noqa: ANN001, ANN202
        """Run a store action, its refusals as the handler's answers (a closed attempt, a tampered id)."""
        service = self._service()
        try:
            return action(service)
        except NotYours:
            raise HandlerError(403, self.ugettext("This is not your attempt.")) from None
        except AttemptClosed as closed:
            self._publish_grade()  # the deadline may just have submitted it
            raise HandlerError(409, str(closed)) from None
        except items.ResponseInvalid:
            raise HandlerError(400, self.ugettext("This answer does not fit the question.")) from None
        except LookupError:
            raise HandlerError(400, self.ugettext("This attempt has no such question.")) from None

    def _publish_grade(self) -> None:
        service = self._service()
        history = service.history(self)
        percent = graded_percent(history, self.grading)  # type: ignore[arg-type]
        if percent is not None:
            self.runtime.publish(self, "grade", {"value": round(percent, 4), "max_value": 100})

    # -- authoring ---------------------------------------------------------------------------------------------
    def author_view(self, context: dict | None = None) -> Fragment:
        return self._render("assessments/block/author.html")

    def studio_view(self, context: dict | None = None) -> Fragment:
        """The settings form: the blueprint as a number of questions per category of the bank, and the rules.
        A plain form posted to ``save_settings``: it works without JavaScript."""
        counts = {str(d.get("category", "")): d for d in self.draws if isinstance(d, dict)}
        rows = [
            {"path": path, "available": available, "count": int(counts.get(path, {}).get("count", 0) or 0)}
            for path, available in self._service().categories()
        ]
        return self._render(
            "assessments/block/settings.html", rows=rows, kinds=KINDS, gradings=GRADING, show=SHOW_ANSWERS
        )

    @form_handler(lists=("category", "count"))
    def save_settings(self, data: dict, suffix: str = "") -> dict:
        """Save the settings form (authors only: the studio's draft runtime is theirs alone)."""
        try:
            values = settings_form.read(data, self._gettext)
        except settings_form.SettingsInvalid as invalid:
            raise HandlerError(400, invalid.message, field=invalid.field) from None
        for name, value in values.items():
            setattr(self, name, value)
        return {"message": self._gettext("Saved.")}

    # -- workbench -------------------------------------------------------------------------------------------
    @staticmethod
    def workbench_scenarios():
        return scenarios.WORKBENCH
