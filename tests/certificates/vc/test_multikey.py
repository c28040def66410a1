"""Multikey, did:key and fingerprints."""

from __future__ import annotations

import hashlib

import pytest

from certificates.vc import multikey
from certificates.vc.errors import Malformed
from tests.certificates.vc import samples


def test_round_trip():
    public = samples.KEY.public_key()
    encoded = multikey.public_key_to_multibase(public)
    assert encoded.startswith("z6Mk")
    assert multikey.public_key_from_multibase(encoded) == public
    assert multikey.private_key_from_multibase(multikey.private_key_to_multibase(samples.KEY)).public_key() == public


def test_did_key():
    public = samples.KEY.public_key()
    method = multikey.did_key_verification_method(public)
    assert method == f"{multikey.did_key(public)}#{samples.PUBLIC}"
    assert multikey.public_key_from_did_key(method) == public
    assert multikey.public_key_from_did_key(multikey.did_key(public)) == public


def test_did_key_with_another_keys_fragment_is_refused():
    other = multikey.public_key_to_multibase(samples.OTHER_KEY.public_key())
    with pytest.raises(Malformed):
        multikey.public_key_from_did_key(f"did:key:{samples.PUBLIC}#{other}")


def test_fingerprint_is_sha256_of_the_raw_key():
    raw = samples.KEY.public_key().public_bytes_raw()
    assert multikey.fingerprint(samples.PUBLIC) == "sha256:" + hashlib.sha256(raw).hexdigest()


@pytest.mark.parametrize("value", ["", "6Mk", "zzzz", "z0OIl", 5, "z" + "1" * 40])
def test_bad_values(value):
    with pytest.raises(Malformed):
        multikey.public_key_from_multibase(value)
