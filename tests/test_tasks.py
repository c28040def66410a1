"""The enqueue seam: inline without a queue; the worker entry runs a job in an app and commits it."""

from __future__ import annotations

from sqlalchemy import select

from lms.db import db
from lms.institutions.models import Institution
from lms.tasks import enqueue


def add_institution(code: str) -> str:
    db.session.add(Institution(code=code, name=f"Job {code}", kind="other"))
    db.session.flush()
    return code


def test_enqueue_runs_inline_without_a_queue(app):
    with app.test_request_context():
        assert enqueue(add_institution, "inline-job") == "inline-job"
        db.session.commit()
    assert db.session.scalar(select(Institution.code).where(Institution.code == "inline-job"))


def test_worker_runs_a_job_in_its_own_app_and_commits(app, app_overrides, monkeypatch):
    from lms import worker

    monkeypatch.setattr(worker, "_app", None)
    monkeypatch.setattr("lms.app.create_app", lambda: __import__("lms").create_app(app_overrides))
    assert worker.run_job("tests.test_tasks:add_institution", ("worker-job",), {}) == "worker-job"
    db.session.rollback()
    assert db.session.scalar(select(Institution.code).where(Institution.code == "worker-job"))
