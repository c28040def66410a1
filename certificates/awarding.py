"""Automatic awarding: a learner who comes to meet a course's rules gets its certificate, or joins its approval
queue, without anyone asking.

The receivers listen to the fact signals that can make a learner eligible: ``unit_completed`` (a unit done
may finish a required module, or a skill checklist's sign-off), ``course_completed`` and ``attempt_graded``
(the post-test). Facts arrive after their commit, so a receiver only asks ``lms.tasks.enqueue`` for
:func:`consider`, which runs after that commit (after the response, or in a worker) as a unit of work of its
own. :func:`consider` evaluates the rules and, when the learner meets them, calls ``services.issue`` or, when
the course needs an admin's approval, adds the learner to the queue once.

Never twice: ``issue`` returns the learner's current certificate when there is one, and two jobs racing past
that check meet the database's unique index on the current certificate, where the loser gets the winner's
certificate; the queue's unique key on learner and course does the same for approvals.
"""

from __future__ import annotations

import logging

from certificates import approvals, rules, services
from lms import signals
from lms.tasks import enqueue

log = logging.getLogger(__name__)


def consider(user_id: int, course_id: int) -> None:
    """Issue the learner's certificate (or queue it for approval) if they now meet the course's rules."""
    settings = rules.settings_of(course_id)
    if settings is None or not settings.enabled:
        return  # the usual case on every unit completed: one primary-key read, then nothing
    if services.current_certificate(user_id, course_id) is not None:
        return
    if not rules.evaluate(user_id, course_id).eligible:
        return
    if settings.needs_approval:
        approvals.add_waiting(user_id, course_id)
        return
    try:
        services.issue(user_id, course_id)
    except services.CannotIssue as refused:  # the site cannot sign yet: the cohort run or an admin can later
        log.warning("certificate for user %s in course %s not issued: %s", user_id, course_id, refused)


def consider_attempt(user_id: int, usage_key: str) -> None:
    """:func:`consider` for the course an assessment belongs to (its usage key names the course's code)."""
    from courses import queries
    from lms.xblock_host.keys import InvalidKey, UsageKey

    try:
        code = UsageKey(usage_key).context_key
    except InvalidKey:
        return
    course = queries.by_code(code)
    if course is not None:
        consider(user_id, course.id)


def on_progress(course_id: int, *, user_id: int, **_facts) -> None:  # noqa: ANN003
    """Receiver of ``unit_completed`` and ``course_completed`` (sender: the course's id)."""
    enqueue(consider, user_id, course_id)


def on_attempt_graded(_attempt_id: int, *, user_id: int, usage_key: str, **_facts) -> None:  # noqa: ANN003
    enqueue(consider_attempt, user_id, usage_key)


def connect() -> None:
    signals.unit_completed.connect(on_progress)
    signals.course_completed.connect(on_progress)
    signals.attempt_graded.connect(on_attempt_graded)
