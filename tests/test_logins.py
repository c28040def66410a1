"""Log-ins end for good: logging out ends that session and its remember-me cookie wherever copies of them are,
and "log out everywhere" ends every session of the account (``lms.accounts.logins``)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from lms import caches
from lms.accounts.models import LOGIN_LIFETIME, UserLogin
from lms.db import db
from tests.conftest import PASSWORD, IsolatedClient


def browser(app) -> IsolatedClient:
    return IsolatedClient(app, app.response_class, use_cookies=True)


def log_in(client, user, remember: bool = False):
    data = {"email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def cookie(client, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def replaying(app, **cookies: str) -> IsolatedClient:
    """Another browser (the attacker's) holding copies of someone's cookies, and nothing else."""
    thief = browser(app)
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def logged_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def logins_of(user) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(UserLogin).where(UserLogin.user_id == user.id))


# --- log-out -----------------------------------------------------------------------------------------


def test_a_session_cookie_copied_before_logout_no_longer_works(app, factory):
    user = factory.user("learner")
    victim = browser(app)
    log_in(victim, user)
    stolen = cookie(victim, "session")
    assert replaying(app, session=stolen).get("/profile").status_code == 200  # the copy works while logged in
    # The cookie verified once and is remembered by this process (lms/sessions.py): that must not revive it.
    assert caches.SESSION_COOKIES.get((app.secret_key, stolen)) is not None

    assert logged_out(victim.post("/logout"))
    assert logged_out(replaying(app, session=stolen).get("/profile"))
    assert logged_out(victim.get("/profile"))


def test_a_remember_me_cookie_copied_before_logout_no_longer_works(app, factory):
    user = factory.user("learner")
    victim = browser(app)
    log_in(victim, user, remember=True)
    stolen = cookie(victim, "remember_token")
    assert replaying(app, remember_token=stolen).get("/profile").status_code == 200  # it logs a browser in

    assert logged_out(victim.post("/logout"))
    assert logged_out(replaying(app, remember_token=stolen).get("/profile"))
    session_too = replaying(app, session=cookie(victim, "session"), remember_token=stolen)
    assert logged_out(session_too.get("/profile"))


def test_logging_out_here_keeps_the_other_devices_logged_in(app, factory):
    user = factory.user("learner")
    phone, laptop = browser(app), browser(app)
    log_in(phone, user, remember=True)
    log_in(laptop, user)
    assert logins_of(user) == 2
    assert logged_out(laptop.post("/logout"))
    assert phone.get("/profile").status_code == 200
    assert replaying(app, remember_token=cookie(phone, "remember_token")).get("/profile").status_code == 200
    assert logins_of(user) == 1


def test_a_log_in_ends_after_its_lifetime_and_its_record_goes(app, factory):
    user = factory.user("learner")
    old = browser(app)
    log_in(old, user, remember=True)
    db.session.execute(update(UserLogin).values(created_at=UserLogin.created_at - LOGIN_LIFETIME - timedelta(hours=1)))
    db.session.commit()
    assert logged_out(old.get("/profile"))
    assert logged_out(replaying(app, remember_token=cookie(old, "remember_token")).get("/profile"))
    log_in(browser(app), factory.user("learner"))  # anyone's log-in clears the expired records
    assert logins_of(user) == 0


def test_only_the_logins_token_hash_is_stored(app, factory):
    user = factory.user("learner")
    client = browser(app)
    log_in(client, user, remember=True)
    token = cookie(client, "remember_token").split("|")[0].rsplit(":", 1)[1]
    stored = db.session.scalar(select(UserLogin.token_hash).where(UserLogin.user_id == user.id))
    assert len(token) >= 20 and token not in stored and len(stored) == 64


# --- log out everywhere ----------------------------------------------------------------------------------


def test_log_out_everywhere_ends_every_session_of_the_account(app, factory):
    user = factory.user("learner")
    someone_else = factory.user("learner")
    phone, laptop, other = browser(app), browser(app), browser(app)
    log_in(phone, user, remember=True)
    log_in(laptop, user)
    log_in(other, someone_else)
    phone_cookies = {"session": cookie(phone, "session"), "remember_token": cookie(phone, "remember_token")}

    page = laptop.get("/profile").get_data(as_text=True)
    assert "/profile/logins/end" in page
    confirm = laptop.get("/profile/logins/end")
    assert confirm.status_code == 200 and "Log out everywhere" in confirm.get_data(as_text=True)
    assert phone.get("/profile").status_code == 200  # asking is not doing

    response = laptop.post("/profile/logins/end")
    assert logged_out(response)
    assert logged_out(phone.get("/profile"))
    assert logged_out(replaying(app, **phone_cookies).get("/profile"))
    assert logged_out(replaying(app, remember_token=phone_cookies["remember_token"]).get("/profile"))
    assert logged_out(laptop.get("/profile"))  # this browser too: whoever copied its cookies is out as well
    assert other.get("/profile").status_code == 200  # other accounts are untouched
    assert logins_of(user) == 0
    assert phone.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_log_out_everywhere_needs_the_csrf_token(app_overrides, factory):
    from lms import create_app

    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True})
    user = factory.user("learner")
    client = browser(strict)

    def token(path: str) -> str:
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True))[1]

    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token("/login")})
    assert client.post("/profile/logins/end").status_code == 400  # a forged button on another site
    assert client.get("/profile").status_code == 200
    assert logged_out(client.post("/profile/logins/end", data={"csrf_token": token("/profile/logins/end")}))
    assert logged_out(client.get("/profile"))


def test_log_out_everywhere_is_for_logged_in_people(client):
    assert logged_out(client.get("/profile/logins/end"))
    assert logged_out(client.post("/profile/logins/end"))


# --- the other ways a log-in starts and ends -------------------------------------------------------------


@pytest.mark.parametrize("how", ["password change", "deactivation"])
def test_a_password_change_or_a_deactivation_ends_every_log_in(app, factory, how):
    user = factory.user("learner")
    phone, laptop = browser(app), browser(app)
    log_in(phone, user, remember=True)
    log_in(laptop, user)
    stolen = cookie(phone, "remember_token")
    if how == "password change":
        new = "purple giraffe umbrella"
        data = {"current_password": PASSWORD, "password": new, "confirm": new}
        assert laptop.post("/profile/password", data=data).status_code == 302
        assert laptop.get("/profile").status_code == 200  # a new log-in here
        assert logins_of(user) == 1
    else:
        admin = browser(app)
        log_in(admin, factory.user("admin"))
        form = {"name": user.name, "roles": ["learner"], "institution_id": 0, "language": "en"}
        assert admin.post(f"/admin/users/{user.id}", data=form).status_code == 302
        assert logins_of(user) == 0
    assert logged_out(phone.get("/profile"))
    assert logged_out(replaying(app, remember_token=stolen).get("/profile"))
