"""The public verification API: ``POST /api/v1/verify`` and ``GET /api/v1/certificates/<code>``."""

from __future__ import annotations

import json

from certificates import services
from certificates.models import Certificate
from lms.db import db
from tests.certificates.verify_helpers import issued, typo_of, unknown_code


def test_get_answers_the_credential_byte_for_byte_and_its_status_without_a_token(app, factory, client):
    certificate_id, code, stored, learner = issued(app, factory)
    response = client.get(f"/api/v1/certificates/{code.lower()}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["credential"].encode("utf-8") == stored
    assert body["status"] == "VALID" and body["code"] == code and body["revoked_on"] is None
    assert learner.email not in response.get_data(as_text=True)

    with app.test_request_context():
        new = services.reissue(db.session.get(Certificate, certificate_id), "Mukamana Eloise", None, "Name corrected")
        db.session.commit()
        new_code = new.code
    body = client.get(f"/api/v1/certificates/{code}").get_json()
    assert body["status"] == "REVOKED" and body["revoke_reason"] == "Name corrected"
    assert body["replaced_by"].replace("-", "") == new_code
    assert body["credential"].encode("utf-8") == stored  # the old credential is still served as issued


def test_get_unknown_is_404_and_malformed_or_typo_400(app, factory, client):
    _id, code, _stored, _learner = issued(app, factory)
    unknown = client.get(f"/api/v1/certificates/{unknown_code()}")
    assert unknown.status_code == 404 and unknown.get_json()["code"] == 404
    typo = client.get(f"/api/v1/certificates/{typo_of(code)}")
    assert typo.status_code == 400 and "typo" in typo.get_json()["message"]
    assert client.get("/api/v1/certificates/hello").status_code == 400


def test_post_verify_answers_the_checklist(app, factory, client):
    _id, _code, stored, learner = issued(app, factory)
    response = client.post("/api/v1/verify", data=stored, content_type="application/json")
    assert response.status_code == 200
    body = response.get_json()
    assert body["verdict"] == "valid" and body["issuer_known"] is True
    assert [check["name"] for check in body["checks"]] == [
        "format",
        "signature",
        "issuer key",
        "revocation",
        "validity",
    ]
    assert {check["outcome"] for check in body["checks"]} == {"passed"}
    assert body["subject_name"] == "Mukamana Éloïse"
    assert learner.email not in response.get_data(as_text=True)

    tampered = json.loads(stored)
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    body = client.post("/api/v1/verify", json=tampered).get_json()
    assert body["verdict"] == "invalid"
    assert {c["name"]: c["outcome"] for c in body["checks"]}["signature"] == "failed"


def test_post_verify_refuses_what_is_not_a_json_object(client):
    for data in ("[1, 2]", '"text"', "42", "{not json", ""):
        response = client.post("/api/v1/verify", data=data, content_type="application/json")
        assert response.status_code == 400, data
        assert response.get_json()["code"] == 400


def test_the_api_is_rate_limited_per_client(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_MAX_PER_IP", 2)
    monkeypatch.setitem(app.config, "SERVE_WORKERS", 1)
    assert client.get(f"/api/v1/certificates/{unknown_code()}").status_code == 404
    assert client.post("/api/v1/verify", json={"a": 1}).status_code == 200
    refused = client.get(f"/api/v1/certificates/{unknown_code()}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["code"] == 429


def test_the_endpoints_are_in_the_openapi_document_as_public(client):
    document = client.get("/api/v1/openapi.json").get_json()
    verify = document["paths"]["/api/v1/verify"]["post"]
    get = document["paths"]["/api/v1/certificates/{code}"]["get"]
    assert verify["security"] == [] and get["security"] == []
    assert "credential" in document["components"]["schemas"]["Certificate"]["properties"]
