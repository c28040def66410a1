"""The site's name and logo are the deployment's (``LMS_SITE_NAME``, ``LMS_SITE_LOGO``): the header, page
titles, the landing page and mail say them; the logo is served from the site itself."""

from __future__ import annotations

from html import unescape

import pytest
from sqlalchemy import select

from lms.app import create_app
from lms.config import ConfigError, load
from lms.db import db
from lms.mail import OutgoingMail
from tests.conftest import IsolatedClient

NAME = "Rwanda Polytechnic ToT"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'


def _client(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


def test_the_environment_names_the_site_and_its_logo():
    config = load(environ={"LMS_SITE_NAME": NAME, "LMS_SITE_LOGO": "/srv/rp/logo.svg"})
    assert config["SITE_NAME"] == NAME and config["SITE_LOGO"] == "/srv/rp/logo.svg"
    assert load(environ={})["SITE_NAME"] == "tot-lms" and load(environ={})["SITE_LOGO"] is None
    with pytest.raises(ConfigError, match="LMS_SITE_LOGO"):
        load(environ={"LMS_SITE_LOGO": "/etc/shadow"})  # only an image is ever served as the logo


def test_pages_and_mail_carry_the_configured_name_and_logo(app_overrides, factory, tmp_path):
    logo = tmp_path / "rp-logo.svg"
    logo.write_bytes(SVG)
    branded = create_app({**app_overrides, "SITE_NAME": NAME, "SITE_LOGO": str(logo)})
    client = _client(branded)

    landing = unescape(client.get("/").get_data(as_text=True))
    assert f"<title>{NAME}</title>" in landing and f"<h1>{NAME}</h1>" in landing
    header = landing[landing.index('<header class="site-header">') : landing.index("</header>")]
    assert f'<img src="/site-logo" alt="" height="32">{NAME}</a>' in header
    assert "tot-lms" not in header
    assert f"<title>Log in · {NAME}</title>" in unescape(client.get("/login").get_data(as_text=True))

    served = client.get("/site-logo")
    assert served.status_code == 200 and served.mimetype == "image/svg+xml" and served.data == SVG
    assert "sandbox" in served.headers["Content-Security-Policy"]  # an SVG opened on its own runs nothing

    user = factory.user("learner", email="named@example.org")
    client.post("/password/forgot", data={"email": user.email})
    subjects = db.session.scalars(select(OutgoingMail.subject).where(OutgoingMail.to == user.email)).all()
    assert subjects == [f"Reset your {NAME} password"]


def test_no_logo_configured_means_no_logo_address(client):
    assert client.get("/site-logo").status_code == 404
    assert 'src="/site-logo"' not in client.get("/").get_data(as_text=True)
