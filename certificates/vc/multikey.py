"""Ed25519 keys in the encodings credentials use: Multikey (``z6Mk…``), did:key, and fingerprints.

A Multikey public key is ``z`` + base58btc(0xed 0x01 ‖ 32 key bytes); a Multikey private key carries the
prefix 0x80 0x26 (as in W3C's published test key pair). ``did:key:z6Mk…`` is the same public value as a
DID, and its verification method is ``did:key:z6Mk…#z6Mk…``.
"""

from __future__ import annotations

import hashlib

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from certificates.vc.errors import Malformed

ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


def _decode(multibase: str, prefix: bytes, what: str) -> bytes:
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise Malformed(f"{what} is not a base58btc multibase value")
    try:
        raw = base58.b58decode(multibase[1:])
    except ValueError:
        raise Malformed(f"{what} is not valid base58") from None
    if len(raw) != len(prefix) + 32 or not raw.startswith(prefix):
        raise Malformed(f"{what} is not an Ed25519 key")
    return raw[len(prefix) :]


def public_key_from_multibase(multibase: str) -> Ed25519PublicKey:
    """``z6Mk…`` → public key; ``Malformed`` if it is not an Ed25519 Multikey."""
    return Ed25519PublicKey.from_public_bytes(_decode(multibase, ED25519_PUB, "the public key"))


def public_key_to_multibase(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB + raw).decode("ascii")


def private_key_from_multibase(multibase: str) -> Ed25519PrivateKey:
    """A Multikey private key (prefix 0x8026) → private key."""
    return Ed25519PrivateKey.from_private_bytes(_decode(multibase, ED25519_PRIV, "the private key"))


def private_key_to_multibase(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return "z" + base58.b58encode(ED25519_PRIV + raw).decode("ascii")


def did_key(key: Ed25519PublicKey) -> str:
    """The ``did:key`` of a public key (its verification method is ``did + "#" + multibase``)."""
    return "did:key:" + public_key_to_multibase(key)


def did_key_verification_method(key: Ed25519PublicKey) -> str:
    multibase = public_key_to_multibase(key)
    return f"did:key:{multibase}#{multibase}"


def public_key_from_did_key(did_or_method: str) -> Ed25519PublicKey:
    """``did:key:z6Mk…`` or ``did:key:z6Mk…#z6Mk…`` → public key; ``Malformed`` if the two halves differ."""
    if not isinstance(did_or_method, str) or not did_or_method.startswith("did:key:"):
        raise Malformed("not a did:key")
    did, _, fragment = did_or_method.partition("#")
    multibase = did[len("did:key:") :]
    if fragment and fragment != multibase:
        raise Malformed("the did:key fragment does not name the did:key's own key")
    return public_key_from_multibase(multibase)


def fingerprint(public_key_multibase: str) -> str:
    """``sha256:<hex>`` of the raw 32-byte public key, for people comparing keys out of band."""
    raw = _decode(public_key_multibase, ED25519_PUB, "the public key")
    return "sha256:" + hashlib.sha256(raw).hexdigest()
