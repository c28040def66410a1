"""Grades decided after the learner's sitting (services: they flush, never commit): a person's grade of an
answer its item type cannot score (an essay), and a regrade of a question's attempts once its key was corrected.

Both change attempts as ``assessments/attempts.py`` does: the attempt's row is locked first
(``attempts.locked``), its mark is recomputed from its answers (``attempts.total``, which announces
``attempt_graded`` once nothing waits for a person), and the learner's grade of the assessment goes into the
courseware's grades by the rule the block's own grade event follows: the score in percent by the assessment's
grading method, out of 100 (``courses.progress.record_grade``; a graded block is complete).

**Regrade.** A question's version is frozen once an attempt has drawn it, so correcting a key makes a new
version and old attempts keep the wrong one. :func:`regrade` scores every answer of the question, whatever
version it drew, with the current version's key (the answer keeps its version, which is what the learner
saw), except answers a person graded, whose grade stands. :func:`plan_regrade` says what it would change
without writing anything, for the author to confirm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from assessments import attempts, items
from assessments.models import Attempt, AttemptAnswer, AttemptState, Question, QuestionVersion
from assessments.published import settings_of
from assessments.scoring import graded_percent
from courses import progress
from lms import audit
from lms.clock import utcnow
from lms.db import db

MAX_COMMENT = 5000


class GradingRefused(ValueError):
    """A grade that cannot be recorded; the message says why, ``field`` which form field it concerns."""

    def __init__(self, message: str, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message, self.field, self.status = message, field, status


# -- the courseware's grade ------------------------------------------------------------------------------
def publish_grade(user_id: int, course: Any, usage_key: str) -> float | None:
    """Record the learner's grade of the assessment (percent by its grading method, of 100) in the courseware's
    grades, as the block's grade event would; nothing while no attempt has a mark."""
    method = settings_of(course, usage_key).grading
    percent = graded_percent(attempts.attempts_of(user_id, usage_key), method)
    if percent is not None:
        progress.record_grade(user_id, course.id, usage_key, round(percent, 4), 100.0)
    return percent


# -- a person's grade ------------------------------------------------------------------------------------
def parse_points(raw: Any, max_mark: float) -> float:
    """The score a grader typed (``7``, ``7.5``, ``7,5``), from 0 to the answer's mark; GradingRefused else."""
    text = str(raw if raw is not None else "").strip().replace(",", ".")
    try:
        points = float(text)
    except ValueError:
        points = math.nan
    if not math.isfinite(points) or not 0 <= points <= max_mark:
        raise GradingRefused(_("Give a score from 0 to %(max)s.", max=f"{max_mark:g}"), field="score")
    return points


def grade_answer(
    answer: AttemptAnswer,
    points: Any,
    comment: str,
    by_id: int,
    seen_graded_at: datetime | None = None,
    now: datetime | None = None,
) -> Attempt:
    """A person's grade of one answer: ``points`` of the answer's mark, with a comment the learner sees.

    ``seen_graded_at`` is the grade the grader saw (None: ungraded): when someone else graded the answer in
    the meantime, the grade is refused (409) rather than silently replacing theirs."""
    now = now or utcnow()
    attempt = attempts.locked(answer.attempt)
    answer = db.session.scalars(
        select(AttemptAnswer).where(AttemptAnswer.id == answer.id).execution_options(populate_existing=True)
    ).one()
    if attempt.state != AttemptState.SUBMITTED:
        raise GradingRefused(_("This attempt has not been submitted: grade it once it is."), status=409)
    if not items.get(answer.version.definition["type"]).manual:
        raise GradingRefused(_("This question is scored automatically."), status=409)
    if answer.graded_at != seen_graded_at:
        raise GradingRefused(
            _("Someone else graded this answer meanwhile: their grade is shown below. Change it if you need to."),
            status=409,
        )
    score = parse_points(points, answer.max_mark)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise GradingRefused(
            ngettext(
                "The comment is too long (at most %(num)d character).",
                "The comment is too long (at most %(num)d characters).",
                MAX_COMMENT,
            ),
            "comment",
        )
    answer.fraction = score / answer.max_mark if answer.max_mark else 0.0
    answer.graded_by_id, answer.graded_at, answer.comment = by_id, now, comment
    attempts.total(attempt)
    publish_grade(attempt.user_id, attempt.course, attempt.usage_key)
    event = audit.record("assessment.answer_graded", "attempt_answer", answer.id, attempt=attempt.id, points=score)
    event.actor_id = by_id
    return attempt


# -- regrade ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MarkChange:
    """One attempt whose mark the regrade changes."""

    attempt_id: int
    user_id: int
    learner: str
    usage_key: str
    assessment: str
    old_mark: float | None
    new_mark: float | None
    max_mark: float

    def _percent(self, mark: float | None) -> float | None:
        return None if mark is None or not self.max_mark else 100 * mark / self.max_mark

    @property
    def old_percent(self) -> float | None:
        return self._percent(self.old_mark)

    @property
    def new_percent(self) -> float | None:
        return self._percent(self.new_mark)


@dataclass
class RegradeSummary:
    """What a regrade changed (or, before it is applied, would change)."""

    question_id: int
    version_number: int
    applied: bool
    attempts_checked: int = 0
    answers_checked: int = 0
    answers_changed: int = 0
    kept_by_person: int = 0  # answers a person graded: their grade stands
    unfit: int = 0  # answers naming something the corrected version no longer has: scored 0
    in_progress: int = 0  # attempts not submitted yet: they are graded with the key they drew
    changes: list[MarkChange] = field(default_factory=list)

    @property
    def attempts_changed(self) -> int:
        return len(self.changes)


def _same(a: float | None, b: float | None) -> bool:
    return a is b or (a is not None and b is not None and math.isclose(a, b, abs_tol=1e-9))


def _rescore(kind: items.ItemType, definition: dict[str, Any], response: Any) -> tuple[float, bool]:
    """The fraction a stored response earns with ``definition``'s key, and whether it fits that definition. A
    response recorded against an older version names choices by id (kept across edits); one naming a choice
    the corrected version removed cannot be right, and scores 0."""
    try:
        fraction = kind.score(definition, response).fraction
    except (LookupError, StopIteration, TypeError, ValueError):
        return 0.0, False
    return (0.0 if fraction is None else fraction), True


def _question(question_id: int) -> tuple[Question, QuestionVersion, items.ItemType]:
    question = db.session.get(Question, question_id)
    if question is None:
        raise LookupError(question_id)
    current = question.current_version
    kind = items.get(question.type)
    if current is None or kind.manual or not kind.scored:
        raise GradingRefused(_("A person grades this question, or it has no key: there is nothing to regrade."))
    return question, current, kind


def _attempts_of_question(question_id: int, eager: bool) -> list[Attempt]:
    """The attempts that drew the question; ``eager``: with their answers and learners in three queries (a plan
    reads them all; a regrade reads each attempt's answers after locking it, so it sees them as they are)."""
    drew = (
        select(AttemptAnswer.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.version_id)
        .where(QuestionVersion.question_id == question_id)
    )
    stmt = select(Attempt).where(Attempt.id.in_(drew)).order_by(Attempt.id)
    if eager:
        stmt = stmt.options(selectinload(Attempt.answers).joinedload(AttemptAnswer.version), selectinload(Attempt.user))
    return list(db.session.scalars(stmt))


def _regrade(question_id: int, apply: bool, by_id: int | None) -> RegradeSummary:
    question, current, kind = _question(question_id)
    summary = RegradeSummary(question.id, current.number, applied=apply)
    touched: set[tuple[int, str]] = set()
    for attempt in _attempts_of_question(question.id, eager=not apply):
        if apply:
            attempt = attempts.locked(attempt)
        if attempt.state != AttemptState.SUBMITTED:
            summary.in_progress += 1
            continue
        summary.attempts_checked += 1
        new_fractions: dict[int, float | None] = {a.id: a.fraction for a in attempt.answers}
        for answer in attempt.answers:
            if answer.version.question_id != question.id:
                continue
            summary.answers_checked += 1
            if answer.graded_by_id is not None:
                summary.kept_by_person += 1
                continue
            fraction, fits = _rescore(kind, current.definition, answer.response)
            summary.unfit += not fits
            if not _same(fraction, answer.fraction):
                summary.answers_changed += 1
                new_fractions[answer.id] = fraction
        if new_fractions == {a.id: a.fraction for a in attempt.answers}:
            continue
        old_mark = attempt.mark
        if apply:
            for answer in attempt.answers:
                answer.fraction = new_fractions[answer.id]
            attempts.total(attempt)
            new_mark = attempt.mark
            touched.add((attempt.user_id, attempt.usage_key))
        else:
            waiting = any(f is None for f in new_fractions.values())
            new_mark = None if waiting else sum(new_fractions[a.id] * a.max_mark for a in attempt.answers)
        if not _same(old_mark, new_mark):
            summary.changes.append(
                MarkChange(
                    attempt.id,
                    attempt.user_id,
                    attempt.user.name,
                    attempt.usage_key,
                    settings_of(question.course, attempt.usage_key).title,
                    old_mark,
                    new_mark,
                    attempt.max_mark,
                )
            )
    for user_id, usage_key in sorted(touched):
        publish_grade(user_id, question.course, usage_key)
    if apply:
        event = audit.record(
            "assessment.question_regraded",
            "question",
            question.id,
            version=current.number,
            answers_changed=summary.answers_changed,
            attempts_changed=summary.attempts_changed,
        )
        event.actor_id = by_id
    return summary


def plan_regrade(question_id: int) -> RegradeSummary:
    """What :func:`regrade` would change, computed without writing anything."""
    return _regrade(question_id, apply=False, by_id=None)


def regrade(question_id: int, by: int) -> RegradeSummary:
    """Re-score every submitted answer of the question with its current version's key and recompute the marks
    of the attempts that changed (LookupError for an unknown question, GradingRefused for one without a key)."""
    return _regrade(question_id, apply=True, by_id=by)


# -- what needs a regrade --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outdated:
    """A question whose attempts drew versions that differ from its current one."""

    question: Question
    versions: tuple[QuestionVersion, ...]  # drawn, older, different from the current one
    answers: int  # answers of those versions


def outdated_questions(course_ids: int | list[int], question_id: int | None = None) -> list[Outdated]:
    """The scored questions of the course (or courses) whose older drawn versions differ from the current
    version (a key may have been corrected since): the ones an author may want to regrade. Two queries."""
    if isinstance(course_ids, int):
        course_ids = [course_ids]
    drawn = (
        select(QuestionVersion, Question)
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(
            Question.course_id.in_(course_ids),
            QuestionVersion.id != Question.current_version_id,
            QuestionVersion.id.in_(select(AttemptAnswer.version_id)),
        )
        .order_by(Question.id, QuestionVersion.number)
    )
    if question_id is not None:
        drawn = drawn.where(Question.id == question_id)
    by_question: dict[int, tuple[Question, list[QuestionVersion]]] = {}
    for version, question in db.session.execute(drawn).all():
        kind = items.get(question.type)
        current = question.current_version
        if current is None or kind.manual or not kind.scored or version.definition == current.definition:
            continue
        by_question.setdefault(question.id, (question, []))[1].append(version)
    if not by_question:
        return []
    counts = dict(
        db.session.execute(
            select(AttemptAnswer.version_id, func.count())
            .where(AttemptAnswer.version_id.in_([v.id for _q, vs in by_question.values() for v in vs]))
            .group_by(AttemptAnswer.version_id)
        ).all()
    )
    return [
        Outdated(question, tuple(versions), sum(counts.get(v.id, 0) for v in versions))
        for question, versions in by_question.values()
    ]
