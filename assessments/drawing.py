"""Drawing an attempt's questions: which current versions a blueprint (N per category) or a fixed list gives,
with their marks, in the order the seed makes; and which questions a learner's pre-test showed, so that a
post-test draws others where the category allows (parallel forms of one blueprint).
"""

from __future__ import annotations

import random

from flask_babel import gettext as _
from sqlalchemy import select

from assessments import bank, items
from assessments.errors import BlueprintError
from assessments.models import Attempt, AttemptAnswer, Question, QuestionCategory, QuestionVersion
from assessments.settings import Settings
from lms.db import db


def draw(settings: Settings, rng: random.Random, avoid: set[int] = frozenset()) -> list[tuple[QuestionVersion, float]]:
    """The versions an attempt draws (current versions), each with its mark, in the attempt's order."""
    chosen: list[tuple[Question, float | None]] = []
    if settings.draws:
        for part in settings.draws:
            pool = _pool(settings.course_id, part.category)
            if len(pool) < part.count:
                raise BlueprintError(
                    _(
                        "Not enough questions in “%(category)s” of the question bank: this assessment draws "
                        "%(need)d, the category has %(have)d.",
                        have=len(pool),
                        category=part.category or _("all categories"),
                        need=part.count,
                    )
                )
            fresh = [q for q in pool if q.id not in avoid]
            # Questions unseen in the pre-test first, where there are enough; then the others.
            picked = rng.sample(fresh, min(part.count, len(fresh)))
            if len(picked) < part.count:
                rest = [q for q in pool if q.id in avoid]
                picked += rng.sample(rest, part.count - len(picked))
            chosen.extend((q, part.mark) for q in picked)
    else:
        by_id = {
            q.id: q
            for q in db.session.scalars(
                select(Question).where(Question.course_id == settings.course_id, Question.id.in_(settings.question_ids))
            )
        }
        missing = [qid for qid in settings.question_ids if qid not in by_id]
        if missing or not settings.question_ids:
            raise BlueprintError(_("This assessment has no questions yet, or some were deleted from the bank."))
        chosen = [(by_id[qid], None) for qid in settings.question_ids]
    if settings.shuffle_questions:
        rng.shuffle(chosen)
    result = []
    for question, mark in chosen:
        version = question.current_version
        if version is None:
            raise BlueprintError(_("A question of this assessment has no content."))
        kind = items.get(version.definition["type"])
        result.append((version, 0.0 if not kind.scored else (mark or float(version.definition["default_mark"]))))
    return result


def _pool(course_id: int, path: str) -> list[Question]:
    stmt = select(Question).where(Question.course_id == course_id, Question.current_version_id.is_not(None))
    path = bank.normalise_path(path) if path else ""
    if path:
        stmt = stmt.join(QuestionCategory).where(
            (QuestionCategory.path == path) | QuestionCategory.path.startswith(f"{path}/")
        )
    return list(db.session.scalars(stmt.order_by(Question.id)))


def seen_in_pre(settings: Settings, user_id: int) -> set[int]:
    if settings.kind != "post" or not settings.pre_usage_keys:
        return set()
    return set(
        db.session.scalars(
            select(QuestionVersion.question_id)
            .join(AttemptAnswer, AttemptAnswer.version_id == QuestionVersion.id)
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
            .where(Attempt.user_id == user_id, Attempt.usage_key.in_(settings.pre_usage_keys))
        )
    )
