"""Automatic awarding: the certificate comes after the commit that made the learner eligible (the last module,
the post-test passed, a checklist signed off), through the fact signals and ``enqueue``; a course that needs
approval queues the learner once instead; nothing is ever issued twice, also when two jobs race."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from certificates import awarding, keys
from certificates.models import ApprovalState, Certificate, PendingCertificate
from lms.db import db
from tests.certificates.rules_world import complete_module, rules_course, sign_off_checklist, take_post_test
from tests.concurrency import errors, together


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _certificates(user_id: int) -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)))


def test_the_post_test_passed_after_the_modules_issues_the_certificate(ctx, factory):
    world = rules_course(factory)  # modules and post-test
    learner = factory.user()
    cohort = factory.cohort(course=world.course, learners=[learner])
    for title in ("Safety", "Wiring", "Post-test"):
        complete_module(world, learner.id, title)
    assert _certificates(learner.id) == []  # the modules alone do not make them eligible
    take_post_test(world, learner.id, right=2)  # 50%: not passed
    assert _certificates(learner.id) == []
    take_post_test(world, learner.id, right=4)
    (certificate,) = _certificates(learner.id)
    assert certificate.course_id == world.course.id and certificate.cohort_id == cohort.id
    assert certificate.issued_by_id is None  # nobody asked: the rules did


def test_the_last_module_completed_issues_the_certificate(ctx, factory):
    world = rules_course(factory)
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    take_post_test(world, learner.id, right=3)
    complete_module(world, learner.id, "Safety")
    complete_module(world, learner.id, "Post-test")
    assert _certificates(learner.id) == []
    complete_module(world, learner.id, "Wiring")
    assert len(_certificates(learner.id)) == 1


def test_a_checklist_sign_off_issues_the_hospital_certificate(ctx, factory):
    world = rules_course(factory, requirements={"checklists": {}}, checklist=True)
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    sign_off_checklist(world, learner.id)  # completes the checklist, so its unit: unit_completed
    assert len(_certificates(learner.id)) == 1


def test_a_course_that_needs_approval_queues_the_learner_once(ctx, factory):
    world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    for title in ("Safety", "Wiring", "Post-test"):
        complete_module(world, learner.id, title)
    awarding.consider(learner.id, world.course.id)  # again, as a later event would
    db.session.commit()
    assert _certificates(learner.id) == []
    (pending,) = db.session.scalars(select(PendingCertificate)).all()
    assert pending.user_id == learner.id and pending.state == ApprovalState.WAITING


def test_considering_again_never_issues_twice(ctx, factory):
    world = rules_course(factory, requirements={"modules": {}})
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    for title in ("Safety", "Wiring", "Post-test"):
        complete_module(world, learner.id, title)
    awarding.consider(learner.id, world.course.id)
    awarding.consider_attempt(learner.id, world.post_key)
    db.session.commit()
    assert len(_certificates(learner.id)) == 1


def test_a_course_without_certificates_or_a_bad_key_does_nothing(ctx, factory):
    world = rules_course(factory, enabled=False)
    learner = factory.user()
    for title in ("Safety", "Wiring", "Post-test"):
        complete_module(world, learner.id, title)
    awarding.consider_attempt(learner.id, "not a usage key")
    awarding.consider_attempt(learner.id, "block-v1:NO-SUCH+type@assessment+block@x")
    assert _certificates(learner.id) == []


def test_two_jobs_racing_issue_one_certificate(app, factory, monkeypatch):
    world = rules_course(factory, requirements={"modules": {}})
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    user_id, course_id = learner.id, world.course.id
    monkeypatch.setattr(awarding, "enqueue", lambda *args: None)  # no job from the events: the two below race
    with app.test_request_context():
        for title in ("Safety", "Wiring", "Post-test"):
            complete_module(world, user_id, title)
    assert _certificates(user_id) == []
    with app.test_request_context():
        keys.signing_key()  # the site's first key exists already (making it is a race of its own: keys.py)
        db.session.commit()

    def job() -> None:
        awarding.consider(user_id, course_id)

    # Each job is held before its INSERT until both have checked there is no certificate (on PostgreSQL; SQLite
    # serialises the two writers): the unique index and issue()'s savepoint give one certificate, no error.
    outcomes = together(app, job, job, hold=r"^INSERT INTO certificate\s")
    assert errors(outcomes) == []
    assert len(_certificates(user_id)) == 1
