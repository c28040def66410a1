"""Verification as this installation does it: its own keys as the trust, its database as the revocation
status, and the checklist engine of ``certificates.vc.verifier`` (the same one the offline ``lms verify``
runs with a trust bundle).

The trust is the published keys with their validity periods (:func:`trust_bundle`, also what
``lms export-trust-bundle`` writes for offline verifiers). A credential of another issuer is checked all the
same: its issuer key is then "not known to this installation", a check of its own, unless it is a
self-certifying ``did:key``.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from certificates import keys
from certificates.models import Certificate
from certificates.vc import contexts, trust, verifier
from lms.clock import utcnow
from lms.db import db


def trust_bundle(now: datetime | None = None) -> dict:
    """What an offline verifier needs: the issuer, every key with its fingerprint and validity, the contexts'
    hashes."""
    from certificates.credential import timestamp

    return trust.bundle(
        issuer_id=keys.issuer_did(),
        name=current_app.config["SITE_NAME"],
        url=current_app.config["BASE_URL"],
        keys=[
            {
                "id": keys.verification_method(key.key_id),
                "publicKeyMultibase": key.public_key_multibase,
                "validFrom": timestamp(key.valid_from),
                "validUntil": timestamp(key.valid_until) if key.valid_until else None,
            }
            for key in keys.published_keys()
        ],
        contexts=contexts.context_hashes(),
        created=timestamp(now or utcnow()),
    )


def local_trust() -> verifier.Trust:
    return verifier.Trust.from_bundle(trust_bundle())


class DatabaseStatus:
    """Revocation as this installation's database has it, for credentials whose list is one of ours."""

    def lookup(self, entry: dict) -> verifier.StatusResult:
        from certificates.status import list_url

        now = utcnow()
        url = entry.get("statusListCredential", "")
        index = entry.get("statusListIndex", "")
        ours = list_url(0)[:-1]  # …/status/ on this site's address
        list_id = int(url[len(ours) :]) if url.startswith(ours) and url[len(ours) :].isdigit() else None
        if list_id is None or not str(index).isdigit():
            return verifier.StatusResult(revoked=None, as_of=now.isoformat(), reason=None)
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.status_list_id == list_id, Certificate.status_index == int(index))
        )
        if certificate is None:
            return verifier.StatusResult(revoked=None, as_of=now.isoformat(), reason=None)
        if certificate.revoked:
            when = certificate.revoked_at.date().isoformat() if certificate.revoked_at else ""
            return verifier.StatusResult(revoked=True, as_of=when, reason=certificate.revoke_reason)
        return verifier.StatusResult(revoked=False, as_of=now.isoformat(), reason=None)


def check(credential: dict, now: datetime | None = None) -> verifier.Report:
    """The checklist for any credential, with this installation's trust and status."""
    return verifier.verify(credential, trust=local_trust(), status=DatabaseStatus(), now=now or utcnow())
