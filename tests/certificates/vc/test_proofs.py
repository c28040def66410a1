"""Signing reproduces W3C's published eddsa-rdfc-2022 vector byte for byte; each tamper fails with its reason."""

from __future__ import annotations

import copy
import hashlib

import base58
import pytest

from certificates.vc import canonical, contexts, multikey, proofs
from certificates.vc.errors import DataLoss
from tests.certificates.vc import samples

KEYS = samples.vector_json("keyPair.json")
PRIVATE = multikey.private_key_from_multibase(KEYS["privateKeyMultibase"])
SIGNED = samples.vector_json("eddsa-rdfc-2022/signedDataInt.json")


def did_key(method: str):
    return multikey.public_key_from_did_key(method)


def unsecured(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


def test_published_private_key_gives_published_public_key():
    assert multikey.public_key_to_multibase(PRIVATE.public_key()) == KEYS["publicKeyMultibase"]
    assert multikey.private_key_to_multibase(PRIVATE) == KEYS["privateKeyMultibase"]


def test_intermediates_match_the_vector():
    proof_config = samples.vector_json("eddsa-rdfc-2022/proofConfigDataInt.json")
    canonical_document = canonical.canonize(unsecured(SIGNED))
    canonical_proof = canonical.canonize(proof_config)
    assert canonical_document == samples.vector("eddsa-rdfc-2022/canonDocDataInt.txt")
    assert canonical_proof == samples.vector("eddsa-rdfc-2022/proofCanonDataInt.txt")
    document_hash = hashlib.sha256(canonical_document.encode()).hexdigest()
    proof_hash = hashlib.sha256(canonical_proof.encode()).hexdigest()
    assert document_hash == samples.vector("eddsa-rdfc-2022/docHashDataInt.txt").strip()
    assert proof_hash == samples.vector("eddsa-rdfc-2022/proofHashDataInt.txt").strip()
    combined = proofs.hash_data(unsecured(SIGNED), proof_config)
    assert combined.hex() == samples.vector("eddsa-rdfc-2022/combinedHashDataInt.txt").strip()
    assert PRIVATE.sign(combined).hex() == samples.vector("eddsa-rdfc-2022/sigHexDataInt.txt").strip()


def test_signing_reproduces_the_published_proof_byte_for_byte():
    proof = SIGNED["proof"]
    signed = proofs.sign(unsecured(SIGNED), PRIVATE, proof["verificationMethod"], proof["created"])
    assert signed == SIGNED
    assert signed["proof"]["proofValue"] == samples.vector("eddsa-rdfc-2022/sigBTC58DataInt.txt").strip()


def test_published_credential_verifies():
    check = proofs.verify_proof(SIGNED, did_key)
    assert check.valid, check.reason
    assert (check.cryptosuite, check.proof_purpose, check.created) == (
        "eddsa-rdfc-2022",
        "assertionMethod",
        "2023-02-24T23:36:38Z",
    )


def test_changed_field_fails():
    tampered = copy.deepcopy(SIGNED)
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgery"
    check = proofs.verify_proof(tampered, did_key)
    assert (check.valid, check.reason) == (False, "proof value does not match")


def test_other_key_fails():
    other = samples.OTHER_KEY.public_key()
    assert proofs.verify_proof(SIGNED, lambda method: other).reason == "proof value does not match"


def test_missing_key_is_reported_as_missing():
    check = proofs.verify_proof(SIGNED, lambda method: None)
    assert not check.valid and check.key_missing


def test_legacy_cryptosuite_name_verifies():
    legacy = copy.deepcopy(samples.signed())
    legacy["proof"]["cryptosuite"] = "eddsa-2022"
    # The suite name is part of the signed proof options: sign again under the old name.
    options = {key: value for key, value in legacy["proof"].items() if key != "proofValue"}
    signature = samples.KEY.sign(proofs.hash_data(unsecured(legacy), options))
    legacy["proof"]["proofValue"] = "z" + base58.b58encode(signature).decode()
    check = proofs.verify_proof(legacy, lambda method: samples.KEY.public_key())
    assert check.valid, check.reason
    assert check.cryptosuite == "eddsa-2022"


def test_unsupported_cryptosuite():
    other = copy.deepcopy(SIGNED)
    other["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    assert proofs.verify_proof(other, did_key).reason == "unsupported cryptosuite ecdsa-rdfc-2019"


def test_authentication_purpose_is_refused():
    other = copy.deepcopy(SIGNED)
    other["proof"]["proofPurpose"] = "authentication"
    assert proofs.verify_proof(other, did_key).reason == "proof purpose is authentication, not assertionMethod"


def test_ed25519signature2020_vector_verifies_and_resigns():
    signed = samples.vector_json("Ed25519Signature2020/signedEdSig.json")
    check = proofs.verify_proof(signed, did_key)
    assert check.valid, check.reason
    assert check.cryptosuite == "Ed25519Signature2020"
    options = samples.vector_json("Ed25519Signature2020/proofConfigEdSig.json")
    combined = proofs.hash_data(unsecured(signed), options)
    assert combined.hex() == samples.vector("Ed25519Signature2020/combinedHashEdSig.txt").strip()
    assert PRIVATE.sign(combined).hex() == samples.vector("Ed25519Signature2020/sigHexEdSig.txt").strip()


def test_vc11_ed25519signature2020_credential_we_sign_verifies():
    document = samples.unsigned_v1()
    document["@context"].append(contexts.ED25519_2020)
    proof = {
        "type": "Ed25519Signature2020",
        "created": "2026-01-15T08:00:00Z",
        "verificationMethod": samples.METHOD,
        "proofPurpose": "assertionMethod",
    }
    signature = samples.KEY.sign(proofs.hash_data(document, proof))
    signed = {**document, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}
    assert proofs.verify_proof(signed, lambda method: samples.KEY.public_key()).valid
    signed["expirationDate"] = "2040-01-01T00:00:00Z"
    assert proofs.verify_proof(signed, lambda method: samples.KEY.public_key()).reason == "proof value does not match"


def test_undefined_property_is_data_loss_not_a_valid_signature():
    signed = samples.signed()
    signed["credentialSubject"]["grade"] = "Distinction"
    check = proofs.verify_proof(signed, lambda method: samples.KEY.public_key())
    assert not check.valid
    assert check.reason == "the credential contains grade, which its contexts do not define"
    with pytest.raises(DataLoss):
        canonical.canonize(unsecured(signed))


def test_unknown_context_has_its_own_reason():
    signed = samples.signed()
    signed["@context"].append("https://example.com/evil-context.json")
    check = proofs.verify_proof(signed, lambda method: samples.KEY.public_key())
    assert check.reason == "unknown context https://example.com/evil-context.json"


def test_proof_set_uses_the_valid_proof():
    signed = samples.signed()
    broken = dict(signed["proof"], proofValue=signed["proof"]["proofValue"][:-4] + "1111")
    both = {**signed, "proof": [broken, signed["proof"]]}
    assert proofs.verify_proof(both, lambda method: samples.KEY.public_key()).valid


@pytest.mark.parametrize(
    ("proof", "reason"),
    [
        (None, "the credential has no proof"),
        ("z123", "the proof is not a JSON object"),
        ({"type": "RsaSignature2018"}, "unsupported proof type RsaSignature2018"),
    ],
)
def test_malformed_proofs(proof, reason):
    document = dict(samples.unsigned(), proof=proof) if proof is not None else samples.unsigned()
    assert proofs.verify_proof(document, lambda method: None).reason == reason


def test_signing_refuses_text_other_implementations_would_canonicalise_differently():
    document = samples.unsigned()
    document["credentialSubject"]["name"] = "Uwase\x0bAline"
    with pytest.raises(ValueError):
        proofs.sign(document, samples.KEY, samples.METHOD, "2026-01-15T08:00:00Z")
    document["credentialSubject"]["name"] = canonical.clean_text(document["credentialSubject"]["name"])
    assert proofs.sign(document, samples.KEY, samples.METHOD, "2026-01-15T08:00:00Z")["proof"]["proofValue"]
