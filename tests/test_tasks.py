"""The enqueue seam: a job starts only after the unit of work that asked for it commits; inline without a
queue, in an RQ worker with one; the worker runs each job as one unit of work."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.db import db, unit_of_work
from lms.institutions.models import Institution
from lms.tasks import enqueue, may_run_for


def add_institution(code: str) -> str:
    db.session.add(Institution(code=code, name=f"Job {code}", kind="other"))
    db.session.flush()
    return code


@may_run_for(1234)
def add_institution_slowly(code: str) -> str:
    return add_institution(code)


def fails_after_writing(code: str) -> None:
    add_institution(code)
    raise RuntimeError("the job's bug")


def _institution(code: str) -> str | None:
    return db.session.scalar(select(Institution.code).where(Institution.code == code))


def test_without_a_queue_a_job_runs_inline_after_the_commit(app, outside_requests):
    def command() -> None:
        with app.app_context():
            with unit_of_work():
                enqueue(add_institution, "inline-job")
                assert _institution("inline-job") is None
            assert _institution("inline-job") == "inline-job"

    outside_requests(command)


def test_a_job_asked_for_in_a_unit_that_rolls_back_never_runs(app, outside_requests):
    def command() -> None:
        with app.app_context():
            with pytest.raises(ValueError), unit_of_work():
                enqueue(add_institution, "never-job")
                raise ValueError
            assert _institution("never-job") is None

    outside_requests(command)


def test_a_failing_inline_job_keeps_nothing_and_leaves_the_committed_work(app, outside_requests, caplog):
    def command() -> None:
        with app.app_context():
            with unit_of_work():
                add_institution("asker")
                enqueue(fails_after_writing, "half-job")
            assert _institution("asker") == "asker"
            assert _institution("half-job") is None

    outside_requests(command)
    assert "the job's bug" in caplog.text


def test_worker_runs_a_job_in_its_own_app_and_commits(app, worker_app):
    worker_app.run_named_job("tests.test_tasks:add_institution", ("worker-job",), {})
    db.session.rollback()
    assert _institution("worker-job") == "worker-job"


def test_a_worker_job_that_raises_keeps_nothing(app, worker_app):
    with pytest.raises(RuntimeError):
        worker_app.run_named_job("tests.test_tasks:fails_after_writing", ("worker-half",), {})
    db.session.rollback()
    assert _institution("worker-half") is None


def test_with_a_queue_the_job_is_queued_after_the_commit_and_an_rq_worker_runs_it(app, rq_queue, outside_requests):
    def command() -> None:
        with app.app_context():
            with unit_of_work():
                enqueue(add_institution, "queued-job")
                assert rq_queue.queue.count == 0  # not before the commit
            assert rq_queue.queue.count == 1

    outside_requests(command)
    job = rq_queue.queue.jobs[0]
    assert job.func_name == "lms.worker.run_named_job" and job.args[0] == "tests.test_tasks:add_institution"
    assert _institution("queued-job") is None  # queued, not run
    assert rq_queue() is True
    db.session.rollback()
    assert _institution("queued-job") == "queued-job"
    assert job.get_status(refresh=True) == "finished"


def test_a_job_declares_how_long_a_worker_lets_it_run(app, rq_queue, outside_requests):
    def command() -> None:
        with app.app_context(), unit_of_work():
            enqueue(add_institution_slowly, "slow-job")
            enqueue(add_institution, "quick-job")

    outside_requests(command)
    timeouts = {job.args[0].rsplit(":", 1)[1]: job.timeout for job in rq_queue.queue.jobs}
    assert timeouts == {"add_institution_slowly": 1234, "add_institution": rq_queue.queue.DEFAULT_TIMEOUT}
