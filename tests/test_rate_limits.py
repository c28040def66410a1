"""Rate limits on public actions: password-reset mail and the certificate verification page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from lms.clock import utcnow
from lms.db import db
from lms.rate_limits import RateEvent
from tests.test_accounts import (
    outbox,  # noqa: F401 - fixture
    second_client,
)


def _age_events(seconds: int) -> None:
    """Move every counted event ``seconds`` into the past (as if that time had passed)."""
    db.session.execute(update(RateEvent).values(at=RateEvent.at - timedelta(seconds=seconds)))
    db.session.commit()


def test_reset_mail_is_limited_per_address_and_says_when_to_retry(app, client, factory, outbox):  # noqa: F811
    user = factory.user("learner", email="often@example.org")
    limit = app.config["PASSWORD_RESET_MAX_PER_EMAIL"]
    for _ in range(limit):
        assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    assert len(outbox()) == limit

    refused = client.post("/password/forgot", data={"email": "Often@Example.org"})  # same address, other case
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= app.config["PASSWORD_RESET_WINDOW_SECONDS"]
    assert "Too many reset requests" in refused.get_data(as_text=True)
    assert len(outbox()) == limit  # no mail for the refused request
    # A refused attempt is not counted: the wait does not grow with every try.
    assert db.session.scalar(select(func.count()).select_from(RateEvent)) == 2 * limit

    # Another address from the same client is still served.
    assert client.post("/password/forgot", data={"email": "someone.else@example.org"}).status_code == 302

    _age_events(app.config["PASSWORD_RESET_WINDOW_SECONDS"] + 1)
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    assert len(outbox()) == limit + 1


def test_reset_limit_does_not_reveal_whether_an_address_has_an_account(app, client, factory, outbox):  # noqa: F811
    factory.user("learner", email="known@example.org")
    answers = {}
    for email in ("known@example.org", "nobody@example.org"):
        codes = [
            client.post("/password/forgot", data={"email": email}).status_code
            for _ in range(app.config["PASSWORD_RESET_MAX_PER_EMAIL"] + 1)
        ]
        answers[email] = codes
    assert answers["known@example.org"] == answers["nobody@example.org"] == [302, 302, 302, 429]


def test_reset_mail_is_limited_per_client(app, client, monkeypatch, outbox):  # noqa: F811
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_PER_IP", 2)
    assert client.post("/password/forgot", data={"email": "a@example.org"}).status_code == 302
    assert client.post("/password/forgot", data={"email": "b@example.org"}).status_code == 302
    assert client.post("/password/forgot", data={"email": "c@example.org"}).status_code == 429
    other_client = second_client(app)
    other_client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert other_client.post("/password/forgot", data={"email": "c@example.org"}).status_code == 302


def test_verification_checks_are_limited_per_client(app, client, monkeypatch):
    """Counted in each worker's memory (``certificates.throttle``): a worker allows its share of the limit."""
    import time

    from certificates.throttle import EXTENSION
    from certificates.vc.codes import new_code

    monkeypatch.setitem(app.config, "VERIFY_MAX_PER_IP", 2)
    monkeypatch.setitem(app.config, "SERVE_WORKERS", 1)
    assert client.get("/verify").status_code == 200  # the empty form is not a check
    assert client.get(f"/verify?code={new_code()}").status_code == 404
    assert client.get("/verify?code=bad code!").status_code == 400  # malformed codes count too
    refused = client.get(f"/verify?code={new_code()}")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Too many checks" in refused.get_data(as_text=True)
    assert client.get("/verify").status_code == 200

    other_client = second_client(app)
    other_client.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    assert other_client.get(f"/verify?code={new_code()}").status_code == 404

    later = time.monotonic() + app.config["VERIFY_WINDOW_SECONDS"] + 1
    app.extensions[EXTENSION].clock = lambda: later  # as if the window had passed
    assert client.get(f"/verify?code={new_code()}").status_code == 404


def test_old_events_are_pruned_when_new_ones_are_counted(app, client, outbox):  # noqa: F811
    client.post("/password/forgot", data={"email": "a@example.org"})
    _age_events(2 * 24 * 3600)
    client.post("/password/forgot", data={"email": "b@example.org"})
    ages = db.session.scalars(select(RateEvent.at)).all()
    assert len(ages) == 2  # the second request's (per address, per client); the first one's are gone
    assert all(utcnow() - at < timedelta(minutes=5) for at in ages)
