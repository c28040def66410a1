"""Per-client limits behind reverse proxies (``PROXY_HOPS``): each client is limited on its own, a client
cannot escape its limit with a forged X-Forwarded-For entry, and without proxies the header is ignored.

A request through ``hops`` proxies reaches the app from the nearest proxy (``REMOTE_ADDR``) with one
X-Forwarded-For entry per proxy, each appended by that proxy: the client's address, then each outer
proxy's. Whatever the client wrote into the header itself stands to the left of them.
"""

from __future__ import annotations

import pytest

from lms import create_app
from tests.conftest import PASSWORD, IsolatedClient
from tests.test_accounts import outbox  # noqa: F401 - fixture

NEAREST_PROXY = "10.0.0.1"  # the app's peer: the proxy next to it
OUTER_PROXY = "10.0.0.2"  # a load balancer in front of that proxy
ALICE, BOB = "203.0.113.10", "198.51.100.20"
FORGED = "192.0.2.99"


@pytest.fixture(scope="module")
def proxied_apps(app_overrides):
    """One application per number of trusted proxies, on the tests' database (built on first use)."""
    apps: dict = {}

    def get(hops: int):
        if hops not in apps:
            apps[hops] = create_app({**app_overrides, "PROXY_HOPS": hops})
        # certificate checks are counted in the app's memory: each test starts with none, as the database does
        apps[hops].extensions.pop("certificates.verify_limiter", None)
        return apps[hops]

    return get


class ProxiedClient:
    """A browser at ``address`` whose requests pass through ``hops`` proxies on their way to ``app``."""

    def __init__(self, app, hops: int, address: str, forged: str | None = None):
        self.client = IsolatedClient(app, app.response_class, use_cookies=True)
        entries = [forged] if forged else []  # what the client itself sent, if anything
        if hops:
            entries += [address] + [OUTER_PROXY] * (hops - 1)  # appended by each proxy in turn
            self.remote_addr = NEAREST_PROXY
        else:
            self.remote_addr = address  # no proxy: the client is the app's peer
        self.headers = {"X-Forwarded-For": ", ".join(entries)} if entries else {}

    def get(self, url: str, **kwargs):
        return self.client.get(url, environ_base={"REMOTE_ADDR": self.remote_addr}, headers=self.headers, **kwargs)

    def post(self, url: str, **kwargs):
        return self.client.post(url, environ_base={"REMOTE_ADDR": self.remote_addr}, headers=self.headers, **kwargs)


def _fail_login(browser: ProxiedClient, n: int) -> int:
    return browser.post("/login", data={"email": f"nobody{n}@example.org", "password": "guess guess"}).status_code


def _ask_reset(browser: ProxiedClient, n: int) -> int:
    return browser.post("/password/forgot", data={"email": f"someone{n}@example.org"}).status_code


def _verify(browser: ProxiedClient, n: int) -> int:
    from certificates.vc.codes import new_code

    return browser.get(f"/verify?code={new_code()}").status_code  # a well-formed code nobody holds: 404


# what a client does, the setting of its limit, the answer while the limit allows it (429 once used up)
PER_CLIENT_LIMITS = {
    "log-in failures": (_fail_login, "LOGIN_MAX_FAILURES_PER_IP", 401),
    "reset mail": (_ask_reset, "PASSWORD_RESET_MAX_PER_IP", 302),
    "certificate checks": (_verify, "VERIFY_MAX_PER_IP", 404),
}


@pytest.mark.parametrize("hops", [1, 2])
@pytest.mark.parametrize("limit", list(PER_CLIENT_LIMITS))
def test_each_client_has_its_own_limit_and_cannot_forge_its_way_out(proxied_apps, monkeypatch, outbox, hops, limit):  # noqa: F811
    act, setting, allowed = PER_CLIENT_LIMITS[limit]
    proxied = proxied_apps(hops)
    monkeypatch.setitem(proxied.config, setting, 2)
    monkeypatch.setitem(proxied.config, "SERVE_WORKERS", 1)  # certificate checks: this process's share is all
    alice = ProxiedClient(proxied, hops, ALICE)
    assert [act(alice, n) for n in range(3)] == [allowed, allowed, 429]

    # Bob comes through the same proxies, from another address: his own limit is untouched.
    bob = ProxiedClient(proxied, hops, BOB)
    assert [act(bob, n) for n in range(10, 13)] == [allowed, allowed, 429]

    # Alice writes an address of her own choosing into the header: the proxies' entries still name her.
    assert act(ProxiedClient(proxied, hops, ALICE, forged=FORGED), 20) == 429
    assert act(ProxiedClient(proxied, hops, ALICE, forged=BOB), 21) == 429
    # The forged address was not charged either: a real client there is served.
    assert act(ProxiedClient(proxied, hops, FORGED), 22) == allowed


@pytest.mark.parametrize("hops", [1, 2])
def test_behind_proxies_a_throttled_client_does_not_lock_out_the_others(proxied_apps, monkeypatch, factory, hops):
    """The defect this guards against: 30 failed log-ins from anyone locked every log-in of the site."""
    proxied = proxied_apps(hops)
    monkeypatch.setitem(proxied.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    user = factory.user("learner")
    attacker = ProxiedClient(proxied, hops, ALICE)
    for n in range(3):
        assert _fail_login(attacker, n) == 401
    assert attacker.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429

    colleague = ProxiedClient(proxied, hops, BOB)
    assert colleague.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_without_proxies_forwarded_for_is_ignored(app, monkeypatch, factory):
    """With ``PROXY_HOPS`` 0 (the default) a client that varies X-Forwarded-For stays one client."""
    assert app.config["PROXY_HOPS"] == 0
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES_PER_IP", 3)
    user = factory.user("learner")
    for n, forged in enumerate(["192.0.2.1", "192.0.2.2", f"{BOB}, {NEAREST_PROXY}"]):
        assert _fail_login(ProxiedClient(app, 0, ALICE, forged=forged), n) == 401
    posing_as_bob = ProxiedClient(app, 0, ALICE, forged=BOB)
    assert posing_as_bob.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429
    # Bob himself, at his own address, is not limited by what Alice did in his name.
    bob = ProxiedClient(app, 0, BOB)
    assert bob.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_a_request_that_bypasses_the_proxy_is_limited_by_its_own_address(proxied_apps, monkeypatch):
    proxied = proxied_apps(1)
    monkeypatch.setitem(proxied.config, "VERIFY_MAX_PER_IP", 1)
    direct = IsolatedClient(proxied, proxied.response_class)
    assert direct.get("/verify?code=0000-0000-0000-0", environ_base={"REMOTE_ADDR": ALICE}).status_code == 404
    assert direct.get("/verify?code=0000-0000-0000-0", environ_base={"REMOTE_ADDR": ALICE}).status_code == 429
    assert _verify(ProxiedClient(proxied, 1, BOB), 3) == 404


def test_a_malformed_forwarded_address_is_counted_not_a_server_error(proxied_apps):
    """A misconfigured proxy may pass any text on in the trusted position; the page still answers."""
    proxied = proxied_apps(1)
    odd = ProxiedClient(proxied, 1, "not-an-address-" + "x" * 300)
    assert _fail_login(odd, 1) == 401
    assert _verify(odd, 1) == 404


@pytest.mark.parametrize("hops", [0, 1, 2])
def test_links_in_mail_are_on_the_base_url_whatever_the_request_says(proxied_apps, app, factory, outbox, hops):  # noqa: F811
    """Links that leave the site are built from BASE_URL: neither the scheme a proxy reports, nor a forged
    X-Forwarded-Host, nor the Host header (here another trusted loopback name) changes them."""
    target = proxied_apps(hops) if hops else app
    user = factory.user("learner")
    browser = ProxiedClient(target, hops, ALICE)
    browser.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example", "Host": "127.0.0.1:5000"})
    assert browser.post("/password/forgot", data={"email": user.email}).status_code == 302
    [message] = outbox()
    assert "http://localhost/password/reset/" in message["body"]  # the tests' BASE_URL
    assert "evil.example" not in message["body"] and "127.0.0.1" not in message["body"]
