"""Issuing for a whole cohort (issue 22 point 1): an admin starts a run from the cohort's page; the job issues
to each learner who meets the course's rules, skips the others and those already certified, and the progress
page reports it. Eligibility here comes from a requirement registered by the test (the rules' registry is
open to other packages): which learners meet it is the test's to choose."""

from __future__ import annotations

import pytest

from certificates import rules
from certificates.models import Certificate, CertificateSettings, IssueRun
from lms.db import db
from tests.certificates.helpers import certifiable_course


@pytest.fixture
def chosen(monkeypatch):
    """A requirement met by the learners whose ids are in the returned set."""
    met: set[int] = set()
    requirement = rules.Requirement(
        "test_chosen", "Chosen by the test", lambda user_id, _course, _options: rules.Verdict(user_id in met, "")
    )
    monkeypatch.setitem(rules._registry, requirement.name, requirement)  # noqa: SLF001 - removed after the test
    return met


def test_an_admin_issues_for_a_cohort_and_follows_the_run(app, factory, client, auth, chosen):
    course = certifiable_course(factory)
    learners = [factory.user(name=f"Learner {n}") for n in range(4)]
    cohort = factory.cohort(course=course, learners=learners)
    db.session.add(CertificateSettings(course_id=course.id, enabled=True, requirements={"test_chosen": {}}))
    db.session.commit()
    chosen.update({learners[0].id, learners[1].id, learners[2].id})
    admin = factory.user("admin")
    auth.login(admin)

    cohort_page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"/admin/certificates/cohorts/{cohort.id}/issue" in cohort_page
    confirm = client.get(f"/admin/certificates/cohorts/{cohort.id}/issue").get_data(as_text=True)
    assert "4 learners are enrolled." in confirm
    started = client.post(f"/admin/certificates/cohorts/{cohort.id}/issue")
    assert started.status_code == 302
    run = db.session.query(IssueRun).one()
    db.session.refresh(run)
    assert (run.state, run.total, run.issued, run.skipped) == ("done", 4, 3, 1)  # the job ran after the commit
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Issued: 3; skipped (already certified, or not meeting the rules yet): 1." in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    holders = {c.user_id for c in db.session.query(Certificate)}
    assert holders == {learners[0].id, learners[1].id, learners[2].id}

    chosen.add(learners[3].id)  # the fourth meets the rules later: a second run issues to them only
    client.post(f"/admin/certificates/cohorts/{cohort.id}/issue")
    second = db.session.query(IssueRun).order_by(IssueRun.id.desc()).first()
    assert (second.issued, second.skipped) == (1, 3)
    assert db.session.query(Certificate).count() == 4


def test_only_admins_issue_for_a_cohort(app, factory, client, auth):
    course = certifiable_course(factory)
    cohort = factory.cohort(course=course, learners=[factory.user()])
    auth.login(factory.user("author"))
    assert client.post(f"/admin/certificates/cohorts/{cohort.id}/issue").status_code == 403
    assert db.session.query(IssueRun).count() == 0
