"""The checklist: each way a credential can be wrong gets its own check and reason."""

from __future__ import annotations

import copy
import json
import statistics
import time
from datetime import UTC, datetime

import pytest

from certificates.vc import contexts, multikey, proofs, verifier
from certificates.vc.trust import Trust
from certificates.vc.verifier import FileStatusSource, StatusResult
from tests.certificates.vc import samples

NOW = datetime(2026, 6, 1, tzinfo=UTC)


class Fixed:
    def __init__(self, result: StatusResult) -> None:
        self.result = result
        self.entries = []

    def lookup(self, status_entry: dict) -> StatusResult:
        self.entries.append(status_entry)
        return self.result


NOT_REVOKED = Fixed(StatusResult(False, "2026-06-01"))


def outcomes(report) -> dict:
    return {check.name: (check.outcome, check.message) for check in report.checks}


def run(credential, trust=None, status=NOT_REVOKED, now=NOW):
    return verifier.verify(credential, trust=samples.trust() if trust is None else trust, status=status, now=now)


def test_our_credential_is_valid():
    report = run(samples.signed())
    assert [check.name for check in report.checks] == list(verifier.CHECKS)
    assert outcomes(report) == {
        "format": ("passed", "Open Badges 3.0 credential (VC 2.0)"),
        "signature": ("passed", "valid"),
        "issuer key": ("passed", "trusted key of IPRC Kigali"),
        "revocation": ("passed", "not revoked as of 2026-06-01"),
        "validity": ("passed", "valid until 2031-01-15"),
    }
    assert report.verdict == "valid"
    assert (report.subject_name, report.achievement_name, report.trusted_issuer_name) == (
        "Uwase Aline",
        "Electrical Installation Level 4",
        "IPRC Kigali",
    )
    assert (report.valid_from, report.valid_until, report.id) == (
        "2026-01-15T00:00:00Z",
        "2031-01-15T00:00:00Z",
        "urn:uuid:2f1b6c4e-5a7d-4e1f-9a3b-6c2d8e0f1a2b",
    )
    assert NOT_REVOKED.entries[-1]["statusListIndex"] == "4242"


def test_changed_field_fails_and_nothing_else_is_believed():
    credential = samples.signed()
    credential["credentialSubject"]["name"] = "Someone Else"
    report = run(credential)
    assert outcomes(report)["signature"] == ("failed", "proof value does not match")
    assert [check.outcome for check in report.checks[2:]] == ["not_checked"] * 3
    assert report.verdict == "invalid"


def test_added_undefined_property_is_data_loss():
    credential = samples.signed()
    credential["credentialSubject"]["achievement"]["grade"] = "Distinction"
    assert outcomes(run(credential))["signature"] == (
        "failed",
        "the credential contains grade, which its contexts do not define",
    )


def test_unknown_context():
    credential = samples.signed()
    credential["@context"].append("https://evil.example/context.json")
    assert outcomes(run(credential))["signature"] == ("failed", "unknown context https://evil.example/context.json")


def test_altered_context(monkeypatch):
    from certificates.vc import canonical

    credential = samples.signed()
    filename, _digest = contexts.MANIFEST[contexts.OB_V3P0]
    monkeypatch.setitem(contexts.MANIFEST, contexts.OB_V3P0, (filename, "f" * 64))
    canonical.forget()
    try:
        message = outcomes(run(credential))["signature"]
    finally:
        monkeypatch.undo()
        canonical.forget()
    assert message == ("failed", f"the local copy of context {contexts.OB_V3P0} has been altered")


def test_pathological_document_is_too_complex():
    credential = samples.signed()
    nodes = [{"id": f"_:n{i}"} for i in range(10)]
    for i, node in enumerate(nodes):
        node["related"] = [{"id": f"_:n{j}"} for j in range(10) if j != i]
    credential["@context"].append({"related": {"@id": "https://example.org/related", "@type": "@id"}})
    credential["credentialSubject"]["related"] = nodes
    started = time.monotonic()
    report = verifier.verify(credential, trust=samples.trust(), status=None, now=NOW, time_limit=0.5)
    assert time.monotonic() - started < 3
    assert outcomes(report)["signature"] == (
        "failed",
        "the credential's blank nodes are too intricate to canonicalise in time",
    )


def test_key_of_another_issuer():
    other = "did:web:other.example"
    credential = samples.unsigned()
    credential["issuer"]["id"] = other
    credential["credentialSubject"]["achievement"]["creator"]["id"] = other
    report = run(samples.signed(credential))  # signed with our key, claiming another issuer
    assert outcomes(report)["issuer key"] == (
        "failed",
        f"the signing key belongs to {samples.ISSUER}, not to the issuer {other}",
    )
    assert report.verdict == "invalid"


def test_untrusted_key_named_under_a_known_issuer():
    forged = samples.signed(key=samples.OTHER_KEY, method=samples.ISSUER + "#key-evil")
    other = multikey.public_key_to_multibase(samples.OTHER_KEY.public_key())
    report = run(forged, trust=samples.trust().combined(Trust.with_keys("did:web:other.example", [other])))
    assert outcomes(report)["issuer key"][0] == "failed"


def test_unknown_issuer_is_unknown_not_invalid():
    report = run(samples.signed(), trust=Trust.empty())
    assert outcomes(report)["signature"][0] == "unknown"
    assert outcomes(report)["issuer key"] == (
        "unknown",
        f"the issuer {samples.ISSUER} is not known to this installation",
    )
    assert report.verdict == "unknown"


def test_key_given_explicitly():
    report = run(samples.signed(), trust=Trust.with_keys(None, [samples.PUBLIC]))
    assert outcomes(report)["issuer key"] == ("passed", f"the key given for {samples.ISSUER}")
    assert report.verdict == "valid"


@pytest.mark.parametrize(
    ("bounds", "created"),
    [({"validUntil": "2025-12-31T00:00:00Z"}, "2026-01-15T08:00:00Z"), ({}, "2025-06-01T00:00:00Z")],
)
def test_key_outside_its_validity_period(bounds, created):
    report = run(samples.signed(created=created), trust=samples.trust(**bounds))
    outcome, message = outcomes(report)["issuer key"]
    assert outcome == "failed" and message.startswith("the key was not valid when the credential was signed")


def test_authentication_purpose():
    credential = samples.signed(proof_purpose="authentication")
    assert outcomes(run(credential))["signature"] == ("failed", "proof purpose is authentication, not assertionMethod")


@pytest.mark.parametrize(
    ("now", "result"),
    [
        (datetime(2031, 2, 1, tzinfo=UTC), ("failed", "expired on 2031-01-15")),
        (datetime(2025, 12, 1, tzinfo=UTC), ("failed", "not valid before 2026-01-15")),
    ],
)
def test_outside_validity(now, result):
    report = run(samples.signed(), trust=samples.trust(), now=now)
    assert outcomes(report)["validity"] == result
    assert report.verdict == "invalid"


def test_vc11_ed25519signature2020_with_expiration():
    import base58

    document = samples.unsigned_v1()
    document["@context"].append(contexts.ED25519_2020)
    document["expirationDate"] = "2025-01-31T00:00:00Z"
    proof = {
        "type": "Ed25519Signature2020",
        "created": "2026-01-15T08:00:00Z",
        "verificationMethod": samples.METHOD,
        "proofPurpose": "assertionMethod",
    }
    signature = samples.KEY.sign(proofs.hash_data(document, proof))
    credential = {**document, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}
    report = run(credential)
    assert outcomes(report)["format"] == ("passed", "Open Badges 3.0 credential (VC 1.1)")
    assert outcomes(report)["signature"] == ("passed", "valid")
    assert outcomes(report)["validity"] == ("failed", "expired on 2025-01-31")


def test_did_key_issuer_offline():
    did = multikey.did_key(samples.KEY.public_key())
    method = multikey.did_key_verification_method(samples.KEY.public_key())
    credential = samples.unsigned()
    credential["issuer"]["id"] = did
    credential["credentialSubject"]["achievement"]["creator"]["id"] = did
    signed = samples.signed(credential, method=method)
    report = run(signed, trust=Trust.empty())
    assert outcomes(report)["signature"] == ("passed", "valid")
    assert outcomes(report)["issuer key"] == ("unknown", "self-issued key (did:key), identity not vouched for")
    vouched = run(signed, trust=Trust.with_keys(did, [samples.PUBLIC]))
    assert outcomes(vouched)["issuer key"][0] == "passed"


def test_did_key_of_someone_else():
    method = multikey.did_key_verification_method(samples.OTHER_KEY.public_key())
    report = run(samples.signed(key=samples.OTHER_KEY, method=method), trust=Trust.empty())
    assert outcomes(report)["signature"] == ("passed", "valid")
    outcome, message = outcomes(report)["issuer key"]
    assert outcome == "failed" and "is not the issuer's" in message


def test_w3c_vector_with_foreign_issuer_and_did_key():
    report = run(samples.vector_json("eddsa-rdfc-2022/signedDataInt.json"), trust=Trust.empty())
    assert outcomes(report)["format"] == ("passed", "verifiable credential (VC 2.0)")
    assert outcomes(report)["signature"] == ("passed", "valid")
    assert outcomes(report)["issuer key"][0] == "failed"  # a did:key that is not https://vc.example/...


def test_revoked_with_date_and_reason():
    status = Fixed(StatusResult(True, "2026-05-02", "issued in error"))
    report = run(samples.signed(), status=status)
    assert outcomes(report)["revocation"] == ("failed", "revoked as of 2026-05-02: issued in error")
    assert report.verdict == "invalid"


def test_revocation_not_checked_without_a_source():
    report = run(samples.signed(), status=None)
    assert outcomes(report)["revocation"] == ("not_checked", "not checked")
    assert report.verdict == "unknown"


def test_status_list_file_revoked_and_not_revoked():
    trust = samples.trust()
    revoked = FileStatusSource(samples.status_list_credential(4242), trust, now=NOW)
    assert outcomes(run(samples.signed(), status=revoked))["revocation"] == ("failed", "revoked as of 2026-05-01")
    clear = FileStatusSource(samples.status_list_credential(4241, 4243), trust, now=NOW)
    assert outcomes(run(samples.signed(), status=clear))["revocation"] == ("passed", "not revoked as of 2026-05-01")


def test_status_list_file_that_cannot_be_trusted():
    trust = samples.trust()
    tampered = samples.status_list_credential()
    tampered["credentialSubject"]["encodedList"] = samples.status_list_credential(4242)["credentialSubject"][
        "encodedList"
    ]
    checks = {
        "tampered": FileStatusSource(tampered, trust, now=NOW),
        "expired": FileStatusSource(samples.status_list_credential(valid_until="2026-05-15T00:00:00Z"), trust, now=NOW),
        "other list": FileStatusSource(
            samples.status_list_credential(id="https://lms.example.rw/status/2"), trust, now=NOW
        ),
        "foreign key": FileStatusSource(samples.status_list_credential(key=samples.OTHER_KEY), trust, now=NOW),
    }
    for name, source in checks.items():
        outcome, message = outcomes(run(samples.signed(), status=source))["revocation"]
        assert outcome == "unknown", (name, message)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.__setitem__("@context", ["https://example.org/ctx"]), "not a W3C verifiable credential"),
        (lambda c: c.__setitem__("type", ["OpenBadgeCredential"]), "the credential's type does not include"),
        (lambda c: c.pop("issuer"), "the credential names no issuer"),
        (
            lambda c: c["@context"].__setitem__(1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.9.json"),
            "Open Badges context",
        ),
    ],
)
def test_format_failures(change, message):
    credential = samples.signed()
    change(credential)
    report = run(credential)
    assert report.checks[0].outcome == "failed" and report.checks[0].message.startswith(message)
    assert [check.outcome for check in report.checks[1:]] == ["not_checked"] * 4


@pytest.mark.parametrize("credential", [[], "text", None, {"@context": 5}])
def test_nonsense_never_raises(credential):
    assert run(credential).verdict == "invalid"


def test_median_full_verification_is_fast():
    credential = samples.signed()
    assert 2000 < len(json.dumps(credential, indent=2)) < 4000
    trust = samples.trust()
    run(credential, trust=trust)  # warm: contexts loaded and processed once
    times = []
    for _ in range(30):
        started = time.perf_counter()
        report = run(copy.deepcopy(credential), trust=trust)
        times.append(time.perf_counter() - started)
    assert report.verdict == "valid"
    assert statistics.median(times) < 0.05


def test_messages_carry_their_templates_for_translation():
    from certificates.vc import messages

    tampered = samples.signed()
    tampered["credentialSubject"]["grade"] = "A"
    reports = [
        run(samples.signed()),
        run(samples.signed(), trust=Trust.empty(), status=None, now=datetime(2040, 1, 1, tzinfo=UTC)),
        run(tampered),
        run(samples.signed(), status=Fixed(StatusResult(True, "2026-05-02", "issued in error"))),
    ]
    for report in reports:
        for check in report.checks:
            assert check.message.template in messages.TEMPLATES, check
            assert check.message == check.message.template.format(**check.message.params)
    assert reports[2].checks[1].message.params == {"term": "grade"}
