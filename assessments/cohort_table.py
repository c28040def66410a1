"""The instructor's attempts table of a cohort: one row per active learner and assessment of the course's
published version, with the status of the learner's attempts, the score by the assessment's grading method,
pass or fail, the time taken and when it was submitted; filtered, sorted and written as CSV.

Two queries whatever the cohort's size: the learners and their attempts at the version's assessments (the
published tree is cached). Rows are built in Python: a cohort has tens or hundreds of
learners and a course a few assessments, and the score by grading method needs every attempt anyway.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assessments.models import Attempt, AttemptState
from assessments.published import AssessmentInfo
from assessments.scoring import graded_percent
from lms.cohorts.models import Cohort, Enrollment
from lms.cohorts.queries import cohort_enrollments
from lms.db import db

NOT_STARTED, IN_PROGRESS, WAITING, SUBMITTED = "not_started", "in_progress", "waiting", "submitted"
STATUSES = (NOT_STARTED, IN_PROGRESS, WAITING, SUBMITTED)
STATUS_LABELS = {
    NOT_STARTED: _l("Not started"),
    IN_PROGRESS: _l("In progress"),
    WAITING: _l("Waiting for grading"),
    SUBMITTED: _l("Submitted"),
}
SORTS = ("name", "assessment", "status", "score", "time", "submitted")


@dataclass
class Row:
    """One learner's standing in one assessment."""

    enrollment: Enrollment
    assessment: AssessmentInfo
    attempts: list[Attempt] = field(default_factory=list)
    now: datetime | None = None

    @property
    def learner(self):  # noqa: ANN201
        return self.enrollment.user

    @property
    def latest(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def submitted(self) -> list[Attempt]:
        return [a for a in self.attempts if a.state == AttemptState.SUBMITTED]

    @property
    def status(self) -> str:
        if not self.attempts:
            return NOT_STARTED
        if self.latest.state == AttemptState.IN_PROGRESS:
            return IN_PROGRESS
        if any(a.needs_grading for a in self.submitted):
            return WAITING
        return SUBMITTED

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def percent(self) -> float | None:
        """The score by the assessment's grading method, from its graded attempts."""
        return graded_percent(self.attempts, self.assessment.grading)

    @property
    def passed(self) -> bool | None:
        percent = self.percent
        return None if percent is None else percent >= self.assessment.pass_mark

    @property
    def last_submitted(self) -> Attempt | None:
        done = self.submitted
        return done[-1] if done else None

    @property
    def time_taken(self) -> timedelta | None:
        """Of the latest submitted attempt: from its start to its submission (the deadline, past it)."""
        attempt = self.last_submitted
        if attempt is None or attempt.submitted_at is None:
            return None
        return max(timedelta(0), attempt.submitted_at - attempt.started_at)

    @property
    def minutes_taken(self) -> float | None:
        taken = self.time_taken
        return None if taken is None else round(taken.total_seconds() / 60, 1)

    @property
    def submitted_at(self) -> datetime | None:
        attempt = self.last_submitted
        return attempt.submitted_at if attempt else None

    @property
    def minutes_left(self) -> int | None:
        """Of an open attempt with a deadline (0 once it has passed and the attempt waits to be closed)."""
        attempt = self.latest
        if attempt is None or attempt.state != AttemptState.IN_PROGRESS or attempt.deadline is None:
            return None
        seconds = (attempt.deadline - (self.now or attempt.started_at)).total_seconds()
        return max(0, int(seconds // 60))


def cohort_rows(cohort: Cohort, assessments: list[AssessmentInfo], now: datetime) -> list[Row]:
    """Every active learner of the cohort × every assessment, in name then reading order."""
    enrollments = list(db.session.scalars(cohort_enrollments(cohort)))
    if not enrollments or not assessments:
        return []
    learner_ids = [e.user_id for e in enrollments]
    attempts: dict[tuple[int, str], list[Attempt]] = defaultdict(list)
    rows = db.session.scalars(
        select(Attempt)
        .where(
            Attempt.course_id == cohort.course_id,
            Attempt.user_id.in_(learner_ids),
            Attempt.usage_key.in_([a.key for a in assessments]),
        )
        .order_by(Attempt.user_id, Attempt.usage_key, Attempt.number)
    )
    for attempt in rows:
        attempts[(attempt.user_id, attempt.usage_key)].append(attempt)
    return [
        Row(enrollment, assessment, attempts.get((enrollment.user_id, assessment.key), []), now)
        for enrollment in enrollments
        for assessment in assessments
    ]


def cohort_rows_for(
    enrollment: Enrollment, assessments: list[AssessmentInfo], taken: list[Attempt], now: datetime
) -> list[Row]:
    """One learner's rows, from their attempts (in number order)."""
    return [
        Row(enrollment, assessment, [a for a in taken if a.usage_key == assessment.key], now)
        for assessment in assessments
    ]


def filtered(rows: list[Row], assessment: str = "", status: str = "") -> list[Row]:
    return [
        row
        for row in rows
        if (not assessment or row.assessment.key == assessment) and (not status or row.status == status)
    ]


def sorted_rows(rows: list[Row], sort: str, descending: bool) -> list[Row]:
    """Sorted by the column ``sort`` names, then by learner and reading order; rows without a value (no score,
    not submitted) come last whichever the direction."""
    name = lambda r: (r.learner.name.lower(), r.learner.id, r.assessment.order)  # noqa: E731
    if sort == "name":
        return sorted(rows, key=name, reverse=descending)
    value = {
        "assessment": lambda r: r.assessment.order,
        "status": lambda r: STATUSES.index(r.status),
        "score": lambda r: r.percent,
        "time": lambda r: r.time_taken,
        "submitted": lambda r: r.submitted_at,
    }.get(sort, lambda r: 0)
    present = sorted((r for r in rows if value(r) is not None), key=name)
    present.sort(key=value, reverse=descending)  # stable: learners stay in order within a value
    return present + sorted((r for r in rows if value(r) is None), key=name)


def csv_lines(rows: list[Row]) -> list[list[Any]]:
    """The table as CSV rows, the header first (times in UTC, scores rounded to one decimal)."""
    header = [
        _("Name"),
        _("E-mail"),
        _("Institution"),
        _("Assessment"),
        _("Kind"),
        _("Status"),
        _("Attempts"),
        _("Score (%)"),
        _("Passed"),
        _("Time taken (minutes)"),
        _("Submitted at (UTC)"),
    ]
    lines: list[list[Any]] = [header]
    for row in rows:
        percent, passed = row.percent, row.passed
        lines.append(
            [
                row.learner.name,
                row.learner.email,
                row.learner.institution.name if row.learner.institution else "",
                row.assessment.title,
                row.assessment.kind_label,
                row.status_label,
                len(row.attempts),
                "" if percent is None else round(percent, 1),
                "" if passed is None else (_("yes") if passed else _("no")),
                "" if row.minutes_taken is None else row.minutes_taken,
                row.submitted_at.strftime("%Y-%m-%d %H:%M") if row.submitted_at else "",
            ]
        )
    return lines
