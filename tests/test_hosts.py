"""The site's name: links that leave the site are built from BASE_URL, never from the request's ``Host``,
and requests for a host the site does not answer to are refused (``lms.hosts``, ``lms.web.external_url``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import create_app
from lms.config import ConfigError
from lms.config import load as load_config
from lms.db import db
from lms.mail import OutgoingMail
from lms.web import external_url
from tests.conftest import PASSWORD, IsolatedClient
from tests.test_accounts import link_in, outbox  # noqa: F401 - fixture

SITE = "https://lms.example.org"
ALIAS = "tot.example.org"  # another name of the same site (LMS_TRUSTED_HOSTS)


@pytest.fixture(scope="module")
def site(app_overrides):
    """The site as production runs it: on its own https name, with one alias, on the tests' database."""
    return create_app({**app_overrides, "BASE_URL": SITE, "TRUSTED_HOSTS_EXTRA": [ALIAS]})


class HostClient(IsolatedClient):
    """A browser that asks for ``host`` (the ``Host`` header) on every request, as a client can."""

    host = "localhost"

    def open(self, *args, **kwargs):
        kwargs["headers"] = {"Host": self.host, **(kwargs.get("headers") or {})}
        return super().open(*args, **kwargs)


def browser(application, host: str) -> HostClient:
    client = HostClient(application, application.response_class, use_cookies=True)
    client.host = host
    return client


def mail_rows() -> list[OutgoingMail]:
    db.session.commit()
    return list(db.session.scalars(select(OutgoingMail)))


# --- Host header poisoning -----------------------------------------------------------------------------


def test_a_poisoned_host_header_puts_no_link_into_a_reset_mail(site, factory, outbox):  # noqa: F811
    """The attack: ask for someone's reset mail with the attacker's site as Host, hoping the victim clicks
    a link that hands the token to that site. The request is refused and no mail is written."""
    victim = factory.user("learner")
    response = browser(site, "evil.example").post("/password/forgot", data={"email": victim.email})
    assert response.status_code == 400
    assert mail_rows() == [] and outbox() == []


@pytest.mark.parametrize(
    "host", [ALIAS, f"{ALIAS}:8443", "lms.example.org:443", "LMS.EXAMPLE.ORG"], ids=["alias", "port", "443", "case"]
)
def test_reset_mail_links_to_the_base_url_whichever_trusted_host_was_asked(site, factory, outbox, host):  # noqa: F811
    victim = factory.user("learner")
    response = browser(site, host).post("/password/forgot", data={"email": victim.email})
    assert response.status_code == 302
    [row] = mail_rows()
    assert row.to == victim.email  # stored, then delivered (the body is erased once sent)
    [message] = outbox()
    assert f"{SITE}/password/reset/" in message["body"]
    assert ALIAS not in message["body"] and ":8443" not in message["body"]


def test_invitation_and_welcome_mail_link_to_the_base_url(site, factory, outbox):  # noqa: F811
    admin = factory.user("admin")
    client = browser(site, ALIAS)
    client.environ_base["wsgi.url_scheme"] = "https"  # the site's cookies are Secure
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    response = client.post(
        "/admin/invitations", data={"email": "invited@example.org", "roles": ["learner"], "institution_id": 0}
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.org",
            "name": "Grace M",
            "roles": ["learner"],
            "institution_id": 0,
            "language": "en",
            "active": "y",
        },
    )
    assert response.status_code == 302
    mails = {message["to"]: message["body"] for message in outbox()}
    assert f"{SITE}/register/" in mails["invited@example.org"]
    assert f"{SITE}/password/reset/" in mails["new@example.org"]
    assert ALIAS not in "".join(mails.values())


def test_links_are_built_from_the_base_url_in_jobs_and_commands(app_overrides, outside_requests):
    """No request, no Host: a job or a command builds the same links (a path prefix included)."""
    prefixed = create_app({**app_overrides, "BASE_URL": "https://lms.example.org/tot/"})

    def build() -> str:
        with prefixed.app_context():
            return external_url("accounts.reset_password", token="abc")

    assert outside_requests(build) == "https://lms.example.org/tot/password/reset/abc"


def test_no_code_builds_an_absolute_link_from_the_request():
    """``url_for(..., _external=True)`` and the request's host URLs take the client's ``Host``: links that
    leave the site go through ``lms.web.external_url`` (mail templates included)."""
    root = Path(__file__).resolve().parent.parent
    found = []
    for package in ("lms", "courses", "assessments", "certificates"):
        for path in (root / package).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt"} or path.relative_to(root).as_posix() == "lms/web.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"(?<!\w)_external\s*=\s*True|\b(?:host_url|url_root|root_url)\b", text):
                found.append(path.relative_to(root).as_posix())
    assert found == []


# --- which hosts are answered ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("lms.example.org", 200),
        (ALIAS, 200),
        ("evil.example", 400),
        ("lms.example.org.evil.example", 400),
        ("evil-lms.example.org", 400),
        ("lms.example.org@evil.example", 400),
        ("", 400),
        ("127.0.0.1", 400),  # loopback names are trusted only when BASE_URL itself is one
    ],
)
def test_requests_for_other_hosts_are_refused_before_the_app_runs(site, host, status):
    response = browser(site, host).get("/login")
    assert response.status_code == status
    if status == 400:
        assert "Set-Cookie" not in response.headers  # no session was even opened


def test_subdomains_are_trusted_only_when_listed_with_a_leading_dot(app_overrides):
    wildcard = create_app({**app_overrides, "BASE_URL": SITE, "TRUSTED_HOSTS_EXTRA": [".campus.example.org"]})
    assert browser(wildcard, "huye.campus.example.org").get("/login").status_code == 200
    assert browser(wildcard, "campus.example.org").get("/login").status_code == 200
    assert browser(wildcard, "huye.campus.example.org.evil.example").get("/login").status_code == 400


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1:5000", "[::1]:5000"])
def test_a_development_server_answers_every_loopback_name(app, host):
    """The tests' (and the demo's) BASE_URL is a loopback name: the browser may use any of them."""
    assert browser(app, host).get("/login").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_whatever_the_host(site, path):
    """Load balancers call the probes by the instance's address; they build no link and show nothing."""
    assert browser(site, "10.0.3.7:8000").get(path).status_code == 200
    assert browser(site, "10.0.3.7:8000").get(f"{path}/x").status_code == 400


# --- settings -----------------------------------------------------------------------------------------


def test_trusted_hosts_come_from_the_environment():
    config = load_config(environ={"LMS_TRUSTED_HOSTS": "tot.example.org, .campus.example.org,[::1]"})
    assert config["TRUSTED_HOSTS_EXTRA"] == ["tot.example.org", ".campus.example.org", "::1"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LMS_BASE_URL", "lms.example.org"),
        ("LMS_BASE_URL", "ftp://lms.example.org"),
        ("LMS_BASE_URL", "https://user@lms.example.org"),
        ("LMS_BASE_URL", "https://lms.example.org/?next=x"),
        ("LMS_TRUSTED_HOSTS", "https://tot.example.org"),
        ("LMS_TRUSTED_HOSTS", "tot.example.org:8080"),
    ],
)
def test_a_malformed_site_address_is_a_start_up_error(variable, value):
    with pytest.raises(ConfigError, match=variable):
        load_config(environ={variable: value})
