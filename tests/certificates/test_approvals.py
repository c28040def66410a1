"""The approval queue: programme admins see who waits (course, cohort, name, since; by pages; an empty state),
approve (the certificate is issued) or decline with a note after a confirmation page, see who was declined and
put them back in the queue; every decision is audited, and nobody else may see or decide."""

from __future__ import annotations

from sqlalchemy import select

from certificates import approvals, awarding
from certificates.models import ApprovalState, Certificate, PendingCertificate
from lms.audit import AuditEvent
from lms.db import db
from tests.certificates.rules_world import complete_module, rules_course


def _eligible(app, factory, world, name: str):
    learner = factory.user(name=name)
    cohort = factory.cohort(course=world.course, learners=[learner], name=f"Huye {name}")
    with app.test_request_context():
        for title in ("Safety", "Wiring", "Post-test"):
            complete_module(world, learner.id, title)
    pending = db.session.scalar(select(PendingCertificate).where(PendingCertificate.user_id == learner.id))
    return learner, cohort, pending


def test_the_queue_lists_the_waiting_and_an_approval_issues(app, factory, client, auth):
    world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
    learner, cohort, pending = _eligible(app, factory, world, "Uwase Claudine")
    admin = factory.user("admin")
    auth.login(admin)
    dashboard = client.get("/").get_data(as_text=True)
    assert "1 learner waiting" in dashboard
    page = client.get("/admin/certificates/approvals/").get_data(as_text=True)
    assert "Uwase Claudine" in page and cohort.name in page and world.course.code in page
    response = client.post(f"/admin/certificates/approvals/{pending.id}/approve")
    assert response.status_code == 302
    db.session.expire_all()
    (certificate,) = db.session.scalars(select(Certificate).where(Certificate.user_id == learner.id)).all()
    assert certificate.issued_by_id == admin.id and certificate.cohort_id == cohort.id
    assert db.session.get(PendingCertificate, pending.id).state == ApprovalState.APPROVED
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.approve")).actor_id == admin.id
    assert "No learner is waiting for approval." in client.get("/admin/certificates/approvals/").get_data(as_text=True)
    # Approving twice (a double click, two admins) issues nothing more.
    again = client.post(f"/admin/certificates/approvals/{pending.id}/approve", follow_redirects=True)
    assert "already approved or declined" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 1


def test_declining_asks_for_a_note_and_the_learner_is_not_queued_again(app, factory, client, auth):
    world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
    learner, _cohort, pending = _eligible(app, factory, world, "Habimana Eric")
    auth.login(factory.user("admin"))
    confirm = client.get(f"/admin/certificates/approvals/{pending.id}/decline")
    assert confirm.status_code == 200 and "Habimana Eric" in confirm.get_data(as_text=True)
    assert client.post(f"/admin/certificates/approvals/{pending.id}/decline", data={"note": ""}).status_code == 400
    done = client.post(f"/admin/certificates/approvals/{pending.id}/decline", data={"note": "Attendance below 80%"})
    assert done.status_code == 302
    db.session.expire_all()
    declined = db.session.get(PendingCertificate, pending.id)
    assert declined.state == ApprovalState.DECLINED and declined.note == "Attendance below 80%"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.decline"))
    assert event.data["note"] == "Attendance below 80%"
    with app.test_request_context():
        awarding.consider(learner.id, world.course.id)  # a later event: declined stays declined
        db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(PendingCertificate)) == 1
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 0


def test_a_declined_learner_is_listed_and_can_be_put_back_in_the_queue(app, factory, client, auth):
    world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
    learner, cohort, pending = _eligible(app, factory, world, "Ingabire Alice")
    admin = factory.user("admin", name="Programme Admin")
    auth.login(admin)
    assert "No certificate has been declined." in client.get("/admin/certificates/approvals/declined/").get_data(
        as_text=True
    )
    client.post(f"/admin/certificates/approvals/{pending.id}/decline", data={"note": "Attendance records missing"})
    queue = client.get("/admin/certificates/approvals/").get_data(as_text=True)
    assert "0 learners waiting" in queue and "1 declined" in queue
    listed = client.get("/admin/certificates/approvals/declined/").get_data(as_text=True)
    for shown in ("Ingabire Alice", cohort.name, world.course.code, "Attendance records missing", "Programme Admin"):
        assert shown in listed
    back = client.post(f"/admin/certificates/approvals/{pending.id}/reconsider", follow_redirects=True)
    assert back.status_code == 200 and "Ingabire Alice is back in the queue." in back.get_data(as_text=True)
    db.session.expire_all()
    waiting = db.session.get(PendingCertificate, pending.id)
    assert (waiting.state, waiting.decided_at, waiting.decided_by_id, waiting.note) == (
        ApprovalState.WAITING, None, None, ""
    )  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reconsider"))
    assert event.actor_id == admin.id and event.data["declined_because"] == "Attendance records missing"
    assert "Ingabire Alice" in client.get("/admin/certificates/approvals/").get_data(as_text=True)
    # Twice (a double click): said plainly, nothing changes; then an approval issues the certificate.
    again = client.post(f"/admin/certificates/approvals/{pending.id}/reconsider", follow_redirects=True)
    assert "no longer declined" in again.get_data(as_text=True)
    client.post(f"/admin/certificates/approvals/{pending.id}/approve")
    assert db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id)) is not None
    assert client.post("/admin/certificates/approvals/999999/reconsider").status_code == 404


def test_putting_back_in_the_queue_needs_the_forms_token(app, app_overrides, factory):
    from lms import create_app
    from tests.test_page_chrome import _client, _login

    world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
    learner, admin = factory.user(name="Niyonsaba Eric"), factory.user("admin")
    with app.test_request_context():
        approvals.add_waiting(learner.id, world.course.id)
        pending = db.session.scalar(select(PendingCertificate).where(PendingCertificate.user_id == learner.id))
        approvals.decline(pending, admin.id, "Wrong cohort")
        db.session.commit()
    browser = _client(create_app({**app_overrides, "WTF_CSRF_ENABLED": True}))
    _login(browser, admin)
    assert browser.post(f"/admin/certificates/approvals/{pending.id}/reconsider").status_code == 400
    db.session.expire_all()
    assert db.session.get(PendingCertificate, pending.id).state == ApprovalState.DECLINED


def test_the_queue_is_paged(app, factory, client, auth):
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
        for n in range(3):
            _eligible(app, factory, world, f"Learner {n}")
        auth.login(factory.user("admin"))
        first = client.get("/admin/certificates/approvals/").get_data(as_text=True)
        assert "3 learners waiting" in first and "Page 1 of 2" in first
        second = client.get("/admin/certificates/approvals/?page=2").get_data(as_text=True)
        assert "Learner 2" in second and "Learner 0" not in second
    finally:
        app.config["PAGE_SIZE"] = size


def test_only_programme_admins_see_or_decide(app, factory, client, auth):
    world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
    _learner, _cohort, pending = _eligible(app, factory, world, "Mugisha Jean")
    for outsider in (world.author, factory.user("assessor"), factory.user()):
        auth.login(outsider)
        assert client.get("/admin/certificates/approvals/").status_code == 403
        assert client.post(f"/admin/certificates/approvals/{pending.id}/approve").status_code == 403
        assert client.post(f"/admin/certificates/approvals/{pending.id}/decline", data={"note": "x"}).status_code == 403
        assert client.get("/admin/certificates/approvals/declined/").status_code == 403
        assert client.post(f"/admin/certificates/approvals/{pending.id}/reconsider").status_code == 403
        auth.logout()
    assert db.session.get(PendingCertificate, pending.id).state == ApprovalState.WAITING
    auth.login(factory.user("admin"))
    assert client.post("/admin/certificates/approvals/999999/approve").status_code == 404


def test_adding_a_learner_twice_keeps_one_row(app, factory):
    world = rules_course(factory, requirements={"modules": {}}, needs_approval=True)
    learner = factory.user()
    with app.test_request_context():
        assert approvals.add_waiting(learner.id, world.course.id)
        assert not approvals.add_waiting(learner.id, world.course.id)
        db.session.commit()
    assert db.session.scalar(select(db.func.count()).select_from(PendingCertificate)) == 1
