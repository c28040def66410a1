"""The ``assessments`` runtime service: an assessment block's attempts kept in the LMS's tables.

The block (``assessments/blocks/assessment.py``) asks for this service; where a runtime offers it, the
questions come from the course's bank and the attempts, answers and grades live in the tables of
``assessments/models.py`` through ``assessments/attempts.py``, which keep the promises (nothing lost,
one result, the server's deadline). A learner only ever reaches their own attempts: every call names the
runtime's state user, and an attempt id from the browser that is not theirs, or not of this block, is refused.

In a draft preview (an author trying the unit) nothing is recorded: the block shows a sample draw.
"""

from __future__ import annotations

import math
import random
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from assessments import attempts
from assessments.attempts import Draw, Settings
from assessments.blocks.views import AttemptView, Saved, SlotView
from assessments.errors import AttemptClosed, AttemptRefused, NotYours
from assessments.models import Attempt, AttemptAnswer, AttemptState, QuestionVersion
from assessments.scoring import GRADING_METHODS
from lms import hot_sql
from lms.clock import utcnow
from lms.db import db
from lms.request_transaction import keep_writes_on_error
from lms.web import ID_MAX
from lms.xblock_host.models import PUBLISHED

# A time limit read from an imported course is cut to a year: past it, a deadline is no longer a date.
MAX_TIME_LIMIT = 366 * 24 * 60


def _whole(value: Any, high: int | None = None) -> int:
    """A count or an id from the block's fields: a whole number up to the largest id (0 past it), or cut to
    ``high``; 0 for anything else."""
    try:
        number = max(0, int(value or 0))
    except (TypeError, ValueError, OverflowError):
        return 0
    if high is not None:
        return min(number, high)
    return number if number <= ID_MAX else 0


def _positive(value: Any) -> float | None:
    """A draw's mark: a positive finite number, or None (each question's own default mark)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        mark = float(value)
    except OverflowError:  # an integer past any float
        return None
    return mark if 0 < mark < math.inf else None


class AssessmentService:
    def __init__(self, runtime: Any):
        self.context = runtime.context
        self.user_id = runtime.state_user_id
        self.preview = runtime.context.branch != PUBLISHED

    # -- settings ----------------------------------------------------------------------------------------
    def settings(self, block: Any) -> Settings:
        """The block's fields as the attempts read them. The studio's form checks what it saves, but an imported
        course (OLX) sets the fields as its file says: a value of the wrong type or size is read as the nearest
        sane one (a draw of a count that is not a number draws nothing, a mark that is not a positive number
        is the question's own, an unknown question id is missing from the bank, an unknown kind is a practice test
        and an unknown grading method the highest), never a failing page."""
        draws = tuple(
            Draw(str(d.get("category", "")), count, _positive(d.get("mark")))
            for d in block.draws
            if isinstance(d, dict) and (count := _whole(d.get("count"))) > 0
        )
        return Settings(
            usage_key=str(block.scope_ids.usage_id),
            course_id=self.context.course_id,
            kind=block.kind if block.kind in attempts.KINDS else "practice",
            draws=draws,
            question_ids=tuple(_whole(q) for q in block.question_ids),
            time_limit_minutes=_whole(block.time_limit_minutes, MAX_TIME_LIMIT),
            attempts_allowed=int(block.attempts_allowed or 0),
            grading=block.grading if block.grading in GRADING_METHODS else "highest",
            pass_mark=float(block.pass_mark),
            shuffle_questions=bool(block.shuffle_questions),
            pre_usage_keys=self._pre_tests() if block.kind == "post" else (),
        )

    def _pre_tests(self) -> tuple[str, ...]:
        """The course's pre-tests (a post-test draws what they did not show)."""
        snapshot = getattr(self.context.authored, "snapshot", {})
        return tuple(
            key
            for key, entry in snapshot.items()
            if entry.get("type") == "assessment" and entry.get("fields", {}).get("kind") == "pre"
        )

    # -- attempts ----------------------------------------------------------------------------------------
    def history(self, block: Any) -> list[AttemptView]:
        """The learner's attempts at the block, oldest first: two queries (the attempts; the answers with their
        question versions), not an ORM load per answer and version. Only the open attempt and the latest
        submitted one come with their questions and answers (what the page shows); the others' marks are all a
        grade needs, and a practice test may have been taken many times."""
        usage_key = str(block.scope_ids.usage_id)
        parameters = {"user": self.user_id, "usage": usage_key}
        db.session.flush()  # the statements are Core: changes still pending in the session go first
        rows = _ATTEMPTS.all(parameters)
        now = utcnow()
        if any(row[2] == AttemptState.IN_PROGRESS and row[5] is not None and now >= row[5] for row in rows):
            attempts.in_progress(self.settings(block), self.user_id, now)  # submitted before it is shown
            db.session.flush()
            rows = _ATTEMPTS.all(parameters)
        slots: dict[int, list[SlotView]] = {row[0]: [] for row in rows}
        open_id = next((row[0] for row in rows if row[2] == AttemptState.IN_PROGRESS), 0)
        latest_id = next((row[0] for row in reversed(rows) if row[2] != AttemptState.IN_PROGRESS), 0)
        if open_id or latest_id:  # 0: no such attempt (no id is 0)
            for attempt_id, *values in _ANSWERS.all({"open": open_id, "latest": latest_id}):
                slots[attempt_id].append(SlotView(*values))
        return [AttemptView(*row, slots=slots[row[0]]) for row in rows]

    def attempts_left(self, block: Any) -> int | None:
        return attempts.attempts_left(self.settings(block), self.user_id)

    def start(self, block: Any) -> AttemptView:
        missing = self.modules_to_complete(block)
        if missing:
            raise AttemptRefused(
                _("The post-test opens once you have completed: %(modules)s.", modules=", ".join(missing))
            )
        return _view(attempts.start(self.settings(block), self.user_id))

    def modules_to_complete(self, block: Any) -> list[str]:
        """For a post-test, the titles of the modules the learner has still to complete before it opens: every
        module of the course that holds no pre-test or post-test (``courses.queries.completion``)."""
        if block.kind != "post" or self.preview:
            return []
        from courses.queries import completion
        from courses.structure import published_structure

        structure = published_structure(self.context.course)
        if structure is None:
            return []
        tests = {
            key
            for key, entry in self.context.authored.snapshot.items()
            if entry.get("type") == "assessment" and entry.get("fields", {}).get("kind") in ("pre", "post")
        }
        holding_tests = {structure.module_of_block[key].key for key in tests if key in structure.module_of_block}
        done = completion(self.user_id, self.context.course_id).modules
        return [m.title for m in structure.modules if m.key not in holding_tests and m.key not in done]

    def save(self, block: Any, attempt_id: Any, slot: int, raw: Any, sequence: int | None) -> Saved:
        try:
            attempt_id = int(attempt_id)
        except (TypeError, ValueError):
            raise NotYours(attempt_id) from None
        owner = (self.user_id, str(block.scope_ids.usage_id))
        try:
            stored = attempts.save_answer(attempt_id, slot, raw, sequence, owner=owner)
        except AttemptClosed:
            # The answer is refused (409), but a deadline's submission made on the way, and its grade, stand:
            # the request's error would otherwise roll them back.
            keep_writes_on_error()
            raise
        return Saved(slot=slot, sequence=stored)

    def submit(self, block: Any, attempt_id: int) -> AttemptView:
        return _view(attempts.submit(self._own(block, attempt_id)))

    def sample(self, block: Any) -> list[SlotView]:
        """A draw as a learner might get it, recorded nowhere (an author's preview)."""
        drawn = attempts.draw(self.settings(block), random.Random())
        return [SlotView(slot=n, definition=v.definition, max_mark=mark) for n, (v, mark) in enumerate(drawn, 1)]

    def categories(self) -> list[tuple[str, int]]:
        """The course bank's categories with their number of questions (the studio's blueprint editor)."""
        from assessments.queries import category_counts

        return [(category.path, count) for category, count in category_counts(self.context.course_id)]

    def competencies(self, attempt_id: int) -> dict[int, str]:
        """Each slot's competency, for the result's breakdown: its category's learning outcome, or the category's
        name where it has none. One query, on the summary page only."""
        from assessments.models import AttemptAnswer, Question, QuestionCategory, QuestionVersion

        rows = db.session.execute(
            select(AttemptAnswer.slot, QuestionCategory.outcome, QuestionCategory.path)
            .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.version_id)
            .join(Question, Question.id == QuestionVersion.question_id)
            .join(QuestionCategory, QuestionCategory.id == Question.category_id)
            .where(AttemptAnswer.attempt_id == attempt_id)
        )
        return {slot: outcome or path.rsplit("/", 1)[-1] for slot, outcome, path in rows}

    def post_test_closed(self) -> bool:
        """Whether the learner's post-test is over (``attempts.post_test_closed``): a pre-test's answers show then."""
        return attempts.post_test_closed(self.user_id, self.context.course)

    def _own(self, block: Any, attempt_id: Any) -> Attempt:
        try:
            number = int(attempt_id)
        except (TypeError, ValueError):
            number = 0
        attempt = db.session.get(Attempt, number) if 0 < number <= ID_MAX else None  # no id is larger (nor 0)
        if attempt is None or attempt.user_id != self.user_id or attempt.usage_key != str(block.scope_ids.usage_id):
            raise NotYours(attempt_id)
        return attempt


# The two statements of a page (the attempt's questions and answers), run as hot statements (``lms/hot_sql.py``):
# the assessments bench's attempt-page floor (12% of bare Flask) is missed without them (bench/README.md).
# Their columns are in the order of AttemptView's and SlotView's fields.
_ATTEMPTS = hot_sql.HotStatement(
    select(
        Attempt.id,
        Attempt.number,
        Attempt.state,
        Attempt.seed,
        Attempt.started_at,
        Attempt.deadline,
        Attempt.submitted_at,
        Attempt.mark,
        Attempt.max_mark,
        Attempt.needs_grading,
    )
    .where(Attempt.user_id == bindparam("user"), Attempt.usage_key == bindparam("usage"))
    .order_by(Attempt.number)
)


_ANSWERS = hot_sql.HotStatement(
    select(
        AttemptAnswer.attempt_id,
        AttemptAnswer.slot,
        QuestionVersion.definition,
        AttemptAnswer.max_mark,
        AttemptAnswer.response,
        AttemptAnswer.sequence,
        AttemptAnswer.saved_at,
        AttemptAnswer.fraction,
        AttemptAnswer.comment,
    )
    .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.version_id)
    .where(AttemptAnswer.attempt_id.in_([bindparam("open"), bindparam("latest")]))
    .order_by(AttemptAnswer.attempt_id, AttemptAnswer.slot)
)


def _slot(answer: Any) -> SlotView:
    return SlotView(
        slot=answer.slot,
        definition=answer.version.definition,
        max_mark=answer.max_mark,
        response=answer.response,
        sequence=answer.sequence,
        saved_at=answer.saved_at,
        fraction=answer.fraction,
        comment=answer.comment,
    )


def _view(attempt: Attempt) -> AttemptView:
    return AttemptView(
        id=attempt.id,
        number=attempt.number,
        state=attempt.state,
        seed=attempt.seed,
        started_at=attempt.started_at,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
        mark=attempt.mark,
        max_mark=attempt.max_mark,
        needs_grading=attempt.needs_grading,
        slots=[_slot(a) for a in attempt.answers],
    )
