"""The verification page by code (``/v/<code>`` and ``/verify?code=``): each state a verifier can meet."""

from __future__ import annotations

import re
from datetime import timedelta

from certificates import lookup, services
from certificates.models import Certificate
from lms.db import db
from tests.certificates.helpers import certifiable_course
from tests.certificates.verify_helpers import issued, typo_of, unknown_code
from tests.conftest import PASSWORD


def _checks(html: str) -> dict[str, str]:
    """Each check's label and outcome as the page lists them."""
    found = re.findall(r'<li class="check"><strong>([^<]+)</strong>: <span class="badge [^"]+">([^<]+)</span>', html)
    return dict(found)


def test_a_valid_certificate_lists_every_check_passed_and_its_details(app, factory, client):
    _id, code, _bytes, learner = issued(app, factory)
    response = client.get(f"/v/{code.replace('-', '')}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "VALID" in html
    assert _checks(html) == {
        "Signature": "passed",
        "Issuer key trusted": "passed",
        "Not revoked as of now": "passed",
        "Within validity": "passed",
        "Content unchanged": "passed",
    }
    for fact in ("Mukamana Éloïse", "Électricité du bâtiment — niveau 3", "40", app.config["SITE_NAME"], code):
        assert fact in html
    assert learner.email not in html
    # Downloads, and the same page from the verify box's address and from any spelling of the code
    assert f"/certificates/{code.replace('-', '')}/certificate.pdf" in html
    assert f"/certificates/{code.replace('-', '')}/badge.png" in html
    assert f"/certificates/{code.replace('-', '')}/credential.json" in html
    assert client.get(f"/verify?code={code.lower()}").status_code == 200
    assert _checks(client.get(f"/verify?code={code}").get_data(as_text=True)) == _checks(html)


def test_a_revoked_certificate_shows_revoked_with_date_and_reason_not_a_404(app, factory, client):
    certificate_id, code, _bytes, _learner = issued(app, factory)
    admin = factory.user("admin")
    with app.test_request_context():
        services.revoke(db.session.get(Certificate, certificate_id), "Assessment fraud", admin.id)
        db.session.commit()
        day = db.session.get(Certificate, certificate_id).revoked_at.date().isoformat()
    response = client.get(f"/v/{code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "REVOKED" in html and "Assessment fraud" in html and day in html
    checks = _checks(html)
    assert checks["Not revoked as of now"] == "failed"
    assert checks["Signature"] == "passed"  # what failed is named, the rest still said


def test_a_reissued_certificate_points_to_its_replacement(app, factory, client):
    certificate_id, code, _bytes, _learner = issued(app, factory)
    with app.test_request_context():
        new = services.reissue(db.session.get(Certificate, certificate_id), "Mukamana Eloise", None, "")
        db.session.commit()
        new_code = new.code
    html = client.get(f"/v/{code}").get_data(as_text=True)
    assert "REVOKED" in html and "replaced by the certificate" in html
    assert f'href="/v/{new_code}"' in html
    assert "VALID" in client.get(f"/v/{new_code}").get_data(as_text=True)


def test_an_expired_certificate_says_expired(app, factory, client):
    _id, code, _bytes, _learner = issued(app, factory)
    with app.test_request_context():
        certificate = services.by_code(code)
        checked = lookup.check_stored(certificate, now=certificate.issued_at + timedelta(days=1))
        assert checked.status == lookup.VALID
    # A certificate that expires: issued with a validity of one day, checked the next week
    course = certifiable_course(factory, title="Short course")
    from certificates.models import CertificateSettings

    db.session.add(CertificateSettings(course_id=course.id, enabled=True, valid_for_days=1))
    db.session.commit()
    _id, short_code, _bytes, _learner = issued(app, factory, course=course, name="Habimana Jean")
    with app.test_request_context():
        certificate = services.by_code(short_code)
        checked = lookup.check_stored(certificate, now=certificate.issued_at + timedelta(days=7))
    assert checked.status == lookup.EXPIRED
    assert {check.name: check.outcome for check in checked.checks}["validity"] == "failed"
    assert "VALID" in client.get(f"/v/{short_code}").get_data(as_text=True)  # today it is still valid


def test_unknown_typo_and_malformed_codes_are_told_apart(app, factory, client):
    _id, code, _bytes, _learner = issued(app, factory)
    unknown = client.get(f"/v/{unknown_code()}")
    assert unknown.status_code == 404
    assert "has been issued by this installation" in unknown.get_data(as_text=True)
    typo = client.get(f"/v/{typo_of(code)}")
    assert typo.status_code == 400
    assert "This code has a typo" in typo.get_data(as_text=True)
    malformed = client.get("/verify?code=hello")
    assert malformed.status_code == 400
    assert "does not look like a certificate code" in malformed.get_data(as_text=True)
    assert client.get("/verify").status_code == 200  # the empty form


def test_a_certificate_whose_stored_bytes_were_altered_is_invalid(app, factory, client):
    certificate_id, code, stored, _learner = issued(app, factory)
    certificate = db.session.get(Certificate, certificate_id)
    certificate.credential = stored.replace(b"Mukamana", b"Mukamama")
    certificate.learner_name = "Mukamama Éloïse"
    db.session.commit()
    html = client.get(f"/v/{code}").get_data(as_text=True)
    checks = _checks(html)
    assert checks["Signature"] == "failed" and checks["Content unchanged"] == "failed"
    assert "INVALID" in html


def test_the_details_on_record_must_be_the_signed_ones(app, factory, client):
    certificate_id, code, _stored, _learner = issued(app, factory)
    db.session.get(Certificate, certificate_id).learner_name = "Someone Else"  # the row edited, not the credential
    db.session.commit()
    checks = _checks(client.get(f"/v/{code}").get_data(as_text=True))
    assert checks["Signature"] == "passed" and checks["Content unchanged"] == "failed"


def test_checks_are_rate_limited_per_client_with_retry_after(app, factory, client, monkeypatch):
    _id, code, _bytes, _learner = issued(app, factory)
    monkeypatch.setitem(app.config, "VERIFY_MAX_PER_IP", 4)
    monkeypatch.setitem(app.config, "SERVE_WORKERS", 2)  # each worker process allows its share: 2
    assert client.get(f"/v/{code}").status_code == 200
    assert client.get(f"/v/{unknown_code()}").status_code == 404
    refused = client.get(f"/v/{code}")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= app.config["VERIFY_WINDOW_SECONDS"]
    assert "Too many checks" in refused.get_data(as_text=True)
    other = client.get(f"/v/{code}", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 200


def test_the_page_takes_a_bounded_number_of_queries(app, factory, client, count_queries):
    _id, code, _bytes, _learner = issued(app, factory)
    client.get(f"/v/{code}")  # the proof is verified once and remembered
    with count_queries() as counter:
        assert client.get(f"/v/{code}").status_code == 200
    assert counter.count <= 2, counter.statements


def test_the_page_works_without_javascript(app, factory, client):
    _id, code, _bytes, _learner = issued(app, factory)
    html = client.get(f"/v/{code}").get_data(as_text=True)
    main = html[html.index("<main") :]
    assert "<script" not in main  # the checklist is in the HTML itself
    assert '<form method="get" action="/verify"' in main


def test_the_kept_page_follows_a_revocation_on_the_next_request(app, factory, client):
    certificate_id, code, _bytes, _learner = issued(app, factory)
    for _ in range(2):  # the second answer comes from the kept page
        assert "REVOKED" not in client.get(f"/v/{code}").get_data(as_text=True)
    with app.test_request_context():
        services.revoke(db.session.get(Certificate, certificate_id), "Issued in error", None)
        db.session.commit()
    html = client.get(f"/v/{code}").get_data(as_text=True)
    assert "REVOKED" in html and "Issued in error" in html
    with app.test_request_context():
        services.reinstate(db.session.get(Certificate, certificate_id), None)
        db.session.commit()
    assert "REVOKED" not in client.get(f"/v/{code}").get_data(as_text=True)


def test_a_visitor_gets_the_page_without_a_session_and_a_logged_in_viewer_with_their_own_token(
    app, factory, client, auth
):
    from tests.test_accounts import second_client

    _id, code, _bytes, _learner = issued(app, factory)
    token = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')
    visitor = client.get(f"/v/{code}")
    assert "VALID" in visitor.get_data(as_text=True)
    assert "Set-Cookie" not in visitor.headers and not token.findall(visitor.get_data(as_text=True))
    auth.login(factory.user("verifier"))
    other = second_client(app)
    other.post("/login", data={"email": factory.user("verifier").email, "password": PASSWORD})  # another one
    first = token.findall(client.get(f"/v/{code}").get_data(as_text=True))
    second = token.findall(other.get(f"/v/{code}").get_data(as_text=True))
    assert first and second and first[-1] != second[-1]  # the kept page is filled with each session's own
