"""A learner's attempts at an assessment: starting one (drawing its questions), saving answers, submitting,
grading, closing what the deadline ended, and accommodations (services: they flush, never commit).

**Nothing is lost, nothing counts twice.** Every change to an attempt first locks its row (``FOR UPDATE`` on
PostgreSQL; on SQLite the writing transaction already holds the one write lock), then checks its state and
deadline: an answer saved after the submission or the deadline is refused, and two submissions (a double
click, two tabs) give one result. An answer carries the browser's sequence number; an older or repeated
one (an offline replay) is acknowledged and ignored, so answers land in order and once.

**Drawing.** The attempt's ``seed`` decides which questions a blueprint draws from each category and in
which order they and their options appear. A post-test draws, where the category allows, questions the
learner did not see in the pre-test: the two are parallel forms of one blueprint (``assessments/drawing.py``).
"""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.util import identity_key

from assessments import items
from assessments.drawing import draw, seen_in_pre  # noqa: F401 - draw is part of this module's interface
from assessments.errors import AttemptClosed, AttemptRefused, NotYours
from assessments.models import Accommodation, Attempt, AttemptAnswer, AttemptState, QuestionVersion
from assessments.scoring import graded_percent  # noqa: F401 - part of this module's interface
from assessments.settings import Draw, Settings  # noqa: F401 - part of this module's interface
from lms import audit, hot_sql, signals
from lms.clock import utcnow
from lms.db import db
from lms.web import ID_MAX

KINDS = ("pre", "post", "practice")
# One grant's bounds: a day, and a handful of attempts (more is a mistake, and a deadline must stay a date).
MAX_EXTRA_MINUTES = 24 * 60
MAX_EXTRA_ATTEMPTS = 10


# -- reading ---------------------------------------------------------------------------------------------------
def attempts_of(user_id: int, usage_key: str) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt).where(Attempt.user_id == user_id, Attempt.usage_key == usage_key).order_by(Attempt.number)
        )
    )


def accommodations(user_id: int, usage_key: str) -> tuple[int, int]:
    """(extra minutes, extra attempts) granted to the learner on this assessment."""
    minutes, extra = db.session.execute(
        select(
            func.coalesce(func.sum(Accommodation.extra_minutes), 0),
            func.coalesce(func.sum(Accommodation.extra_attempts), 0),
        ).where(Accommodation.user_id == user_id, Accommodation.usage_key == usage_key)
    ).one()
    return int(minutes), int(extra)


def attempts_left(settings: Settings, user_id: int, taken: int | None = None) -> int | None:
    """How many more attempts the learner may start (None: no limit)."""
    if settings.attempts_allowed == 0 and settings.kind != "pre":
        return None
    allowed = 1 if settings.kind == "pre" else settings.attempts_allowed
    allowed += accommodations(user_id, settings.usage_key)[1]
    if taken is None:
        taken = len(attempts_of(user_id, settings.usage_key))
    return max(0, allowed - taken)


def post_test_closed(user_id: int, course) -> bool:  # noqa: ANN001
    """Whether the learner's post-test is over: every published post-test of the course submitted, none open and
    no attempt left (a pre-test's right answers show only then: parallel forms draw from the same categories, so
    the pre-test's key would help with a post-test attempt still to come). A post-test without a limit on attempts
    never closes; a course without one has none to wait for, and shows no pre-test key either."""
    from assessments.published import published_assessments  # the published version's settings

    posts = [a for a in published_assessments(course) if a.kind == "post"]
    if not posts:
        return False
    for post in posts:
        taken = attempts_of(user_id, post.key)
        if not taken or any(a.state != AttemptState.SUBMITTED for a in taken):
            return False
        settings = Settings(post.key, course.id, kind="post", attempts_allowed=post.attempts_allowed)
        if attempts_left(settings, user_id, len(taken)) != 0:
            return False
    return True


# -- starting --------------------------------------------------------------------------------------------------
def in_progress(settings: Settings, user_id: int, now: datetime | None = None) -> Attempt | None:
    """The learner's open attempt, if any; one whose deadline has passed is submitted first (and None returned)."""
    attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == user_id,
            Attempt.usage_key == settings.usage_key,
            Attempt.state == AttemptState.IN_PROGRESS,
        )
    )
    if attempt is not None and _past_deadline(attempt, now or utcnow()):
        submit(attempt, by="deadline", now=now)
        return None
    return attempt


def start(settings: Settings, user_id: int, now: datetime | None = None, seed: int | None = None) -> Attempt:
    """The learner's open attempt, or a new one with its questions drawn; AttemptRefused when none is left.
    ``seed`` fixes the draw (the demo's simulated attempts are the same on every run); a learner's is random."""
    now = now or utcnow()
    current = in_progress(settings, user_id, now)
    if current is not None:
        return current
    taken = attempts_of(user_id, settings.usage_key)
    left = attempts_left(settings, user_id, len(taken))
    if left == 0:
        raise AttemptRefused(ngettext("You have used your attempt.", "You have used all %(num)d attempts.", len(taken)))
    if seed is None:
        seed = secrets.randbelow(2**31)
    slots = draw(settings, random.Random(seed), seen_in_pre(settings, user_id))
    extra_minutes = accommodations(user_id, settings.usage_key)[0]
    attempt = Attempt(
        user_id=user_id,
        course_id=settings.course_id,
        usage_key=settings.usage_key,
        kind=settings.kind,
        number=len(taken) + 1,
        seed=seed,
        started_at=now,
        deadline=now + timedelta(minutes=settings.time_limit_minutes + extra_minutes)
        if settings.time_limit_minutes
        else None,
        max_mark=sum(mark for _version, mark in slots),
    )
    try:
        with db.session.begin_nested():  # two tabs starting at once: the attempt number is unique
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        current = in_progress(settings, user_id, now)
        if current is None:
            raise AttemptRefused(_("Another attempt was started at the same moment. Reload the page.")) from None
        return current
    db.session.add_all(
        AttemptAnswer(attempt_id=attempt.id, slot=number, version_id=version.id, max_mark=mark)
        for number, (version, mark) in enumerate(slots, 1)
    )
    db.session.flush()
    return attempt


# -- answering ---------------------------------------------------------------------------------------------------
def locked(attempt: Attempt) -> Attempt:
    """The attempt re-read under a row lock (PostgreSQL), so a save, a submission and a person's grade take
    turns. Every change to an attempt starts here (``assessments/grading.py`` too)."""
    return db.session.scalars(
        select(Attempt).where(Attempt.id == attempt.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _past_deadline(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline is not None and now >= attempt.deadline


# Saving an answer is the call a learner's page makes most (each click, each replay): two hot statements
# (``lms/hot_sql.py``) instead of loading the attempt, its answers and their versions as ORM objects. The
# assessments bench's save floor (20% of bare Flask) is missed without it: 9.6% with the ORM (bench/README.md).
_LARGEST_ID = ID_MAX + 1  # ids and slots are 32-bit integers on PostgreSQL: a larger one is an error there
_ANSWER_SLOT = hot_sql.HotStatement(
    select(
        Attempt.user_id,
        Attempt.usage_key,
        Attempt.state,
        Attempt.deadline,
        AttemptAnswer.id,
        AttemptAnswer.sequence,
        QuestionVersion.definition,
    )
    .select_from(Attempt)
    .outerjoin(AttemptAnswer, (AttemptAnswer.attempt_id == Attempt.id) & (AttemptAnswer.slot == bindparam("slot")))
    .outerjoin(QuestionVersion, QuestionVersion.id == AttemptAnswer.version_id)
    .where(Attempt.id == bindparam("attempt"))
    .with_for_update(of=Attempt)  # PostgreSQL: a save, a submission and a grade take turns (``locked``)
)
_STORE_ANSWER = hot_sql.HotStatement(
    update(AttemptAnswer)
    .where(AttemptAnswer.id == bindparam("answer"))
    .values(response=bindparam("response"), saved_at=bindparam("saved_at"), sequence=bindparam("sequence"))
)


def save_answer(
    attempt_id: int,
    slot: int,
    raw: object,
    sequence: int | None,
    now: datetime | None = None,
    owner: tuple[int, str] | None = None,
) -> int:
    """Store the learner's answer in ``slot`` of the attempt; return the sequence number now stored.

    Refused: AttemptClosed after the submission or the deadline (the attempt is then submitted),
    ``items.ResponseInvalid`` for an answer that does not fit the question, LookupError for a slot the attempt
    does not have, NotYours when ``owner`` (user id, usage key) is given and the attempt is not that learner's at
    that block. An answer older than the stored one (``sequence``) is acknowledged and ignored;
    ``sequence=None`` (a form without a script) is the next after the stored one."""
    now = now or utcnow()
    if not (0 < attempt_id < _LARGEST_ID and 0 < slot < _LARGEST_ID):  # beyond any id, and any driver's integers
        raise NotYours(attempt_id) if not 0 < attempt_id < _LARGEST_ID else LookupError(slot)
    db.session.flush()  # the statements below are Core: changes still pending in the session go first
    row = _ANSWER_SLOT.first({"attempt": attempt_id, "slot": slot})
    if row is None or (owner is not None and (row[0], row[1]) != owner):
        raise NotYours(attempt_id)
    _user, _usage, state, deadline, answer_id, stored, definition = row
    if state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(_("This attempt has been submitted: answers can no longer change."))
    if deadline is not None and now >= deadline:
        submit(db.session.get(Attempt, attempt_id), by="deadline", now=now)
        raise AttemptClosed(_("Time is up: this attempt was submitted with the answers saved before the deadline."))
    if answer_id is None:
        raise LookupError(slot)
    response = items.get(definition["type"]).parse(definition, raw)
    if sequence is None:
        sequence = stored + 1
    if sequence > stored:
        _STORE_ANSWER.execute_many([{"answer": answer_id, "response": response, "saved_at": now, "sequence": sequence}])
        loaded = db.session.identity_map.get(identity_key(AttemptAnswer, answer_id))
        if loaded is not None:  # an ORM copy in this session (a test, the demo): it reads the new values
            db.session.expire(loaded, ["response", "saved_at", "sequence"])
    return max(sequence, stored)


def submit(attempt: Attempt, by: str = "learner", now: datetime | None = None) -> Attempt:
    """Submit and grade the attempt, once: a second submission (two tabs, a retry) returns it as it is."""
    now = now or utcnow()
    attempt = locked(attempt)
    if attempt.state != AttemptState.IN_PROGRESS:
        return attempt
    attempt.state = AttemptState.SUBMITTED
    # Past the deadline, the attempt counts as submitted at the deadline, whoever closes it and when.
    attempt.submitted_at = min(now, attempt.deadline) if attempt.deadline else now
    attempt.submitted_by = by
    grade(attempt)
    signals.announce(signals.attempt_submitted, attempt.id, user_id=attempt.user_id, usage_key=attempt.usage_key)
    return attempt


def grade(attempt: Attempt) -> None:
    """Score every answer that a type scores; the attempt's mark once nothing waits for a person."""
    for answer in attempt.answers:
        if answer.graded_by_id is not None:
            continue  # a person's grade stands (an essay, an override)
        definition = answer.version.definition
        kind = items.get(definition["type"])
        answer.fraction = kind.score(definition, answer.response).fraction if kind.scored else 0.0
    total(attempt)


def total(attempt: Attempt) -> None:
    """The attempt's mark from its answers' grades (None while one waits for a person), announcing
    ``attempt_graded`` once it has one; call it on a locked attempt after changing a grade."""
    waiting = any(a.fraction is None for a in attempt.answers)
    attempt.needs_grading = waiting
    attempt.mark = None if waiting else sum(a.fraction * a.max_mark for a in attempt.answers)
    db.session.flush()
    if not waiting:
        signals.announce(signals.attempt_graded, attempt.id, user_id=attempt.user_id, usage_key=attempt.usage_key)


def close_expired(now: datetime | None = None) -> int:
    """Submit every open attempt whose deadline has passed (a job: nobody may ever come back to them)."""
    now = now or utcnow()
    expired = db.session.scalars(
        select(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline <= now)
    ).all()
    for attempt in expired:
        submit(attempt, by="deadline", now=now)
    return len(expired)


# -- accommodations ----------------------------------------------------------------------------------------------
def grant(
    user_id: int, usage_key: str, reason: str, by_id: int, extra_minutes: int = 0, extra_attempts: int = 0
) -> Accommodation:
    """Give one learner extra time or another attempt, recorded with who and why; an open attempt's deadline
    moves at once. An attempt whose time was already up (nobody had closed it yet) is submitted as it stood at
    its deadline instead: extra time does not reopen it (another attempt can be given for that)."""
    if not reason.strip():
        raise AttemptRefused(_("Say why the learner gets this."))
    if extra_minutes < 0 or extra_attempts < 0 or not (extra_minutes or extra_attempts):
        raise AttemptRefused(_("Give extra minutes or extra attempts."))
    if extra_minutes > MAX_EXTRA_MINUTES or extra_attempts > MAX_EXTRA_ATTEMPTS:
        raise AttemptRefused(
            _(
                "One grant gives at most this much: extra minutes, %(minutes)d; extra attempts, %(attempts)d.",
                minutes=MAX_EXTRA_MINUTES,
                attempts=MAX_EXTRA_ATTEMPTS,
            )
        )
    accommodation = Accommodation(
        user_id=user_id,
        usage_key=usage_key,
        extra_minutes=extra_minutes,
        extra_attempts=extra_attempts,
        reason=reason.strip(),
        granted_by_id=by_id,
    )
    db.session.add(accommodation)
    event = audit.record(
        "assessment.accommodation_granted",
        "user",
        user_id,
        usage_key=usage_key,
        extra_minutes=extra_minutes,
        extra_attempts=extra_attempts,
    )
    event.actor_id = by_id
    if extra_minutes:
        now = utcnow()
        for attempt in db.session.scalars(
            select(Attempt).where(
                Attempt.user_id == user_id,
                Attempt.usage_key == usage_key,
                Attempt.state == AttemptState.IN_PROGRESS,
                Attempt.deadline.is_not(None),
            )
        ):
            attempt = locked(attempt)
            if _past_deadline(attempt, now):  # its time was up before the grant: it ends as it stood then
                submit(attempt, by="deadline", now=now)
            else:
                attempt.deadline += timedelta(minutes=extra_minutes)
    db.session.flush()
    return accommodation
