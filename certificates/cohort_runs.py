"""Issuing for a whole cohort, as a job an admin starts and follows on a progress page.

:func:`start` records an :class:`~certificates.models.IssueRun` and has :func:`run` start after the request's
commit (``lms.tasks.enqueue``: inline on one machine, in an RQ worker when a queue is configured). The job
walks the cohort's active learners and issues to each one the course's rules call eligible, one learner per
transaction: the progress page sees the count grow, SQLite's write lock is never held across learners, and a
failure stops the run with what was issued kept. Learners who already hold a certificate, or do not meet the
rules yet, are counted as skipped; running it again later issues to those who have since become eligible.
"""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from sqlalchemy import select

from certificates import services
from certificates.models import IssueRun, RunState
from lms.clock import utcnow
from lms.db import db
from lms.tasks import enqueue, may_run_for

log = logging.getLogger(__name__)
RUN_TIMEOUT_SECONDS = 60 * 60  # a cohort of thousands at about 30 ms a certificate fits with room to spare


def start(cohort_id: int, actor_id: int) -> IssueRun:
    issue_run = IssueRun(cohort_id=cohort_id, requested_by_id=actor_id)
    db.session.add(issue_run)
    db.session.flush()
    enqueue(run, issue_run.id)
    return issue_run


def active_learners(cohort_id: int) -> list[int]:
    from lms.cohorts.models import Enrollment, EnrollmentStatus

    return list(
        db.session.scalars(
            select(Enrollment.user_id)
            .where(Enrollment.cohort_id == cohort_id, Enrollment.status == EnrollmentStatus.ACTIVE)
            .order_by(Enrollment.id)
        )
    )


@may_run_for(RUN_TIMEOUT_SECONDS)
def run(run_id: int) -> None:
    from certificates import rules  # the completion rules' registry, filled as packages load

    issue_run = db.session.get(IssueRun, run_id)
    if issue_run is None or issue_run.state != RunState.QUEUED:
        return  # run already (a queue may deliver a job twice)
    cohort_id, course_id, actor_id = issue_run.cohort_id, issue_run.cohort.course_id, issue_run.requested_by_id
    learners = active_learners(cohort_id)
    issue_run.state, issue_run.total = RunState.RUNNING, len(learners)
    db.session.commit()  # the progress page shows the run started, with its total
    issued = skipped = 0
    try:
        for user_id in learners:
            if services.current_certificate(user_id, course_id) is not None:
                skipped += 1
            elif rules.evaluate(user_id, course_id).eligible:
                services.issue(user_id, course_id, cohort_id=cohort_id, actor_id=actor_id)
                issued += 1
            else:
                skipped += 1
            _progress(run_id, issued, skipped)
            db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("certificate issue run %s failed", run_id)
        issue_run = _progress(run_id, issued, skipped)
        issue_run.state, issue_run.finished_at = RunState.FAILED, utcnow()
        issue_run.message = _("The run stopped because of an error on the server; the certificates issued are kept.")
        return
    issue_run = _progress(run_id, issued, skipped)
    issue_run.state, issue_run.finished_at = RunState.DONE, utcnow()


def _progress(run_id: int, issued: int, skipped: int) -> IssueRun:
    issue_run = db.session.get(IssueRun, run_id)
    issue_run.issued, issue_run.skipped = issued, skipped
    return issue_run
