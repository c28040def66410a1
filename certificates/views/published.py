"""What the issuer publishes for every verifier, without login: its DID document (every key it ever signed
with), its revocation status lists as signed credentials, and an address for each course's achievement.

A status list's credential is valid for a day (``certificates.status``); one served after that is re-signed
first, so a verifier never receives an expired list just because nothing was revoked lately.
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import abort, current_app, render_template
from sqlalchemy import func, select

from certificates import keys, status
from certificates.models import StatusList
from certificates.views import bp
from courses.models import Course
from lms.clock import utcnow
from lms.db import db
from lms.request_transaction import writes

DID_TYPE = "application/did+json"
# Re-sign a list this long before its credential expires, so the copy a verifier caches stays valid a while.
RESIGN_AFTER = status.LIST_VALID_FOR - timedelta(hours=6)


def _json(document: dict | bytes, mimetype: str):  # noqa: ANN202
    body = document if isinstance(document, bytes) else json.dumps(document, indent=2).encode()
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers in other origins read these
    return response


@bp.get("/.well-known/did.json")
def did_document():
    return _json(keys.did_document(), DID_TYPE)


@bp.get("/status/<int:list_id>")
@writes
def status_list(list_id: int):
    row = db.session.get(StatusList, list_id) or abort(404)
    if row.credential is None or utcnow() - row.updated_at > RESIGN_AFTER:
        status.sign(row)
    response = _json(row.credential, "application/vc")
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/achievements/<code>")
def achievement(code: str):
    """What a certificate's achievement id (and its outcomes' alignment addresses) resolve to: the course's
    public description, its hours and its learning outcomes, each with the anchor the credential names."""
    course = db.session.scalar(select(Course).where(func.lower(Course.code) == code.lower())) or abort(404)
    if course.published_version_id is None:
        abort(404)
    outcomes = course.outcomes
    return render_template("certificates/achievement.html", course=course, outcomes=outcomes)
