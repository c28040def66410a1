"""Checking an uploaded credential file (JSON, PNG badge, PDF certificate): ours and other issuers'."""

from __future__ import annotations

import io
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.vc import containers, multikey, proofs
from tests.certificates.test_verify_pages import _checks
from tests.certificates.vc import samples
from tests.certificates.verify_helpers import issued

ALL_PASSED = {
    "Format": "passed",
    "Signature": "passed",
    "Issuer key trusted": "passed",
    "Not revoked as of now": "passed",
    "Within validity": "passed",
}


def _upload(client, data: bytes, name: str):
    return client.post("/verify/upload", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_our_credential_checks_out_as_json_png_and_pdf(app, factory, client):
    _id, code, stored, learner = issued(app, factory)
    compact = code.replace("-", "")
    files = {
        "certificate.json": stored,
        "badge.png": client.get(f"/certificates/{compact}/badge.png").data,
        "certificate.pdf": client.get(f"/certificates/{compact}/certificate.pdf").data,
    }
    for name, data in files.items():
        response = _upload(client, data, name)
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        assert _checks(html) == ALL_PASSED, name
        assert "Mukamana Éloïse" in html and app.config["SITE_NAME"] in html
        assert learner.email not in html


def test_a_tampered_credential_fails_its_signature(app, factory, client):
    _id, _code, stored, _learner = issued(app, factory)
    document = json.loads(stored)
    document["credentialSubject"]["name"] = "Someone Else"
    html = _upload(client, json.dumps(document).encode(), "certificate.json").get_data(as_text=True)
    checks = _checks(html)
    assert checks["Signature"] == "failed"
    assert checks["Issuer key trusted"] == "not checked"  # nothing in a forged document is believed
    assert "INVALID" in html


def test_a_credential_signed_with_another_key_than_the_issuers_fails(app, factory, client):
    _id, _code, stored, _learner = issued(app, factory)
    document = json.loads(stored)
    del document["proof"]
    stranger = Ed25519PrivateKey.generate()
    forged = proofs.sign(
        document, stranger, multikey.did_key_verification_method(stranger.public_key()), "2026-01-01T00:00:00Z"
    )
    checks = _checks(_upload(client, json.dumps(forged).encode(), "c.json").get_data(as_text=True))
    assert checks["Signature"] == "passed"  # intact bytes…
    assert checks["Issuer key trusted"] == "failed"  # …signed by a key that is not our issuer's


def test_a_foreign_did_key_credential_is_checked_and_its_issuer_is_not_known(app, client):
    key = Ed25519PrivateKey.generate()
    did = multikey.did_key(key.public_key())
    document = samples.unsigned()
    document["issuer"]["id"] = did
    document["credentialSubject"]["achievement"]["creator"]["id"] = did
    del document["credentialStatus"]  # another issuer's list: none to consult offline
    signed = proofs.sign(document, key, multikey.did_key_verification_method(key.public_key()), "2026-01-15T08:00:00Z")
    response = _upload(client, json.dumps(signed).encode(), "foreign.json")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    checks = _checks(html)
    assert checks["Signature"] == "passed"
    assert checks["Issuer key trusted"] == "could not check"
    assert "not known to this installation" in html  # the issuer's name is the credential's claim, said so
    assert "CANNOT BE CONFIRMED" in html


def test_bad_files_get_a_clear_message_and_a_400(app, client):
    cases = {
        "notes.txt": (b"hello, this is not a credential", "not JSON, PNG, PDF or SVG"),
        "empty.json": (b"   ", "the file is empty"),
        "list.json": (b"[1, 2]", "the JSON is not an object"),
        "broken.png": (b"\x89PNG\r\n\x1a\n\x00\x00", "the PNG is truncated"),
        "big.json": (b"{" + b" " * containers.MAX_BYTES + b"}", "larger than 5 MB"),
    }
    for name, (data, message) in cases.items():
        response = _upload(client, data, name)
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True), name
    missing = client.post("/verify/upload", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400
    assert "Choose the file to check." in missing.get_data(as_text=True)


def test_the_upload_needs_no_session_or_token_as_it_changes_nothing(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/verify")
    assert 'name="csrf_token"' not in page.get_data(as_text=True) and "Set-Cookie" not in page.headers
    checked = _upload(client, json.dumps(samples.signed()).encode(), "c.json")
    assert checked.status_code == 200 and "Signature" in checked.get_data(as_text=True)


def test_uploads_are_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_MAX_PER_IP", 1)
    monkeypatch.setitem(app.config, "SERVE_WORKERS", 1)
    data = json.dumps(samples.signed()).encode()
    assert _upload(client, data, "c.json").status_code == 200
    refused = _upload(client, data, "c.json")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
