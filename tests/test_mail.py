"""Mail is stored with the fact it announces and sent by a job after the commit: never inside the request
that asked, never for work that rolled back; a failed send is recorded and retried (defect 5)."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from io import BytesIO

import pytest
from flask import has_request_context
from sqlalchemy import func, select

from lms import mail
from lms.accounts.models import User
from lms.cohorts.models import Enrollment
from lms.db import db

CSV_ROWS = 60


class FakeSmtp:
    """Stands in for ``smtplib.SMTP``: records each message and whether a request was being served."""

    sent: list[tuple[str, bool]] = []
    failures_left = 0

    def __init__(self, host, port, timeout=None):  # noqa: ANN001
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, *args):
        pass

    def send_message(self, message):  # noqa: ANN001
        if FakeSmtp.failures_left:
            FakeSmtp.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("the relay hung up")
        FakeSmtp.sent.append((message["To"], has_request_context()))


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSmtp.sent, FakeSmtp.failures_left = [], 0
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSmtp)
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    return FakeSmtp


def _statuses() -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(select(mail.OutgoingMail.status, func.count()).group_by(mail.OutgoingMail.status))
    return dict(rows.all())


def _import(client, auth, factory, rows: int):
    admin = factory.user("admin")
    cohort = factory.cohort()
    auth.login(admin)
    lines = "".join(f"learner{n}@example.org,Learner {n}\n" for n in range(rows))
    response = client.post(
        f"/cohorts/{cohort.id}/import",
        data={"file": (BytesIO(f"email,name\n{lines}".encode()), "learners.csv")},
        content_type="multipart/form-data",
    )
    return response, cohort


def test_a_csv_import_answers_before_any_mail_is_sent(client, auth, factory, smtp):
    response, cohort = _import(client, auth, factory, CSV_ROWS)
    assert response.status_code == 302
    assert len(smtp.sent) == CSV_ROWS  # every welcome went out …
    assert not any(in_request for _to, in_request in smtp.sent)  # … after the response, not inside the request
    assert _statuses() == {mail.SENT: CSV_ROWS}
    bodies = db.session.scalars(select(mail.OutgoingMail.body)).all()
    assert set(bodies) == {""}  # reset and welcome links do not stay in the database once sent


def test_a_failed_send_is_recorded_retried_and_never_breaks_the_saved_import(client, auth, factory, smtp, monkeypatch):
    smtp.failures_left = 3
    response, cohort = _import(client, auth, factory, 5)
    assert response.status_code == 302  # the import was saved
    assert db.session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.cohort_id == cohort.id)) == 5
    assert len(smtp.sent) == 2 and _statuses() == {mail.SENT: 2, mail.PENDING: 3}
    failed = db.session.scalars(select(mail.OutgoingMail).where(mail.OutgoingMail.status == mail.PENDING)).all()
    assert all(m.attempts == 1 and "hung up" in m.last_error and m.body for m in failed)

    assert _deliver() == 0  # not due yet: retried after a minute
    later = mail.utcnow() + timedelta(minutes=2)
    monkeypatch.setattr(mail, "utcnow", lambda: later)
    assert _deliver() == 3
    assert _statuses() == {mail.SENT: 5}
    assert sorted(to for to, _ in smtp.sent) == sorted(f"learner{n}@example.org" for n in range(5))


def test_a_message_that_keeps_failing_is_given_up_after_five_attempts(app, factory, smtp, monkeypatch):
    smtp.failures_left = 100
    mail.queue("someone@example.org", "Subject", "Body")
    db.session.commit()  # the first attempt follows the commit
    assert db.session.scalars(select(mail.OutgoingMail)).one().attempts == 1
    now = mail.utcnow()
    for attempt in range(2, mail.MAX_ATTEMPTS + 1):
        now += timedelta(hours=3)
        monkeypatch.setattr(mail, "utcnow", lambda now=now: now)
        _deliver()
        message = db.session.scalars(select(mail.OutgoingMail)).one()
        assert message.attempts == attempt
    assert message.status == mail.FAILED and message.body == "Body"  # kept for an admin to see
    assert smtp.sent == []


def test_lms_send_mail_delivers_what_is_due(app, factory, smtp):
    mail.queue("queued@example.org", "Subject", "Body")
    db.session.rollback()  # never committed: never sent
    mail.queue("cron@example.org", "Subject", "Body")
    db.session.commit()  # the test's own unit commits: the message goes out after it
    assert [to for to, _ in smtp.sent] == ["cron@example.org"]
    due = mail.utcnow() - timedelta(minutes=1)
    db.session.execute(mail.OutgoingMail.__table__.update().values(status=mail.PENDING, body="again", due_at=due))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0 and "Sent 1 message(s)." in result.output
    assert [to for to, _ in smtp.sent] == ["cron@example.org", "cron@example.org"]


def _deliver() -> int:
    db.session.commit()
    sent = mail.deliver_due()
    db.session.commit()
    return sent


def test_no_user_is_left_without_their_welcome(client, auth, factory, smtp):
    _import(client, auth, factory, 3)
    users = db.session.scalars(select(User.email).where(User.email.like("learner%"))).all()
    assert sorted(to for to, _ in smtp.sent) == sorted(users)


def test_admins_see_what_waits_or_failed_with_its_error(client, auth, factory, smtp):
    smtp.failures_left = 1
    mail.queue("stuck@example.org", "Welcome <b>there</b>", "Body")
    db.session.commit()  # the first attempt fails
    admin = factory.user("admin")
    auth.login(admin)
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "stuck@example.org" in page and "SMTPServerDisconnected: the relay hung up" in page
    assert "Welcome &lt;b&gt;there&lt;/b&gt;" in page  # escaped
    auth.logout()
    auth.login(factory.user("learner"))
    assert client.get("/admin/outbox").status_code == 403
