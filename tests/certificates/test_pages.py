"""The learner's certificate pages and downloads, the admin pages (search, revoke, reinstate, re-issue), and
the key commands (``lms rotate-key``, ``lms export-trust-bundle``) with the offline ``lms verify``."""

from __future__ import annotations

import json

from pypdf import PdfReader

from certificates import services
from certificates.models import Certificate
from certificates.vc import codes, containers
from lms.db import db
from tests.certificates.helpers import certifiable_course, learner_in


def _issue(app, factory, name="Mukamana Éloïse"):
    course = certifiable_course(factory)
    learner, _cohort = learner_in(factory, course, name=name)
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        return learner, certificate.code


def test_a_learner_finds_their_certificate_and_downloads_it(app, factory, client, auth):
    learner, code = _issue(app, factory)
    auth.login(learner)
    listing = client.get("/certificates/").get_data(as_text=True)
    assert f"/certificates/{code}" in listing
    page = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert codes.normalise(code) in page and f"/v/{code}" in page
    dashboard = client.get("/").get_data(as_text=True)
    assert "My certificates" in dashboard
    pdf = client.get(f"/certificates/{code}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(__import__("io").BytesIO(pdf.data))
    assert "Mukamana Éloïse" in reader.pages[0].extract_text()
    stored = db.session.query(Certificate).filter_by(code=code).one()
    assert containers.credential_from_bytes(pdf.data) == json.loads(stored.credential)
    assert stored.pdf == pdf.data  # rendered once, kept
    badge = client.get(f"/certificates/{code}/badge.png")
    assert badge.mimetype == "image/png"
    assert containers.credential_from_bytes(badge.data)["id"] == json.loads(stored.credential)["id"]


def test_no_certificate_yet_says_what_to_do(app, factory, client, auth):
    auth.login(factory.user())
    page = client.get("/certificates/").get_data(as_text=True)
    assert "You have no certificate yet" in page
    assert "My certificates" not in client.get("/").get_data(as_text=True).split("<main", 1)[1]


def test_another_learners_certificate_page_is_not_theirs_to_open(app, factory, client, auth):
    _learner, code = _issue(app, factory)
    auth.login(factory.user())
    assert client.get(f"/certificates/{code}").status_code == 404
    assert client.get("/certificates/NOPE").status_code == 404


def test_admin_pages_are_for_admins_only(app, factory, client, auth):
    _learner, code = _issue(app, factory)
    auth.login(factory.user("verifier"))
    assert client.get("/admin/certificates/").status_code == 403
    assert client.post(f"/admin/certificates/{code}/revoke", data={"reason": "x"}).status_code == 403
    assert db.session.query(Certificate).filter_by(code=code).one().state == "valid"


def test_an_admin_finds_revokes_reinstates_and_reissues(app, factory, client, auth):
    learner, code = _issue(app, factory, name="Mukamana Eloise")
    auth.login(factory.user("admin"))
    found = client.get("/admin/certificates/?q=eloise").get_data(as_text=True)
    assert codes.normalise(code) in found
    assert codes.normalise(code) in client.get(f"/admin/certificates/?q={codes.normalise(code).lower()}").get_data(
        as_text=True
    )
    assert "No certificate matches" in client.get("/admin/certificates/?q=nobody-here").get_data(as_text=True)

    refused = client.post(f"/admin/certificates/{code}/revoke", data={"reason": ""})
    assert refused.status_code == 400
    assert db.session.query(Certificate).filter_by(code=code).one().state == "valid"

    client.post(f"/admin/certificates/{code}/revoke", data={"reason": "Assessment fraud"})
    revoked = db.session.query(Certificate).filter_by(code=code).one()
    db.session.refresh(revoked)
    assert (revoked.state, revoked.revoke_reason) == ("revoked", "Assessment fraud")

    client.post(f"/admin/certificates/{code}/reinstate", data={"note": "Appeal upheld"})
    db.session.refresh(revoked)
    assert revoked.state == "valid"

    response = client.post(
        f"/admin/certificates/{code}/reissue", data={"learner_name": "Mukamana Éloïse", "reason": "Name corrected"}
    )
    assert response.status_code == 302
    db.session.refresh(revoked)
    new = db.session.get(Certificate, revoked.replaced_by_id)
    assert new.learner_name == "Mukamana Éloïse" and revoked.state == "revoked"
    assert revoked.revoke_reason == "Name corrected"
    again = client.post(f"/admin/certificates/{code}/reissue", data={"learner_name": "X", "reason": "again"})
    assert again.status_code == 409


def test_rotate_key_then_an_offline_check_with_the_exported_trust_bundle(app, factory, client, tmp_path):
    _learner, code = _issue(app, factory)
    runner = app.test_cli_runner()
    rotated = runner.invoke(args=["rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    assert "New signing key" in rotated.output
    bundle_path = tmp_path / "bundle.json"
    exported = runner.invoke(args=["export-trust-bundle", "--out", str(bundle_path)])
    assert exported.exit_code == 0, exported.output
    bundle = json.loads(bundle_path.read_text())
    assert len(bundle["keys"]) == 2
    assert bundle["keys"][0]["validUntil"] is not None and bundle["keys"][1]["validUntil"] is None
    credential_path = tmp_path / "credential.json"
    credential_path.write_bytes(db.session.query(Certificate).filter_by(code=code).one().credential)
    checked = runner.invoke(args=["verify", str(credential_path), "--trust", str(bundle_path)])
    assert checked.exit_code == 2, checked.output  # revocation could not be checked: not claimed either way
    assert "signature: valid" in checked.output
    assert "revocation: not checked" in checked.output
    status_url = json.loads(credential_path.read_bytes())["credentialStatus"]["statusListCredential"]
    status_path = tmp_path / "status.json"
    status_path.write_bytes(client.get("/" + status_url.split("/", 3)[3]).data)
    args = ["verify", str(credential_path), "--trust", str(bundle_path), "--status-list", str(status_path)]
    complete = runner.invoke(args=args)
    assert complete.exit_code == 0, complete.output
    assert "verdict: VALID" in complete.output
    unknown = runner.invoke(args=["verify", str(credential_path)])
    assert unknown.exit_code == 2, unknown.output
