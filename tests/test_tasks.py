"""The enqueue seam: inline without a queue; the worker entry runs a job in an app and commits it."""

from __future__ import annotations

from sqlalchemy import select

from lms.db import db
from lms.institutions.models import Institution
from lms.tasks import enqueue, may_run_for


def add_institution(code: str) -> str:
    db.session.add(Institution(code=code, name=f"Job {code}", kind="other"))
    db.session.flush()
    return code


@may_run_for(1234)
def add_institution_slowly(code: str) -> str:
    return add_institution(code)


def _institution(code: str) -> str | None:
    return db.session.scalar(select(Institution.code).where(Institution.code == code))


def test_enqueue_runs_inline_without_a_queue(app):
    with app.test_request_context():
        assert enqueue(add_institution, "inline-job") == "inline-job"
        db.session.commit()
    assert db.session.scalar(select(Institution.code).where(Institution.code == "inline-job"))


def test_worker_runs_a_job_in_its_own_app_and_commits(app, worker_app):
    assert worker_app.run_job("tests.test_tasks:add_institution", ("worker-job",), {}) == "worker-job"
    db.session.rollback()
    assert db.session.scalar(select(Institution.code).where(Institution.code == "worker-job"))


def test_with_a_queue_the_job_waits_for_an_rq_worker_which_runs_and_commits_it(app, rq_queue):
    with app.test_request_context():
        queued = enqueue(add_institution, "queued-job")
        db.session.commit()
    assert queued.func_name == "lms.worker.run_job" and queued.args[0] == "tests.test_tasks:add_institution"
    assert _institution("queued-job") is None  # queued, not run
    assert rq_queue() is True
    db.session.rollback()
    assert _institution("queued-job") == "queued-job"
    assert queued.get_status(refresh=True) == "finished"


def test_a_job_declares_how_long_a_worker_lets_it_run(app, rq_queue):
    with app.test_request_context():
        slow, default = enqueue(add_institution_slowly, "slow-job"), enqueue(add_institution, "quick-job")
    assert slow.timeout == 1234
    assert default.timeout == rq_queue.queue.DEFAULT_TIMEOUT  # RQ's three minutes
