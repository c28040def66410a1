"""Checking the certificates this installation issued, by code: the verification page (``/v/<code>``), the bulk
CSV report and the JSON API read them through here.

**Why the proof is remembered.** Verifying the proof of a stored credential (canonicalising it, Ed25519) takes
several milliseconds; the page must serve at least 40% of a bare Flask "hello" (issue 22), which leaves well
under one. The stored bytes never change (a re-issue is a new row), so the checks that depend on them alone —
the format, the signature, the issuer's key — are run once per process for each sha256 of those bytes and
remembered (:func:`proven`). "Content unchanged" then means: the bytes read now hash to bytes that verified,
and the details the page prints from the row are the ones signed in them. What changes over time is read
live from the row on every request: revocation (state, date, reason, the re-issue) and validity against now.
The trust only grows (a rotated key keeps verifying what it signed), so a remembered result stays true.

**Statuses** for one line of a report: VALID, REVOKED, EXPIRED, INVALID (the stored bytes fail their checks),
and for codes that name no certificate UNKNOWN, MALFORMED (not a code, or a typo caught by the check symbol).
The bulk report gives each code's status in this installation's register (state and validity dates of the
row, one query per chunk of codes); the full cryptographic check of one certificate is its page's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, select

from certificates.models import Certificate, CertificateState
from certificates.vc import codes, verifier
from certificates.vc.trust import parse_datetime
from certificates.vc.verifier import FAILED, NOT_CHECKED, PASSED, Check
from lms import caches, hot_sql
from lms.clock import utcnow
from lms.db import db

VALID, REVOKED, EXPIRED, INVALID, UNKNOWN, MALFORMED = "VALID", "REVOKED", "EXPIRED", "INVALID", "UNKNOWN", "MALFORMED"
TYPO, NOT_A_CODE = "typo", "not a code"
CHUNK = 500  # codes per query: well under SQLite's and PostgreSQL's parameter limits


@dataclass(frozen=True)
class Proven:
    """What the stored bytes establish by themselves, checked once: format, signature, issuer key."""

    checks: tuple[Check, ...]
    subject_name: str | None
    achievement_name: str | None
    valid_from: datetime | None
    valid_until: datetime | None

    @property
    def intact(self) -> bool:
        return all(check.outcome == PASSED for check in self.checks[:2])  # format and signature


def proven(credential: bytes) -> Proven:
    """The byte-dependent checks of a stored credential, remembered by the bytes' sha256
    (``lms.caches.CREDENTIAL_PROOFS``)."""
    digest = hashlib.sha256(credential).digest()
    return caches.CREDENTIAL_PROOFS.get_or_build(digest, lambda: _prove(credential))


def _prove(credential: bytes) -> Proven:
    from certificates import verification

    try:
        document = json.loads(credential)
    except ValueError:
        document = None
    report = verifier.verify(document, trust=verification.local_trust(), status=None, now=utcnow())
    until = parse_datetime(report.valid_until) if report.valid_until else None
    start = parse_datetime(report.valid_from) if report.valid_from else None
    return Proven(
        checks=tuple(report.checks[:3]),
        subject_name=report.subject_name,
        achievement_name=report.achievement_name,
        valid_from=start,
        valid_until=until,
    )


@dataclass(frozen=True)
class Stored:
    """What the verification page reads of a certificate: its row's fields and its replacement's code."""

    id: int
    code: str
    learner_name: str
    credential: bytes
    facts: dict
    issued_at: datetime
    valid_until: datetime | None
    state: str
    revoked_at: datetime | None
    revoke_reason: str
    replaced_by_code: str | None

    @property
    def revoked(self) -> bool:
        return self.state == CertificateState.REVOKED


_certificate = Certificate.__table__
_replacement = _certificate.alias("replacement")
# The page's one statement, run as a hot statement (``lms.hot_sql``): the ORM's object loading costs as much
# as the rest of the page once its HTML is kept (bench/certificates.py).
_STORED = hot_sql.HotStatement(
    select(
        *(_certificate.c[name] for name in Stored.__dataclass_fields__ if name != "replaced_by_code"),
        _replacement.c.code,
    )
    .select_from(_certificate.outerjoin(_replacement, _replacement.c.id == _certificate.c.replaced_by_id))
    .where(_certificate.c.code == bindparam("code"))
)


def stored(code: str) -> Stored | None:
    """The certificate with ``code`` (the stored form: no hyphens), read in one statement, or None; outside a
    transaction when the request has none (``HotStatement.first_alone`` says why)."""
    row = _STORED.first_alone({"code": code})
    return None if row is None else Stored(*row)


@dataclass(frozen=True)
class Result:
    """The checklist of a stored certificate as of now, and its one-word status."""

    status: str
    checks: tuple[Check, ...]


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def check_stored(certificate: Certificate | Stored, now: datetime | None = None) -> Result:
    """Signature, issuer key, revocation, validity and content unchanged, for a certificate of ours."""
    moment = (now or utcnow()).replace(tzinfo=UTC)
    proof = proven(certificate.credential)
    format_check, signature, *rest = proof.checks
    if format_check.outcome != PASSED:  # not even a credential: the signature cannot hold
        signature = Check("signature", FAILED, format_check.message)
    issuer_key = rest[0] if rest else Check("issuer key", NOT_CHECKED, "not checked")
    checks = [signature, issuer_key, _revocation(certificate, moment), _validity(proof, moment)]
    checks.append(_content(certificate, proof))
    return Result(status=_status(certificate, proof, checks, moment), checks=tuple(checks))


def _revocation(certificate: Certificate | Stored, moment: datetime) -> Check:
    if certificate.revoked:
        when = _day(certificate.revoked_at.replace(tzinfo=UTC)) if certificate.revoked_at else ""
        reason = f": {certificate.revoke_reason}" if certificate.revoke_reason else ""
        return Check("revocation", FAILED, f"revoked on {when}{reason}")
    return Check("revocation", PASSED, f"not revoked as of {moment.strftime('%Y-%m-%d %H:%M')} UTC")


def _validity(proof: Proven, moment: datetime) -> Check:
    if proof.valid_from is not None and moment < proof.valid_from:
        return Check("validity", FAILED, f"not valid before {_day(proof.valid_from)}")
    if proof.valid_until is not None and moment > proof.valid_until:
        return Check("validity", FAILED, f"expired on {_day(proof.valid_until)}")
    if proof.valid_until is not None:
        return Check("validity", PASSED, f"valid until {_day(proof.valid_until)}")
    return Check("validity", PASSED, "valid, with no expiry date")


def _content(certificate: Certificate | Stored, proof: Proven) -> Check:
    if not proof.intact:
        return Check("content", FAILED, "the stored credential does not match its signature")
    on_record = (certificate.learner_name, certificate.facts.get("course_title"))
    if on_record != (proof.subject_name, proof.achievement_name):
        return Check("content", FAILED, "the details on record differ from the signed credential")
    return Check("content", PASSED, "the details shown are those signed in the credential")


def _status(certificate: Certificate | Stored, proof: Proven, checks: list[Check], moment: datetime) -> str:
    if certificate.revoked:
        return REVOKED  # first: a revoked certificate says so, whatever else is true of it
    if any(check.outcome == FAILED for check in checks if check.name != "validity"):
        return INVALID
    if proof.valid_until is not None and moment > proof.valid_until:
        return EXPIRED
    if proof.valid_from is not None and moment < proof.valid_from:
        return INVALID
    return VALID


def registered_status(certificate: Certificate, now: datetime | None = None) -> str:
    """The status in the register, from the row alone (the bulk report and the API's status)."""
    if certificate.revoked:
        return REVOKED
    if certificate.valid_until is not None and (now or utcnow()) > certificate.valid_until:
        return EXPIRED
    return VALID


def read_code(text: str) -> tuple[str | None, str | None]:
    """(the code as stored, None) for a well-formed code, or (None, TYPO / NOT_A_CODE)."""
    normal = codes.normalise(text or "")
    if normal is None:
        return None, NOT_A_CODE
    if not codes.check(normal):
        return None, TYPO
    return normal.replace("-", ""), None


def by_codes(stored_codes: Iterable[str]) -> dict[str, Certificate]:
    """The certificates with these (stored-form) codes, one query per :data:`CHUNK` codes; the certificates
    that replaced them are loaded with them, so a report can name the new code without a query per row."""
    wanted = list(dict.fromkeys(stored_codes))
    found: dict[str, Certificate] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        rows = db.session.scalars(select(Certificate).where(Certificate.code.in_(chunk))).all()
        found.update((row.code, row) for row in rows)
    replacements = [row.replaced_by_id for row in found.values() if row.replaced_by_id]
    for start in range(0, len(replacements), CHUNK):
        # loads them into the session's identity map: row.replaced_by then needs no query
        db.session.scalars(select(Certificate).where(Certificate.id.in_(replacements[start : start + CHUNK]))).all()
    return found
