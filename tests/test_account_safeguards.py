"""Safeguards: mail only after a commit and in the recipient's language; the last admin stays an admin."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms import mail
from lms.accounts import services
from lms.db import db


@pytest.fixture(autouse=True)
def empty_outbox(app):
    """Start from an empty development outbox: other tests' mail lands in the same instance folder."""
    shutil.rmtree(Path(app.instance_path) / "outbox", ignore_errors=True)


def test_no_mail_when_the_transaction_rolls_back(app, factory):
    user = factory.user("learner")
    with app.test_request_context():
        services.send_welcome(user)
        db.session.rollback()
        assert mail.outbox() == []
        services.send_welcome(user)
        db.session.commit()
        assert [m["to"] for m in mail.outbox()] == [user.email]


def test_mail_is_written_in_the_recipients_language(app, factory):
    user = factory.user("learner", language="fr")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        services.send_password_reset(user.email)
        db.session.commit()
    message = mail.outbox()[0]
    assert message["subject"] == "Réinitialisez votre mot de passe tot-lms"
    assert "24" in message["body"]


def test_the_last_admin_cannot_be_demoted_or_deactivated(app, factory):
    admin = factory.user("admin")
    with app.test_request_context():
        with pytest.raises(services.AccountError):
            services.set_roles(admin, ["learner"])
        with pytest.raises(services.AccountError):
            services.set_active(admin, False)
        assert admin.is_admin and admin.active  # both refusals left the admin as it was
        second = factory.user("admin")
        services.set_roles(admin, ["learner"])  # another admin exists now
        assert not admin.is_admin and second.is_admin


def test_admin_page_explains_the_last_admin_rule(client, auth, factory):
    admin = factory.user("admin", name="Only Admin")
    auth.login(admin)
    response = client.post(
        f"/admin/users/{admin.id}",
        data={
            "email": admin.email,
            "name": "Only Admin",
            "roles": ["learner"],
            "institution_id": 0,
            "language": "en",
            "gender": "",
            "active": "y",
        },
    )
    assert response.status_code == 400
    assert "last programme admin" in response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(type(admin), admin.id)
    assert kept.is_admin and kept.roles == {"admin"} and kept.active
