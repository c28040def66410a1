"""A learner's certificates: the "My certificates" page, a certificate's own page with what to do with it
(download the PDF, the badge, the signed JSON; share the verification link), and the downloads.

A certificate is public by its code (the verification page shows the same facts to anyone who has it; a code
of 60 random bits cannot be guessed), so its downloads need no login. The PDF is rendered on first download
and kept; the signed JSON is served exactly as it was issued.
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from certificates import services
from certificates.models import Certificate
from certificates.vc import codes
from certificates.views import bp
from lms.db import db
from lms.request_transaction import writes
from lms.web import external_url

CREDENTIAL_TYPE = "application/vc+ld+json"


def mine(user_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id, ~Certificate.superseded)
            .order_by(Certificate.issued_at.desc())
        )
    )


def verify_url(certificate: Certificate) -> str:
    return external_url("certificates.verify_code", code=certificate.code)


@bp.get("/certificates/")
@login_required
def my_certificates():
    return render_template("certificates/mine.html", certificates=mine(current_user.id))


@bp.get("/certificates/<code>")
@login_required
def certificate(code: str):
    found = _found(code)
    if found.user_id != current_user.id and not current_user.is_admin:
        abort(404)  # another learner's page: the public verification page is where others look
    return render_template(
        "certificates/certificate.html",
        certificate=found,
        display_code=codes.normalise(found.code),
        share_url=verify_url(found),
    )


@bp.get("/certificates/<code>/credential.json")
def credential(code: str):
    found = _found(code)
    response = current_app.response_class(found.credential, mimetype=CREDENTIAL_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="certificate-{found.code}.json"'
    return response


@bp.get("/certificates/<code>/certificate.pdf")
@writes
def pdf(code: str):
    found = _found(code)
    body = found.pdf
    if body is None:
        from certificates.rendering.pdf import render_pdf

        body = found.pdf = render_pdf(facts(found), found.credential)
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{found.code}.pdf"'
    return response


@bp.get("/certificates/<code>/badge.png")
def badge(code: str):
    from certificates.rendering.badge import render_badge_png

    found = _found(code)
    response = current_app.response_class(render_badge_png(facts(found), found.credential), mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{found.code}.png"'
    return response


def facts(found: Certificate):  # noqa: ANN201 - certificates.rendering.facts.CertificateFacts
    from certificates.rendering.facts import CertificateFacts

    stored = found.facts
    return CertificateFacts(
        code=codes.normalise(found.code),
        learner_name=found.learner_name,
        course_title=stored["course_title"],
        track=stored.get("track") or "",
        hours=stored.get("hours"),
        issued_on=found.issued_at.date(),
        valid_until=found.valid_until.date() if found.valid_until else None,
        issuer_name=current_app.config["SITE_NAME"],
        institution_name=stored.get("institution_name") or "",
        cohort_name=stored.get("cohort_name") or "",
        cohort_start=_date(stored.get("cohort_start")),
        cohort_end=_date(stored.get("cohort_end")),
        score_percent=stored.get("score_percent"),
        outcomes=tuple(stored.get("outcomes") or ()),
        verify_url=verify_url(found),
        locale=found.user.language if found.user else "en",
    )


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _found(code: str) -> Certificate:
    return services.by_code(code) or abort(404)
