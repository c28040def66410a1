"""An independent verifier in CI: Digital Bazaar's ``@digitalbazaar/vc`` with its ``eddsa-rdfc-2022``
cryptosuite, from npm (``tests/interop/package-lock.json``), checks Data Integrity credentials.

For now the credential is W3C's published ``eddsa-rdfc-2022`` vector (``fixtures/``, see its README); a
credential issued by tot-lms's own signer will be checked the same way, through ``node_verify``.

Without Node 18+ and npm these tests skip on a developer's machine, but fail in CI (``CI=true``, or
``LMS_TEST_REQUIRE_NODE`` set, as ``.ci/run`` does), where an unverified credential must not pass unnoticed.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from tests.interop.node_verifier import NodeVerifierError, ensure_packages, node_available, node_verify

pytestmark = pytest.mark.interop

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": FIXTURES / "contexts" / "credentials-v2.jsonld",
    "https://www.w3.org/ns/credentials/examples/v2": FIXTURES / "contexts" / "credentials-examples-v2.jsonld",
}
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
# The example key of the did:key specification: a valid Ed25519 Multikey, but not the vector's.
OTHER_KEY = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def _required() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1") or bool(os.environ.get("LMS_TEST_REQUIRE_NODE"))


@pytest.fixture(scope="module")
def verifier():
    """``node_verify``, once Node and the npm packages are known to be there."""
    if not node_available():
        message = "node (18 or newer) and npm are needed for the Digital Bazaar interop test"
        if _required():
            pytest.fail(f"{message} (CI requires it)")
        pytest.skip(message)
    try:
        ensure_packages()
    except NodeVerifierError as error:
        pytest.fail(str(error))
    return node_verify


@pytest.fixture(scope="module")
def contexts() -> dict[str, dict]:
    return {url: json.loads(path.read_text(encoding="utf-8")) for url, path in CONTEXTS.items()}


@pytest.fixture
def vector() -> dict:
    """The W3C vector, how it must be presented to Digital Bazaar.

    Digital Bazaar requires the credential's issuer to be the controller of the proof's verification
    method. The vector's issuer is ``https://vc.example/issuers/5678`` while its verificationMethod is a
    ``did:key`` URL, so the key is presented as published by the issuer (its controller document lists that
    method under assertionMethod); the signature is still checked against W3C's published key.
    """
    credential = json.loads((FIXTURES / "w3c-eddsa-rdfc-2022" / "signedDataInt.json").read_text(encoding="utf-8"))
    key = json.loads((FIXTURES / "w3c-eddsa-rdfc-2022" / "keyPair.json").read_text(encoding="utf-8"))
    return {
        "credential": credential,
        "public_key_multibase": key["publicKeyMultibase"],
        "controller": credential["issuer"],
        "verification_method": credential["proof"]["verificationMethod"],
    }


def _verify(verifier, contexts, vector) -> tuple[bool, str]:
    return verifier(
        vector["credential"],
        contexts,
        vector["public_key_multibase"],
        vector["controller"],
        verification_method=vector["verification_method"],
    )


def test_digital_bazaar_accepts_the_w3c_vector(verifier, contexts, vector):
    assert _verify(verifier, contexts, vector) == (True, "")


def test_digital_bazaar_rejects_the_vector_with_a_changed_field(verifier, contexts, vector):
    vector["credential"]["credentialSubject"]["alumniOf"] = "The School of Forgeries"

    verified, error = _verify(verifier, contexts, vector)

    assert not verified
    assert "Invalid signature" in error


def test_digital_bazaar_rejects_the_vector_under_another_key(verifier, contexts, vector):
    vector["public_key_multibase"] = OTHER_KEY

    verified, error = _verify(verifier, contexts, vector)

    assert not verified
    assert "Invalid signature" in error


def test_digital_bazaar_rejects_an_issuer_that_does_not_control_the_key(verifier, contexts, vector):
    """The binding our own credentials must respect: issuer id == controller of the signing key."""
    vector["controller"] = vector["verification_method"].split("#")[0]  # the did:key itself

    verified, error = _verify(verifier, contexts, vector)

    assert not verified
    assert "issuer must match the verification method controller" in error


def test_the_document_loader_serves_only_the_given_contexts(verifier, contexts, vector):
    """No network: a context left out of the request is not fetched, so the credential cannot verify."""
    without_examples = copy.deepcopy(contexts)
    del without_examples[EXAMPLES_V2]

    verified, error = _verify(verifier, without_examples, vector)

    assert not verified
    assert f"Document not found in document loader: {EXAMPLES_V2}" in error
