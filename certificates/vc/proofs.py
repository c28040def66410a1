"""Data Integrity proofs: sign with eddsa-rdfc-2022, verify eddsa-rdfc-2022, eddsa-2022 and Ed25519Signature2020.

All three suites hash the same way (W3C vc-di-eddsa, "Transformation" and "Hashing"): canonicalise the
proof options (the proof without ``proofValue``, under the document's ``@context``) and the document
without its proof, and sign SHA-256(proof options) ‖ SHA-256(document) with Ed25519. ``proofValue`` is
``z`` + base58btc(signature). ``eddsa-2022`` is the cryptosuite's name before the Recommendation, and
``Ed25519Signature2020`` the VC 1.1 suite many existing Open Badges use: accepted, never emitted.

This module says only whether the bytes were signed by the key the proof names; whether that key is the
issuer's is ``certificates.vc.verifier``'s question.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from certificates.vc import messages as T
from certificates.vc.canonical import canonize, unclean_strings
from certificates.vc.errors import CredentialError
from certificates.vc.messages import Message as M

DATA_INTEGRITY = "DataIntegrityProof"
ED25519_2020 = "Ed25519Signature2020"
CRYPTOSUITES = ("eddsa-rdfc-2022", "eddsa-2022")
ASSERTION = "assertionMethod"


@dataclass(frozen=True)
class ProofCheck:
    valid: bool
    reason: str
    verification_method: str | None = None
    cryptosuite: str | None = None
    proof_purpose: str | None = None
    created: str | None = None
    # True when the proof could not be checked because its key is unavailable (not a forgery as such).
    key_missing: bool = False


def hash_data(document: dict, proof_options: dict, *, time_limit: float = 5.0) -> bytes:
    """SHA-256(canonical proof options) ‖ SHA-256(canonical document without proof): the signed bytes."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    # The proof is read under the document's contexts (a proof's own @context must be a prefix of them).
    options["@context"] = options.get("@context", unsecured.get("@context"))
    proof_hash = hashlib.sha256(canonize(options, time_limit=time_limit).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonize(unsecured, time_limit=time_limit).encode("utf-8")).digest()
    return proof_hash + document_hash


def sign(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    cryptosuite: str = "eddsa-rdfc-2022",
    proof_purpose: str = ASSERTION,
) -> dict:
    """A copy of ``document`` with a DataIntegrityProof; ``created`` is an XML Schema dateTime ("…Z")."""
    if cryptosuite != "eddsa-rdfc-2022":
        # We emit only the Recommendation's suite; the others exist to read old credentials.
        raise ValueError(f"unsupported cryptosuite {cryptosuite}")
    if unclean_strings(document):
        # pyld and other RDFC-1.0 implementations escape control characters differently: a credential
        # holding one would verify here and fail elsewhere. Issuance passes its text through clean_text.
        raise ValueError("the document holds text that is not NFC or has control characters; use clean_text")
    proof = {
        "type": DATA_INTEGRITY,
        "cryptosuite": cryptosuite,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    signature = private_key.sign(hash_data(unsecured, {**proof, "@context": unsecured.get("@context")}))
    return {**unsecured, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}}


def _context_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _check_one(
    document: dict,
    proof: object,
    resolve_key: Callable[[str], Ed25519PublicKey | None],
    time_limit: float,
) -> ProofCheck:
    if not isinstance(proof, dict):
        return ProofCheck(False, M(T.PROOF_NOT_OBJECT))
    method = proof.get("verificationMethod")
    suite = proof.get("cryptosuite")
    purpose = proof.get("proofPurpose")
    created = proof.get("created")
    facts = {
        "verification_method": method if isinstance(method, str) else None,
        "cryptosuite": suite if isinstance(suite, str) else None,
        "proof_purpose": purpose if isinstance(purpose, str) else None,
        "created": created if isinstance(created, str) else None,
    }
    kind = proof.get("type")
    if kind == DATA_INTEGRITY:
        if suite not in CRYPTOSUITES:
            return ProofCheck(False, M(T.UNSUPPORTED_SUITE, suite=suite), **facts)
    elif kind == ED25519_2020:
        facts["cryptosuite"] = ED25519_2020
    else:
        return ProofCheck(False, M(T.UNSUPPORTED_PROOF, kind=kind), **facts)
    if purpose != ASSERTION:
        return ProofCheck(False, M(T.WRONG_PURPOSE, purpose=purpose), **facts)
    if not isinstance(method, str) or not method:
        return ProofCheck(False, M(T.NO_METHOD), **facts)
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return ProofCheck(False, M(T.BAD_PROOF_VALUE), **facts)
    try:
        signature = base58.b58decode(value[1:])
    except ValueError:
        return ProofCheck(False, M(T.BAD_PROOF_VALUE), **facts)
    if len(signature) != 64:
        return ProofCheck(False, M(T.PROOF_VALUE_NOT_SIGNATURE), **facts)
    if "@context" in proof:
        # A proof's own contexts must open the document's (Data Integrity, "verify proof" step 2).
        own, outer = _context_list(proof["@context"]), _context_list(document.get("@context"))
        if outer[: len(own)] != own:
            return ProofCheck(False, M(T.PROOF_CONTEXT_MISMATCH), **facts)
    key = resolve_key(method)
    if key is None:
        return ProofCheck(False, M(T.KEY_UNAVAILABLE, method=method), key_missing=True, **facts)
    try:
        data = hash_data(document, proof, time_limit=time_limit)
    except CredentialError as error:
        return ProofCheck(False, error.reason, **facts)
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return ProofCheck(False, M(T.MISMATCH), **facts)
    return ProofCheck(True, M(T.SIGNATURE_VALID), **facts)


def verify_proof(
    document: dict,
    resolve_key: Callable[[str], Ed25519PublicKey | None],
    *,
    time_limit: float = 5.0,
) -> ProofCheck:
    """Check the document's proof (or, in a proof set, the first valid assertion proof).

    ``resolve_key(verification_method)`` gives the public key to check against, or None if unknown.
    Canonicalisation errors (DataLoss, UnknownContext, AlteredContext, TooComplex, Malformed) come
    back as an invalid ProofCheck with their own reason.
    """
    if not isinstance(document, dict):
        return ProofCheck(False, M(T.NOT_AN_OBJECT))
    proofs = document.get("proof")
    if proofs is None:
        return ProofCheck(False, M(T.NO_PROOF))
    candidates = proofs if isinstance(proofs, list) else [proofs]
    if not candidates:
        return ProofCheck(False, M(T.NO_PROOF))
    first = None
    for proof in candidates:
        # The other proofs of a set are not part of what each one signs.
        result = _check_one({**document, "proof": proof}, proof, resolve_key, time_limit)
        if result.valid:
            return result
        first = first or result
    return first
