"""API: certificate verification, public (``POST /api/v1/verify``, ``GET /api/v1/certificates/<code>``).

Unlike the rest of ``/api/v1`` these need no token: anyone holding a credential or a code may check it, as on
the verification page, under the same per-client rate limit (``certificates.throttle``; 429 with
``Retry-After``). They show certificates, never learners' other data.

``GET /certificates/<code>`` answers the signed credential exactly as issued: the ``credential`` field is the
stored JSON text, byte for byte (a verifier hashes or checks that text, not a re-serialised object), with the
certificate's current status in the register.
"""

from __future__ import annotations

import marshmallow as ma
from flask import abort, jsonify, request
from flask_smorest import Blueprint

from certificates import lookup, services, throttle, verification
from certificates.vc import codes
from lms.errors import api_error_body
from lms.web import client_ip

blp = Blueprint(
    "api_certificates",
    __name__,
    description="Certificate verification: check a credential, or fetch a certificate by its code. No token needed.",
)
PUBLIC = {"security": []}  # overrides the document's default bearer requirement


class CheckSchema(ma.Schema):
    name = ma.fields.Str(metadata={"enum": ["format", "signature", "issuer key", "revocation", "validity"]})
    outcome = ma.fields.Str(metadata={"enum": ["passed", "failed", "unknown", "not_checked"]})
    message = ma.fields.Str()


class ReportSchema(ma.Schema):
    verdict = ma.fields.Str(
        metadata={"enum": ["valid", "invalid", "unknown"], "description": "unknown: a check could not be made."}
    )
    checks = ma.fields.List(ma.fields.Nested(CheckSchema))
    issuer_id = ma.fields.Str(allow_none=True)
    issuer_name = ma.fields.Str(allow_none=True, metadata={"description": "As the credential claims it."})
    issuer_known = ma.fields.Bool(metadata={"description": "The issuer is this installation or one it trusts."})
    trusted_issuer_name = ma.fields.Str(allow_none=True)
    subject_name = ma.fields.Str(allow_none=True)
    achievement_name = ma.fields.Str(allow_none=True)
    valid_from = ma.fields.Str(allow_none=True)
    valid_until = ma.fields.Str(allow_none=True)
    credential_id = ma.fields.Str(allow_none=True)


class CertificateSchema(ma.Schema):
    code = ma.fields.Str(metadata={"example": "7K3Q-9XPM-2VD4-H"})
    status = ma.fields.Str(metadata={"enum": ["VALID", "REVOKED", "EXPIRED"]})
    issued = ma.fields.Str(metadata={"description": "The issue date (YYYY-MM-DD)."})
    valid_until = ma.fields.Str(allow_none=True)
    revoked_on = ma.fields.Str(allow_none=True)
    revoke_reason = ma.fields.Str(allow_none=True)
    replaced_by = ma.fields.Str(allow_none=True, metadata={"description": "The code of the re-issued certificate."})
    credential = ma.fields.Str(metadata={"description": "The signed credential (JSON text) exactly as issued."})


def _throttled():  # noqa: ANN202 - a 429 response (returned as it is: smorest passes responses through), or None
    wait = throttle.retry_after(client_ip())
    if not wait:
        return None
    response = jsonify(api_error_body(429, "Too Many Requests", f"Too many checks: try again in {wait} s."))
    response.status_code = 429
    response.headers["Retry-After"] = str(wait)
    return response


@blp.route("/verify", methods=["POST"])
@blp.doc(
    **PUBLIC,
    requestBody={
        "required": True,
        "description": "A credential (a JSON object: an Open Badges 3.0 or other verifiable credential).",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
)
@blp.response(200, ReportSchema)
def verify_credential():
    """The verification checklist of a credential, with this installation's keys and revocation status."""
    if (limited := _throttled()) is not None:
        return limited
    document = request.get_json(silent=True)
    if not isinstance(document, dict):
        abort(400, "Send the credential as a JSON object (Content-Type: application/json).")
    report = verification.check(document)
    return {
        "verdict": report.verdict,
        "checks": report.checks,
        "issuer_id": report.issuer_id,
        "issuer_name": report.issuer_name,
        "issuer_known": report.trusted_issuer_name is not None,
        "trusted_issuer_name": report.trusted_issuer_name,
        "subject_name": report.subject_name,
        "achievement_name": report.achievement_name,
        "valid_from": report.valid_from,
        "valid_until": report.valid_until,
        "credential_id": report.id,
    }


@blp.route("/certificates/<string(maxlength=40):code>")
@blp.doc(**PUBLIC)
@blp.response(200, CertificateSchema)
def certificate(code: str):
    """A certificate by its code (any spelling: hyphens and case do not matter): its signed credential as
    issued and its current status. 400 for a malformed code or a typo caught by the check symbol."""
    if (limited := _throttled()) is not None:
        return limited
    stored, problem = lookup.read_code(code)
    if problem == lookup.TYPO:
        abort(400, "The code has a typo: its check character does not match.")
    if problem is not None:
        abort(400, "This is not a certificate code.")
    found = services.by_code(stored)
    if found is None:
        abort(404, "No certificate with this code.")
    replaced = found.replaced_by if found.replaced_by_id else None
    return {
        "code": codes.normalise(found.code),
        "status": lookup.registered_status(found),
        "issued": found.issued_at.date().isoformat(),
        "valid_until": found.valid_until.date().isoformat() if found.valid_until else None,
        "revoked_on": found.revoked_at.date().isoformat() if found.revoked and found.revoked_at else None,
        "revoke_reason": found.revoke_reason if found.revoked else None,
        "replaced_by": codes.normalise(replaced.code) if replaced is not None else None,
        "credential": found.credential.decode("utf-8"),
    }


def init_app(app) -> None:  # noqa: ANN001
    from lms import api

    api.mount(app, blp, "")
