"""1EdTech's own Open Badges 3.0 signing example: we canonicalise, sign and verify it exactly as published."""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.vc import canonical, multikey, proofs, verifier
from certificates.vc.trust import Trust
from tests.certificates.vc import samples

SIGNED = samples.vector_json("ob-v3p0/signed.json")
KEYS = samples.vector_json("ob-v3p0/keyPair.json")
ISSUER = "https://example.edu/issuers/565049"


def test_canonical_forms_match():
    document = {key: value for key, value in SIGNED.items() if key != "proof"}
    assert canonical.canonize(document) == samples.vector("ob-v3p0/document-canon.txt")
    options = {key: value for key, value in SIGNED["proof"].items() if key != "proofValue"}
    assert canonical.canonize({**options, "@context": SIGNED["@context"]}) == samples.vector("ob-v3p0/proof-canon.txt")


def test_published_key_re_signs_the_published_proof():
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(KEYS["privateKeyHex"])[:32])
    assert multikey.public_key_to_multibase(private.public_key()) == KEYS["publicKeyMultibase"]
    proof = SIGNED["proof"]
    document = {key: value for key, value in SIGNED.items() if key != "proof"}
    assert proofs.sign(document, private, proof["verificationMethod"], proof["created"])["proof"] == proof


def test_verifies_as_valid_with_the_issuers_key():
    trust = Trust.with_keys(ISSUER, [KEYS["publicKeyMultibase"]])
    report = verifier.verify(SIGNED, trust=trust, status=None, now=datetime(2026, 1, 1, tzinfo=UTC))
    assert [check.outcome for check in report.checks] == ["passed"] * 5
    assert report.verdict == "valid"
    assert (report.issuer_name, report.achievement_name) == ("Example Corp", "Teamwork")
