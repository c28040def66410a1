"""Accounts: log-in and throttling, passwords and resets, invitations, registration, admin accounts, profile."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.accounts.models import Invitation, LoginFailure, User
from lms.clock import utcnow
from lms.db import db
from lms.institutions.queries import by_code
from tests.conftest import PASSWORD, IsolatedClient

NEW_PASSWORD = "purple giraffe umbrella"


@pytest.fixture
def outbox(app):
    """The development outbox, emptied for this test; ``outbox()`` lists its messages, newest first."""
    from lms import mail

    folder = Path(app.instance_path) / "outbox"
    shutil.rmtree(folder, ignore_errors=True)
    return lambda: mail.outbox()


def link_in(message: dict) -> str:
    """The path of the one link a mail carries."""
    urls = re.findall(r"https?://[^/\s]+(/\S+)", message["body"])
    assert len(urls) == 1, message["body"]
    return urls[0]


def second_client(app) -> IsolatedClient:
    return IsolatedClient(app, app.response_class, use_cookies=True)


def page(response) -> str:
    return response.get_data(as_text=True)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# --- log-in and log-out --------------------------------------------------------------------------------


def test_login_sets_a_protected_session_cookie_and_logout_ends_it(client, auth, factory):
    user = factory.user("learner", name="Chantal Uwase")
    response = auth.login(user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Chantal Uwase" in page(client.get("/"))
    assert user_by_email(user.email).last_login_at is not None

    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    response = client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Chantal Uwase" not in page(client.get("/"))  # the landing page, not her dashboard


def test_email_is_matched_case_insensitively(client, auth, factory):
    factory.user("learner", email="mixed@example.org")
    assert auth.login("  MIXED@Example.org ").status_code == 302


@pytest.mark.parametrize("case", ["wrong-password", "unknown-address", "deactivated"])
def test_bad_credentials_get_401_and_one_message(client, auth, factory, case):
    user = factory.user("learner", email="real@example.org", active=case != "deactivated")
    email = "nobody@example.org" if case == "unknown-address" else user.email
    password = "wrong password!!" if case == "wrong-password" else PASSWORD
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 401
    # The same words whether or not the address exists: the page does not reveal who has an account.
    assert "The e-mail address or the password is not correct." in page(response)
    assert client.get("/profile").status_code == 302


def test_incomplete_login_form_is_a_400(client):
    response = client.post("/login", data={"email": "not-an-address", "password": ""})
    assert response.status_code == 400
    assert 'id="password-error"' in page(response)


def test_passwords_are_stored_as_scrypt_hashes(factory):
    user = factory.user("learner")
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


# --- throttling ----------------------------------------------------------------------------------------


def test_login_is_throttled_after_too_many_failures(app, client, auth, factory):
    user = factory.user("learner")
    limit = app.config["LOGIN_MAX_FAILURES"]
    for _ in range(limit):
        assert auth.login(user, password="guess guess guess").status_code == 401
    # Every failure was kept although each answer was an error.
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == limit

    response = auth.login(user)  # even the right password waits
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    assert "Too many failed attempts" in page(response)
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == limit
    assert client.get("/profile").status_code == 302


def test_throttle_ends_when_the_failures_are_old(app, client, auth, factory):
    user = factory.user("learner")
    window = app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    old = utcnow() - timedelta(seconds=window + 5)
    db.session.add_all(LoginFailure(email=user.email, ip="127.0.0.1", at=old) for _ in range(10))
    db.session.commit()
    assert auth.login(user).status_code == 302


def test_successful_login_clears_the_address_failures(app, client, auth, factory):
    user = factory.user("learner")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        auth.login(user, password="guess guess guess")
    assert auth.login(user).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_login_is_throttled_per_client_address(app, client, auth, factory, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    user = factory.user("learner")
    for n in range(3):
        assert auth.login(f"someone{n}@example.org", password="guess guess").status_code == 401
    assert auth.login(user).status_code == 429
    other_machine = second_client(app)
    response = other_machine.post(
        "/login",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert response.status_code == 302


def test_a_password_reset_lifts_the_throttle(app, client, auth, factory, outbox):
    user = factory.user("learner")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login(user, password="guess guess guess")
    assert auth.login(user).status_code == 429
    client.post("/password/forgot", data={"email": user.email})
    link = link_in(outbox()[0])
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    laptop = second_client(app)  # "try again … or reset your password": the new password works everywhere
    assert laptop.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


# --- password reset ------------------------------------------------------------------------------------


def test_forgot_password_mails_a_link_that_works_once(app, client, factory, outbox):
    user = factory.user("learner", email="reset.me@example.org")
    response = client.post("/password/forgot", data={"email": "Reset.Me@example.org"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    messages = outbox()
    assert [m["to"] for m in messages] == ["reset.me@example.org"]
    link = link_in(messages[0])
    assert link.startswith("/password/reset/")
    # The mail is a file in the instance folder …
    assert len(list((Path(app.instance_path) / "outbox").glob("*.json"))) == 1

    assert client.get(link).status_code == 200
    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 400 and 'id="password-error"' in page(weak)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200  # logged in

    assert client.get(link).status_code == 404  # used once
    assert client.post(link, data={"password": "another fine password", "confirm": "x"}).status_code == 404
    fresh = second_client(app)
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    assert fresh.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_forgot_password_does_not_reveal_which_addresses_exist(client, factory, outbox):
    factory.user("learner", email="known@example.org")
    known = client.post("/password/forgot", data={"email": "known@example.org"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "unknown@example.org"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert "If an account uses this address" in page(known)

    def strip(html: str) -> str:
        return re.sub(r'name="csrf_token"[^>]*', "", html)

    assert strip(page(known)) == strip(page(unknown))
    assert [m["to"] for m in outbox()] == ["known@example.org"]


def test_tampered_or_expired_reset_links_are_refused(app, client, factory, monkeypatch):
    from itsdangerous import URLSafeTimedSerializer

    user = factory.user("learner")
    assert client.get("/password/reset/not-a-token").status_code == 404
    forged = URLSafeTimedSerializer("another secret", salt="password-reset").dumps({"u": user.id, "f": "x"})
    assert client.get(f"/password/reset/{forged}").status_code == 404
    with app.test_request_context():
        from lms.accounts.services import make_reset_token

        token = make_reset_token(user)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE_SECONDS", -1)
    assert client.get(f"/password/reset/{token}").status_code == 404


def test_outbox_page_is_for_admins(client, auth, factory, outbox):
    learner = factory.user("learner", email="mail.me@example.org")
    client.post("/password/forgot", data={"email": learner.email})
    auth.login(learner)
    assert client.get("/admin/outbox").status_code == 403
    auth.logout()
    auth.login(factory.user("admin"))
    response = client.get("/admin/outbox")
    assert response.status_code == 200
    assert "mail.me@example.org" in page(response)
    assert "/password/reset/" in page(response)


# --- changing the password -----------------------------------------------------------------------------


def test_change_password_ends_other_sessions_and_keeps_this_one(app, client, auth, factory):
    user = factory.user("learner")
    phone = second_client(app)
    phone.post("/login", data={"email": user.email, "password": PASSWORD})
    auth.login(user)
    assert phone.get("/profile").status_code == 200

    response = client.post(
        "/profile/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200  # this session was renewed
    response = phone.get("/profile")  # the other one ended
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    # The password itself changed: the new one opens a session, the old one no longer does.
    assert phone.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    assert phone.post("/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field"),
    [
        ("not my password", NEW_PASSWORD, NEW_PASSWORD, "current_password"),
        (PASSWORD, "short", "short", "password"),
        (PASSWORD, "password123", "password123", "password"),
        (PASSWORD, NEW_PASSWORD, "something else entirely", "confirm"),
    ],
    ids=["wrong-current", "too-short", "common", "mismatch"],
)
def test_change_password_errors_are_shown_next_to_the_field(client, auth, factory, current, new, confirm, field):
    user = factory.user("learner")
    auth.login(user)
    before = user_by_email(user.email).password_hash
    response = client.post("/profile/password", data={"current_password": current, "password": new, "confirm": confirm})
    assert response.status_code == 400
    assert f'id="{field}-error"' in page(response)
    assert user_by_email(user.email).password_hash == before


# --- invitations ---------------------------------------------------------------------------------------


def _invite(client, email="invited@example.org", roles=("author", "assessor"), institution="iprc-musanze"):
    return client.post(
        "/admin/invitations",
        data={"email": email, "roles": list(roles), "institution_id": by_code(institution).id},
    )


def test_invitation_creates_an_account_with_the_invited_roles_once(app, client, auth, factory, outbox):
    auth.login(factory.user("admin", name="Programme Admin"))
    assert client.get("/admin/invitations").status_code == 200
    response = _invite(client)
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "invited@example.org"
    assert invitation.role_list == ["assessor", "author"]
    (message,) = outbox()
    assert message["to"] == "invited@example.org" and "Programme Admin" in message["body"]
    link = link_in(message)
    raw = link.rsplit("/", 1)[1]
    assert raw not in invitation.token_hash  # only the hash is stored

    guest = second_client(app)
    form = guest.get(link)
    assert form.status_code == 200 and "invited@example.org" in page(form)
    response = guest.post(
        link,
        data={
            "email": "attacker@example.org",  # ignored: the invitation fixes the address
            "name": "Jean Bosco",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "language": "fr",
            "gender": "male",
        },
    )
    assert response.status_code == 302
    user = user_by_email("invited@example.org")
    assert user is not None and user_by_email("attacker@example.org") is None
    assert user.roles == {"author", "assessor"}
    assert user.institution.code == "iprc-musanze"
    assert (user.language, user.gender) == ("fr", "male")
    assert guest.get("/").status_code == 200  # logged in
    assert db.session.scalar(select(Invitation)).accepted_at is not None
    assert second_client(app).get(link).status_code == 404  # works once


def test_expired_and_revoked_invitations_show_a_404_page(client, auth, factory, outbox):
    auth.login(factory.user("admin"))
    _invite(client, email="late@example.org")
    _invite(client, email="revoked@example.org")
    links = {m["to"]: link_in(m) for m in outbox()}
    late = db.session.scalar(select(Invitation).where(Invitation.email == "late@example.org"))
    late.expires_at = utcnow() - timedelta(minutes=1)
    revoked = db.session.scalar(select(Invitation).where(Invitation.email == "revoked@example.org"))
    revoked_id = revoked.id
    db.session.commit()
    assert client.post(f"/admin/invitations/{revoked_id}/revoke").status_code == 302
    for email in ("late@example.org", "revoked@example.org"):
        response = client.get(links[email])
        assert response.status_code == 404
        assert "This invitation link is not valid" in page(response)
    assert client.get("/register/made-up-token").status_code == 404


def test_invitation_refuses_an_existing_address_and_needs_a_role(client, auth, factory, outbox):
    auth.login(factory.user("admin"))
    existing = factory.user("learner")
    response = _invite(client, email=existing.email)
    assert response.status_code == 400 and 'id="email-error"' in page(response)
    response = _invite(client, email="new@example.org", roles=())
    assert response.status_code == 400 and "Choose at least one role." in page(response)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert outbox() == []


# --- open registration ---------------------------------------------------------------------------------


def test_open_registration_is_off_by_default(client):
    assert client.get("/register").status_code == 403
    response = client.post(
        "/register",
        data={"email": "x@example.org", "name": "X", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 403
    assert user_by_email("x@example.org") is None


def test_open_registration_creates_learners_only(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_REGISTRATION", True)
    assert client.get("/register").status_code == 200
    response = client.post(
        "/register",
        data={
            "email": "Self.Made@example.org",
            "name": "Self Made",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "language": "rw",
            "gender": "",
            "roles": ["admin"],  # not a field of this form: ignored
        },
    )
    assert response.status_code == 302
    user = user_by_email("self.made@example.org")
    assert user.roles == {"learner"}
    assert user.gender is None and user.language == "rw"


@pytest.mark.parametrize(
    ("password", "email"),
    [
        ("short pw", "weak1@example.org"),
        ("password123", "weak2@example.org"),
        ("Rwanda2025", "weak3@example.org"),
        ("weak4@example.org", "weak4@example.org"),
    ],
    ids=["too-short", "common", "common-any-case", "same-as-address"],
)
def test_weak_passwords_are_refused_at_registration(app, client, monkeypatch, password, email):
    monkeypatch.setitem(app.config, "OPEN_REGISTRATION", True)
    response = client.post(
        "/register",
        data={"email": email, "name": "Weak", "password": password, "confirm": password, "language": "en"},
    )
    assert response.status_code == 400
    assert 'id="password-error"' in page(response)
    assert user_by_email(email) is None


def test_registration_refuses_a_taken_address(app, client, factory, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_REGISTRATION", True)
    taken = factory.user("learner")
    response = client.post(
        "/register",
        data={
            "email": taken.email,
            "name": "Copy",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "language": "en",
        },
    )
    assert response.status_code == 400 and 'id="email-error"' in page(response)
    same_address = select(func.count()).select_from(User).where(User.email == taken.email)
    assert db.session.scalar(same_address) == 1 and user_by_email(taken.email).name == taken.name
    assert client.get("/profile").status_code == 302  # and nobody was logged in


# --- accounts managed by admins ------------------------------------------------------------------------


def test_admin_creates_an_account_that_receives_a_set_password_link(app, client, auth, factory, outbox):
    auth.login(factory.user("admin"))
    assert client.get("/admin/users/new").status_code == 200
    response = client.post(
        "/admin/users/new",
        data={
            "email": "Nurse@Example.org",
            "name": "Grace Mukamana",
            "roles": ["learner", "assessor"],
            "institution_id": by_code("iprc-huye").id,
            "language": "en",
            "gender": "female",
            "active": "y",
        },
    )
    assert response.status_code == 302
    user = user_by_email("nurse@example.org")
    assert user.roles == {"learner", "assessor"} and user.password_hash is None
    (message,) = outbox()
    assert message["to"] == "nurse@example.org"
    link = link_in(message)
    newcomer = second_client(app)
    assert newcomer.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert newcomer.get("/").status_code == 200
    assert user_by_email("nurse@example.org").password_hash.startswith("scrypt:")
    # The admin's list finds the new person.
    assert "Grace Mukamana" in page(client.get("/admin/users?q=mukamana"))


def test_admin_edits_roles_and_deactivation_ends_the_session(app, client, auth, factory):
    learner = factory.user("learner", name="Eric Habimana")
    learner_client = second_client(app)
    learner_client.post("/login", data={"email": learner.email, "password": PASSWORD})
    assert learner_client.get("/profile").status_code == 200

    auth.login(factory.user("admin"))
    assert client.get(f"/admin/users/{learner.id}").status_code == 200
    form = {"name": "Eric Habimana", "roles": ["learner", "verifier"], "institution_id": 0, "language": "en"}
    response = client.post(f"/admin/users/{learner.id}", data={**form, "active": "y"})
    assert response.status_code == 302
    assert user_by_email(learner.email).roles == {"learner", "verifier"}
    assert user_by_email(learner.email).institution_id is None
    assert learner_client.get("/profile").status_code == 200  # a role change keeps the session

    response = client.post(f"/admin/users/{learner.id}", data=form)  # "active" unchecked
    assert response.status_code == 302
    assert user_by_email(learner.email).active is False
    response = learner_client.get("/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert learner_client.post("/login", data={"email": learner.email, "password": PASSWORD}).status_code == 401


def test_admin_user_form_errors_change_nothing(client, auth, factory):
    learner = factory.user("learner", name="Before Name")
    auth.login(factory.user("admin"))
    response = client.post(
        f"/admin/users/{learner.id}",
        data={"name": "After Name", "roles": [], "institution_id": 0, "language": "en", "active": "y"},
    )
    assert response.status_code == 400
    assert "Choose at least one role." in page(response)
    user = user_by_email(learner.email)
    assert user.name == "Before Name" and user.roles == {"learner"}
    assert client.get("/admin/users/999999").status_code == 404


def test_admin_user_list_searches_and_filters_by_role(client, auth, factory):
    factory.user("author", name="Alice Author")
    factory.user("learner", name="Lionel Learner")
    auth.login(factory.user("admin", name="Zed Admin"))
    by_name = page(client.get("/admin/users?q=lionel"))
    assert "Lionel Learner" in by_name and "Alice Author" not in by_name
    by_role = page(client.get("/admin/users?role=author"))
    assert "Alice Author" in by_role and "Lionel Learner" not in by_role


def test_admin_user_list_pages_keep_the_search(app, client, auth, factory, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    authors = [factory.user("author", name=f"Author {letter}") for letter in "ABCDE"]
    factory.user("learner", name="Author Of Nothing")  # matches the search, not the role
    auth.login(factory.user("admin", name="Zed Admin"))

    def shown(response) -> list[str]:
        return [user.name for user in authors if f">{user.name}<" in page(response)]

    first = client.get("/admin/users?q=author&role=author")
    assert shown(first) == ["Author A", "Author B"] and "5 people" in page(first)
    assert 'href="/admin/users?q=author&amp;role=author&amp;page=2"' in page(first)
    assert shown(client.get("/admin/users?q=author&role=author&page=2")) == ["Author C", "Author D"]
    last = client.get("/admin/users?q=author&role=author&page=3")
    assert shown(last) == ["Author E"] and "Author Of Nothing" not in page(last)
    assert 'rel="next"' not in page(last) and 'href="/admin/users?q=author&amp;role=author&amp;page=2"' in page(last)
    assert shown(client.get("/admin/users?q=author&role=author&page=x")) == ["Author A", "Author B"]


# --- profile -------------------------------------------------------------------------------------------


def test_profile_edit_saves_name_institution_language_and_gender(client, auth, factory):
    user = factory.user("learner", name="Old Name")
    auth.login(user)
    response = client.post(
        "/profile",
        data={"name": "  New Name ", "institution_id": by_code("iprc-ngoma").id, "language": "fr", "gender": "female"},
    )
    assert response.status_code == 302
    saved = user_by_email(user.email)
    assert (saved.name, saved.institution.code, saved.language, saved.gender) == (
        "New Name",
        "iprc-ngoma",
        "fr",
        "female",
    )
    assert '<html lang="fr">' in page(client.get("/profile"))  # the preferred language is used


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"language": "de"}, "language"),
        ({"gender": "robot"}, "gender"),
        ({"institution_id": "99999"}, "institution_id"),
    ],
    ids=["empty-name", "unknown-language", "unknown-gender", "unknown-institution"],
)
def test_profile_errors_are_shown_next_to_the_field(client, auth, factory, change, field):
    user = factory.user("learner", name="Kept Name")
    auth.login(user)
    data = {"name": "Changed", "institution_id": 0, "language": "en", "gender": "", **change}
    response = client.post("/profile", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page(response)
    assert f'aria-describedby="{field}-error"' in page(response)
    assert user_by_email(user.email).name == "Kept Name"


def test_language_switch_is_remembered_on_the_account(client, auth, factory):
    user = factory.user("learner", language="en")
    auth.login(user)
    response = client.post("/language", data={"lang": "fr", "next": "/profile"})
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    assert user_by_email(user.email).language == "fr"
    assert client.post("/language", data={"lang": "xx", "next": "/profile"}).status_code == 302
    assert user_by_email(user.email).language == "fr"  # an unknown language changes nothing
    auth.logout()
    phone = second_client(client.application)
    phone.post("/login", data={"email": user.email, "password": PASSWORD})
    assert '<html lang="fr">' in page(phone.get("/profile"))  # follows the person to another device
