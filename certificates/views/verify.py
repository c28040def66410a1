"""Verification pages, for anyone: by code (``/v/<code>``, the address a certificate's QR code and share link
carry, and ``/verify?code=`` from the verify box: the same page), by uploaded credential file (JSON, PNG badge,
PDF certificate), and for the verifier role a CSV of codes in bulk.

What a code answers: the checklist (signature, issuer key trusted, not revoked as of now, within validity,
content unchanged) and the certificate's details. A revoked certificate is shown REVOKED with its date and
reason (and the certificate that replaced it), never as "not found"; a code whose check symbol does not match
is a typo (400, no lookup), text that is not a code is malformed (400), a code nobody was given is unknown (404).
The public sees the certificate, never the learner's e-mail or other courses; the issuer named is this
installation's, never what a credential claims.

Public checks are rate limited per client (``certificates.throttle``: in memory, see why there) and need no
JavaScript. Nothing here writes to the database, and nothing needs a session: the upload form carries no CSRF
token (it changes nothing) and neither does a visitor's header, so a QR code scanned by a phone is answered
without a cookie. The certificate's row is read outside a transaction (``lookup.stored``). Both are steps
towards the page's speed floor (bench/certificates.py); bench/README.md has the figures and the other steps.
"""

from __future__ import annotations

import json

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from certificates import bulk, lookup, throttle, verification
from certificates.forms import BulkForm, CredentialUploadForm
from certificates.vc import codes, containers
from certificates.vc.verifier import FAILED, NOT_CHECKED, PASSED, UNKNOWN
from certificates.views import bp
from lms.csv_export import csv_response
from lms.extensions import csrf
from lms.page_skeleton import render_skeleton
from lms.permissions import can, require
from lms.web import client_ip

CHECK_NAMES = {
    "format": _l("Format"),
    "signature": _l("Signature"),
    "issuer key": _l("Issuer key trusted"),
    "revocation": _l("Not revoked as of now"),
    "validity": _l("Within validity"),
    "content": _l("Content unchanged"),
}
OUTCOMES = {
    PASSED: (_l("passed"), "badge-ok"),
    FAILED: (_l("failed"), "badge-error"),
    UNKNOWN: (_l("could not check"), "badge-warn"),
    NOT_CHECKED: (_l("not checked"), "badge"),
}
VERDICTS = {
    lookup.VALID: (_l("VALID"), "badge-ok"),
    lookup.REVOKED: (_l("REVOKED"), "badge-error"),
    lookup.EXPIRED: (_l("EXPIRED"), "badge-error"),
    lookup.INVALID: (_l("INVALID"), "badge-error"),
    "valid": (_l("VALID"), "badge-ok"),
    "invalid": (_l("INVALID"), "badge-error"),
    "unknown": (_l("CANNOT BE CONFIRMED"), "badge-warn"),
}


def _page(status: int = 200, **context):  # noqa: ANN003, ANN202
    context.setdefault("code", "")
    page = render_template(
        "certificates/verify.html",
        check_names=CHECK_NAMES,
        outcomes=OUTCOMES,
        verdicts=VERDICTS,
        bulk_allowed=can("verify"),
        **context,
    )
    return current_app.make_response((page, status))


def _certificate_page(certificate: lookup.Stored, display: str):  # noqa: ANN202
    """A certificate's page, kept as a skeleton (``lms.page_skeleton``) keyed by everything it shows.

    Rendering the templates is most of the request; what the page shows is a function of the row's fields
    read now, the checks' outcomes and messages (themselves computed now: revocation, validity) and the
    viewer's right to the bulk page, so those are the key. A revocation, a re-issue, an expiry or the next
    minute of "not revoked as of" is a new key, never a stale page. The header's holes (a logged-in viewer's
    CSRF token, the path) are the only ones.
    """
    checked = lookup.check_stored(certificate)
    replaced_by = codes.normalise(certificate.replaced_by_code) if certificate.replaced_by_code else None
    bulk_allowed = can("verify")
    key = (
        "certificates.verify",
        certificate.id,
        checked,
        certificate.learner_name,
        json.dumps(certificate.facts, sort_keys=True, default=str),
        certificate.issued_at,
        certificate.valid_until,
        certificate.revoked_at,
        certificate.revoke_reason if certificate.revoked else "",
        replaced_by,
        bulk_allowed,
    )
    return render_skeleton(
        key,
        "certificates/verify.html",
        {},
        check_names=CHECK_NAMES,
        outcomes=OUTCOMES,
        verdicts=VERDICTS,
        bulk_allowed=bulk_allowed,
        result="certificate",
        code=display,
        certificate=certificate,
        checked=checked,
        issuer_name=current_app.config["SITE_NAME"],
        replaced_by=replaced_by,
    )


def _limited():  # noqa: ANN202 - a 429 response, or None while the client is under its limit
    wait = throttle.retry_after(client_ip())
    if not wait:
        return None
    response = _page(429, result="limited", wait=wait, code=request.args.get("code", ""))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.get("/verify")
def verify():
    text = request.args.get("code", "").strip()
    if not text:
        return _page()  # the empty form is not a check
    return _by_code(text)


@bp.get("/v/<code>")
def verify_code(code: str):
    return _by_code(code)


def _by_code(text: str):  # noqa: ANN202
    limited = _limited()
    if limited is not None:
        return limited
    code, problem = lookup.read_code(text)
    if problem == lookup.TYPO:
        return _page(400, result="typo", code=text[:40])
    if problem is not None:
        return _page(400, result="malformed", code=text[:40])
    certificate = lookup.stored(code)
    display = codes.normalise(code)
    if certificate is None:
        return _page(404, result="unknown", code=display)
    return _certificate_page(certificate, display)


@bp.post("/verify/upload")
@csrf.exempt  # see CredentialUploadForm
def verify_upload():
    form = CredentialUploadForm()
    if not form.validate_on_submit():
        return _page(400, upload_errors=form.file.errors)
    limited = _limited()
    if limited is not None:
        return limited
    upload = form.file.data
    data = upload.stream.read(containers.MAX_BYTES + 1)
    try:
        document = containers.credential_from_bytes(data, upload.filename)
    except containers.NotACredential as error:
        return _page(400, upload_error=str(error))
    return _page(result="report", report=verification.check(document))


@bp.route("/verify/bulk", methods=["GET", "POST"])
@login_required
def verify_bulk():
    require("verify")
    form = BulkForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("certificates/verify_bulk.html", form=form), status
    try:
        entries = bulk.read_codes(form.file.data.stream.read(bulk.MAX_BYTES + 1))
    except bulk.Unreadable as error:
        return render_template("certificates/verify_bulk.html", form=form, problem=str(error)), 400
    return csv_response("verification-report.csv", bulk.report(entries))
