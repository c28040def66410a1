"""The session's user is read from one row without the ORM; changes must go through its ORM record."""

from __future__ import annotations

import pytest

from lms.accounts import logins
from lms.accounts.models import User
from lms.accounts.session_user import SessionUser, load_session_user, user_record
from lms.db import db


def logged_in(user: User) -> User:
    """``user`` with a log-in of its own started and committed (``get_id`` names it)."""
    logins.start(user)
    db.session.commit()
    return user


def test_loads_columns_and_roles_in_one_statement(app, factory, count_queries):
    user = logged_in(factory.user("author", "assessor", name="Aline Uwase"))
    session_id = user.get_id()
    with app.test_request_context(), count_queries() as counter:
        loaded = load_session_user(session_id)
    assert counter.count == 1
    assert isinstance(loaded, SessionUser)
    assert (loaded.id, loaded.name, loaded.email) == (user.id, "Aline Uwase", user.email)
    assert loaded.roles == {"author", "assessor"}
    assert loaded.has_role("assessor") and not loaded.is_admin
    assert loaded.get_id() == user.get_id() and loaded == user


@pytest.mark.parametrize(
    "case", ["wrong-nonce", "inactive", "unknown", "not-a-number", "no-login", "ended-login", "another-users-login"]
)
def test_refuses_stale_sessions(app, factory, case):
    user = logged_in(factory.user("learner", active=case != "inactive"))
    other = logged_in(factory.user("learner"))
    user_id = {
        "wrong-nonce": f"{user.id}:0000:{user.login_token}",
        "inactive": user.get_id(),
        "unknown": f"999999:abcd:{user.login_token}",
        "not-a-number": f"x:abcd:{user.login_token}",
        "no-login": f"{user.id}:{user.session_nonce}",  # a session minted before log-ins were recorded
        "ended-login": user.get_id(),
        "another-users-login": f"{user.id}:{user.session_nonce}:{other.login_token}",
    }[case]
    if case == "ended-login":
        logins.end_all(user)
        db.session.commit()
    with app.test_request_context():
        assert load_session_user(user_id) is None


def test_writes_go_through_the_record_and_other_attributes_come_from_it(app, factory):
    user = logged_in(factory.user("learner", institution="iprc-huye"))
    with app.test_request_context():
        loaded = load_session_user(user.get_id())
        with pytest.raises(AttributeError, match="read-only"):
            loaded.language = "fr"
        assert loaded.institution.code == "iprc-huye"  # not in the row: read from the ORM record
        record = user_record(loaded)
        assert isinstance(record, User) and user_record(record) is record
        record.language = "fr"
        db.session.commit()
    assert db.session.get(User, user.id).language == "fr"


def test_profile_changes_by_the_logged_in_user_are_saved(client, auth, factory):
    user = factory.user("learner", name="Before")
    auth.login(user)
    response = client.post("/profile", data={"name": "After", "language": "rw", "institution_id": 0, "gender": ""})
    assert response.status_code == 302
    saved = db.session.get(User, user.id)
    db.session.refresh(saved)
    assert (saved.name, saved.language) == ("After", "rw")
