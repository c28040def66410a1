"""The verification checklist behind the web page, the API and ``lms verify``.

``verify`` runs five checks in order and reports each separately (as DCC's verifiers do), then a verdict:

1. format: a VC 2.0 or 1.1 credential (Open Badges 3.0.0-3.0.3 contexts allowed) of type VerifiableCredential;
2. signature: the proof is valid, over contexts that are pinned and data that is all covered;
3. issuer key: the signing key is one of the issuer's keys per the trust, valid when the proof was made;
4. revocation: the Bitstring Status List entry, when a status source can tell;
5. validity: validFrom/validUntil (VC 1.1: issuanceDate/expirationDate) against ``now``.

If the format or the signature fails, the rest is "not_checked": nothing in a forged document can be
believed. Outcomes: passed, failed, unknown (could not be decided: unknown key, no status source),
not_checked. The verdict is "invalid" if any check failed, "valid" only if all passed, else "unknown".
Messages are plain English sentences; the web layer translates the check names and outcomes around them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.vc import contexts, multikey, proofs, status_list
from certificates.vc import messages as T
from certificates.vc.errors import CredentialError
from certificates.vc.messages import Message as M
from certificates.vc.trust import Trust, TrustedKey, parse_datetime

PASSED, FAILED, UNKNOWN, NOT_CHECKED = "passed", "failed", "unknown", "not_checked"
CHECKS = ("format", "signature", "issuer key", "revocation", "validity")
STATUS_TYPE = "BitstringStatusListEntry"


@dataclass(frozen=True)
class Check:
    name: str
    outcome: str
    message: str


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    issuer_id: str | None = None
    issuer_name: str | None = None  # as the credential claims it
    trusted_issuer_name: str | None = None  # as the trust bundle names it: show this one when present
    subject_name: str | None = None
    achievement_name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    id: str | None = None
    signed_at: str | None = None

    @property
    def verdict(self) -> str:
        outcomes = {check.outcome for check in self.checks}
        if FAILED in outcomes:
            return "invalid"
        return "valid" if outcomes == {PASSED} else "unknown"

    def check(self, name: str) -> Check | None:
        return next((check for check in self.checks if check.name == name), None)


@dataclass(frozen=True)
class StatusResult:
    revoked: bool | None  # None: the status could not be established (reason says why)
    as_of: str  # when the list was issued (or looked up): "not revoked as of <as_of>"
    reason: str | None = None
    issuer: str | None = None  # the verified issuer of the list, when the source knows it


class StatusSource(Protocol):
    def lookup(self, status_entry: dict) -> StatusResult: ...


def _id_of(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # a language map or value object: the first string in it
        return next((item for item in value.values() if isinstance(item, str)), None)
    if isinstance(value, list):
        return next((_text(item) for item in value if _text(item)), None)
    return None


def _message(text: str | None) -> M | None:
    """A status source's reason as a Message (sources outside this package may give plain strings)."""
    if text is None or isinstance(text, M):
        return text
    return M.plain(text)


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def _facts(credential: dict, trust: Trust, report: Report) -> None:
    issuer = credential.get("issuer")
    report.issuer_id = _id_of(issuer)
    report.issuer_name = _text(issuer.get("name")) if isinstance(issuer, dict) else None
    report.trusted_issuer_name = trust.issuer_name(report.issuer_id) if report.issuer_id else None
    subject = next(iter(_as_list(credential.get("credentialSubject"))), None)
    if isinstance(subject, dict):
        report.subject_name = _text(subject.get("name"))
        achievement = subject.get("achievement")
        if isinstance(achievement, dict):
            report.achievement_name = _text(achievement.get("name"))
    report.valid_from = _text(credential.get("validFrom") or credential.get("issuanceDate"))
    report.valid_until = _text(credential.get("validUntil") or credential.get("expirationDate"))
    report.id = _id_of(credential.get("id"))


def _format(credential: object) -> Check:
    if not isinstance(credential, dict):
        return Check("format", FAILED, M(T.NOT_AN_OBJECT))
    context = _as_list(credential.get("@context"))
    if not context or context[0] not in (contexts.VC_V2, contexts.VC_V1):
        return Check("format", FAILED, M(T.NOT_A_VC))
    open_badges = [url for url in context if isinstance(url, str) and "/spec/ob/v3p0/context" in url]
    for url in open_badges:
        if url not in contexts.OB_V3P0_VERSIONS:
            return Check("format", FAILED, M(T.UNKNOWN_OB_VERSION, url=url))
    if "VerifiableCredential" not in _as_list(credential.get("type")):
        return Check("format", FAILED, M(T.NOT_VC_TYPE))
    if _id_of(credential.get("issuer")) is None:
        return Check("format", FAILED, M(T.NO_ISSUER))
    if not credential.get("credentialSubject"):
        return Check("format", FAILED, M(T.NO_SUBJECT))
    version = "VC 2.0" if context[0] == contexts.VC_V2 else "VC 1.1"
    return Check("format", PASSED, M(T.FORMAT_OPEN_BADGE if open_badges else T.FORMAT_CREDENTIAL, version=version))


def _self_key(method: str) -> Ed25519PublicKey | None:
    # A did:key carries its own public key: verifiable offline, though it says nothing of who holds it.
    if method.startswith("did:key:"):
        try:
            return multikey.public_key_from_did_key(method)
        except CredentialError:
            return None
    return None


def _signature(credential: dict, trust: Trust, time_limit: float) -> tuple[Check, proofs.ProofCheck, TrustedKey | None]:
    """Try the trusted keys the proof may name, then its own did:key; returns the key that verified, if any."""
    first_proof = next(iter(_as_list(credential.get("proof"))), None)
    method = first_proof.get("verificationMethod") if isinstance(first_proof, dict) else None
    result = None
    for key in trust.candidates(method) if isinstance(method, str) else []:
        result = proofs.verify_proof(credential, lambda _method, key=key: key.public_key, time_limit=time_limit)
        if result.valid:
            return Check("signature", PASSED, M(T.SIGNATURE_VALID)), result, key
        if result.reason != T.MISMATCH:
            break  # data loss, unknown context...: the same whichever key is tried
    if result is None or result.reason == T.MISMATCH:
        # Not a trusted key's signature; a did:key method still lets us say whether the bytes are intact.
        own = proofs.verify_proof(credential, _self_key, time_limit=time_limit)
        if result is None or own.valid:
            result = own
    if result.valid:
        return Check("signature", PASSED, M(T.SIGNATURE_VALID)), result, None
    if result.key_missing:
        message = M(T.KEY_UNAVAILABLE, method=result.verification_method)
        return Check("signature", UNKNOWN, message), result, None
    return Check("signature", FAILED, result.reason), result, None


def _issuer_key(credential: dict, proof: proofs.ProofCheck, key: TrustedKey | None, trust: Trust) -> Check:
    issuer_id = _id_of(credential.get("issuer"))
    method = proof.verification_method or ""
    if key is not None:
        if key.issuer_id is not None and key.issuer_id != issuer_id:
            return Check("issuer key", FAILED, M(T.KEY_OF_ANOTHER_ISSUER, owner=key.issuer_id, issuer=issuer_id))
        signed_at = parse_datetime(proof.created)
        if key.valid_from or key.valid_until:
            if signed_at is None:
                return Check("issuer key", UNKNOWN, M(T.NO_SIGNING_TIME))
            if not key.valid_at(signed_at):
                return Check("issuer key", FAILED, M(T.KEY_NOT_VALID_THEN, date=_day(signed_at)))
        name = trust.issuer_name(issuer_id) or issuer_id
        if key.verification_method is None:
            return Check("issuer key", PASSED, M(T.KEY_GIVEN, issuer=name))
        return Check("issuer key", PASSED, M(T.KEY_TRUSTED, issuer=name))
    controller = method.partition("#")[0]
    if method.startswith("did:key:"):
        if issuer_id != controller:
            return Check("issuer key", FAILED, M(T.DID_KEY_NOT_ISSUERS, key=controller, issuer=issuer_id))
        return Check("issuer key", UNKNOWN, M(T.SELF_ISSUED))
    if trust.knows_issuer(issuer_id):
        return Check("issuer key", FAILED, M(T.NOT_ISSUERS_KEY, method=method))
    if controller and controller != issuer_id and controller.startswith("did:") and issuer_id.startswith("did:"):
        return Check("issuer key", FAILED, M(T.NOT_A_KEY_OF, method=method, issuer=issuer_id))
    return Check("issuer key", UNKNOWN, M(T.ISSUER_UNKNOWN, issuer=issuer_id))


def _revocation(credential: dict, status: StatusSource | None) -> Check:
    entries = _as_list(credential.get("credentialStatus"))
    if not entries:
        return Check("revocation", PASSED, M(T.NO_STATUS))
    issuer_id = _id_of(credential.get("issuer"))
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") != STATUS_TYPE:
            kind = entry.get("type") if isinstance(entry, dict) else entry
            return Check("revocation", UNKNOWN, M(T.UNSUPPORTED_STATUS, kind=kind))
    if status is None:
        return Check("revocation", NOT_CHECKED, M(T.NOT_CHECKED))
    messages = []
    for entry in entries:
        result = status.lookup(entry)
        purpose = entry.get("statusPurpose", "revocation")
        if result.revoked is None:
            return Check("revocation", UNKNOWN, _message(result.reason) or M(T.STATUS_UNKNOWN))
        if result.issuer is not None and result.issuer != issuer_id:
            return Check("revocation", UNKNOWN, M(T.STATUS_OTHER_SIGNER, signer=result.issuer))
        if result.revoked:
            suspended = purpose == "suspension"
            if result.as_of and result.reason:
                template = T.SUSPENDED_AS_OF_BECAUSE if suspended else T.REVOKED_AS_OF_BECAUSE
                return Check("revocation", FAILED, M(template, date=result.as_of, reason=result.reason))
            if result.as_of:
                return Check(
                    "revocation", FAILED, M(T.SUSPENDED_AS_OF if suspended else T.REVOKED_AS_OF, date=result.as_of)
                )
            return Check("revocation", FAILED, M(T.SUSPENDED if suspended else T.REVOKED))
        template = T.NOT_SUSPENDED_AS_OF if purpose == "suspension" else T.NOT_REVOKED_AS_OF
        messages.append(M(template, date=result.as_of))
    # One message per purpose: revocation and suspension entries may both be present.
    return Check(
        "revocation", PASSED, messages[0] if len(set(messages)) == 1 else M.plain("; ".join(dict.fromkeys(messages)))
    )


def _validity(credential: dict, now: datetime) -> Check:
    start_value = credential.get("validFrom", credential.get("issuanceDate"))
    end_value = credential.get("validUntil", credential.get("expirationDate"))
    start, end = parse_datetime(start_value), parse_datetime(end_value)
    if (start_value is not None and start is None) or (end_value is not None and end is None):
        return Check("validity", FAILED, M(T.BAD_DATES))
    if start is not None and now < start:
        return Check("validity", FAILED, M(T.NOT_YET_VALID, date=_day(start)))
    if end is not None and now > end:
        return Check("validity", FAILED, M(T.EXPIRED, date=_day(end)))
    if end is not None:
        return Check("validity", PASSED, M(T.VALID_UNTIL, date=_day(end)))
    return Check("validity", PASSED, M(T.VALID_FOREVER) if start is None else M(T.VALID_SINCE, date=_day(start)))


def verify(
    credential: dict,
    *,
    trust: Trust,
    status: StatusSource | None,
    now: datetime,
    time_limit: float = 5.0,
) -> Report:
    """Run the checklist; never raises for bad input (a broken credential is a failed check)."""
    report = Report()
    form = _format(credential)
    report.checks.append(form)
    if form.outcome != PASSED:
        report.checks += [Check(name, NOT_CHECKED, M(T.NOT_CHECKED)) for name in CHECKS[1:]]
        return report
    _facts(credential, trust, report)
    signature, proof, key = _signature(credential, trust, time_limit)
    report.checks.append(signature)
    report.signed_at = proof.created
    if signature.outcome == FAILED:
        report.checks += [Check(name, NOT_CHECKED, M(T.NOT_CHECKED)) for name in CHECKS[2:]]
        return report
    report.checks.append(_issuer_key(credential, proof, key, trust))
    report.checks.append(_revocation(credential, status))
    report.checks.append(_validity(credential, now if now.tzinfo else now.replace(tzinfo=UTC)))
    return report


class FileStatusSource:
    """A status list credential the user holds (``lms verify --status-list FILE``), checked before use.

    Its proof must verify with a trusted key of its own issuer; its id must be the entry's
    ``statusListCredential``; an expired list says nothing ("could not check"), never "not revoked".
    """

    def __init__(self, status_list_credential: dict, trust: Trust, now: datetime | None = None) -> None:
        self.document = status_list_credential
        self.trust = trust
        self.now = now or datetime.now(UTC)
        self.problem, self.issuer = self._check()

    def _check(self) -> tuple[str | None, str | None]:
        document = self.document
        if not isinstance(document, dict) or "BitstringStatusListCredential" not in _as_list(document.get("type")):
            return M(T.LIST_NOT_A_LIST), None
        signature, _proof, key = _signature(document, self.trust, 5.0)
        issuer = _id_of(document.get("issuer"))
        if signature.outcome != PASSED or key is None:
            return M(T.LIST_UNTRUSTED, reason=signature.message), None
        if key.issuer_id is not None and key.issuer_id != issuer:
            return M(T.LIST_FOREIGN_KEY), None
        until = parse_datetime(document.get("validUntil"))
        if until is not None and self.now > until:
            return M(T.LIST_EXPIRED, date=_day(until)), None
        return None, issuer

    def lookup(self, status_entry: dict) -> StatusResult:
        document = self.document
        as_of = _text(document.get("validFrom") or document.get("issuanceDate")) if isinstance(document, dict) else None
        as_of = _day(parse_datetime(as_of)) if parse_datetime(as_of) else (as_of or "")
        if self.problem:
            return StatusResult(None, as_of, self.problem)
        if status_entry.get("statusListCredential") != document.get("id"):
            given, wanted = document.get("id"), status_entry.get("statusListCredential")
            return StatusResult(None, as_of, M(T.LIST_OTHER, given=given, wanted=wanted))
        subject = next(iter(_as_list(document.get("credentialSubject"))), {})
        if not isinstance(subject, dict) or subject.get("statusPurpose") != status_entry.get("statusPurpose"):
            return StatusResult(None, as_of, M(T.LIST_OTHER_PURPOSE))
        if str(status_entry.get("statusSize", 1)) != "1":
            return StatusResult(None, as_of, M(T.LIST_WIDE_ENTRIES))
        try:
            index = int(status_entry.get("statusListIndex"))
            revoked = status_list.is_set(subject.get("encodedList"), index)
        except (TypeError, ValueError):
            return StatusResult(None, as_of, M(T.LIST_BAD_INDEX))
        except CredentialError as error:
            return StatusResult(None, as_of, error.reason)
        return StatusResult(revoked, as_of, None, self.issuer)
