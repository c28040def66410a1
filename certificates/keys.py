"""The site's signing keys: where the private halves live, which key signs, rotation, and what is published.

**Private halves never enter the database.** Each is a PEM file (PKCS#8, mode 0600, in a folder of mode 0700)
in ``KEYS_DIR`` (``LMS_KEYS_DIR``; default ``<instance>/keys``), named by its public half; or the one key that
signs comes from the environment (``LMS_SIGNING_KEY``: PEM or a multibase Ed25519 private key), and then it
wins. A database dump therefore holds no secret.

**Every key ever used stays published.** The database keeps each key's public half and validity period
(:class:`~certificates.models.SigningKey`). ``/.well-known/did.json`` lists them all under
``assertionMethod`` and the trust bundle gives each one's validity period, so a certificate signed before a
rotation keeps verifying; :func:`rotate` closes the current key's period and opens a new key's.

The issuer is the site's ``did:web`` identifier, derived from ``BASE_URL`` (``https://lms.example.rw`` →
``did:web:lms.example.rw``; a port is written ``%3A``; a path adds ``:``-separated segments).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from certificates.credential import timestamp
from certificates.models import SigningKey
from certificates.vc import multikey
from lms.clock import utcnow
from lms.db import db


class KeyUnavailable(RuntimeError):
    """The site cannot sign: the current key's file is missing or unreadable, or the configured key is invalid."""


def issuer_did() -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    host = quote(base.hostname or "localhost", safe="")
    if base.port:
        host += f"%3A{base.port}"
    segments = [quote(part, safe="") for part in base.path.split("/") if part]
    return ":".join(["did:web", host, *segments])


def verification_method(key_id: str) -> str:
    return f"{issuer_did()}#{key_id}"


def keys_folder() -> Path:
    configured = current_app.config.get("KEYS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "keys"


def key_file(public_key_multibase: str) -> Path:
    """A private half's file, named by its public half: names never collide, even across databases."""
    return keys_folder() / f"{public_key_multibase}.pem"


def signing_key() -> tuple[SigningKey, Ed25519PrivateKey]:
    """The key that signs now and its row. The environment's key wins (registered on first use, closing the
    previous key's period); otherwise the newest open file key; with none at all, a first key is made."""
    configured = current_app.config.get("SIGNING_KEY")
    if configured:
        private = _parse_private(configured)
        public = multikey.public_key_to_multibase(private.public_key())
        row = db.session.scalar(select(SigningKey).where(SigningKey.public_key_multibase == public))
        return (row or _register(public)), private
    row = db.session.scalar(
        select(SigningKey).where(SigningKey.valid_until.is_(None)).order_by(SigningKey.id.desc()).limit(1)
    )
    if row is None:
        try:
            with db.session.begin_nested():  # two first issues at once: one makes the key, the other uses it
                return rotate()
        except IntegrityError:
            return signing_key()
    path = key_file(row.public_key_multibase)
    try:
        return row, _parse_private(path.read_bytes())
    except FileNotFoundError as exc:
        raise KeyUnavailable(
            f"The private key of {row.key_id} is not in {keys_folder()}; restore it, or run `lms rotate-key`."
        ) from exc


def rotate(now: datetime | None = None) -> tuple[SigningKey, Ed25519PrivateKey]:
    """Make a new key, write its private half to the keys folder, and make it the one that signs."""
    now = now or utcnow()
    private = Ed25519PrivateKey.generate()
    row = _register(multikey.public_key_to_multibase(private.public_key()), now)
    folder = keys_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(key_file(row.public_key_multibase), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return row, private


def published_keys() -> list[SigningKey]:
    return list(db.session.scalars(select(SigningKey).order_by(SigningKey.id)))


def did_document() -> dict:
    """The issuer's DID document: every key ever used, each a Multikey with the period it signed in, all of them
    assertion methods (a certificate signed before a rotation keeps verifying)."""
    did = issuer_did()
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
            # When the key signed. Not "expires": a verifier would then refuse the certificates it signed
            # before a rotation. An extension property (DID Core allows them); the trust bundle states the same.
            "validFrom": timestamp(key.valid_from),
            **({"validUntil": timestamp(key.valid_until)} if key.valid_until else {}),
        }
        for key in published_keys()
    ]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def _register(public_multibase: str, now: datetime | None = None) -> SigningKey:
    """Record a new key's public half as the one that signs from ``now``; the previous key's period ends."""
    now = now or utcnow()
    for current in db.session.scalars(select(SigningKey).where(SigningKey.valid_until.is_(None))):
        current.valid_until = now
    year = now.year
    count = db.session.scalar(select(func.count()).where(SigningKey.key_id.like(f"key-{year}-%"))) or 0
    row = SigningKey(key_id=f"key-{year}-{count + 1}", public_key_multibase=public_multibase, valid_from=now)
    db.session.add(row)
    db.session.flush()
    return row


def _parse_private(value: str | bytes) -> Ed25519PrivateKey:
    text = value.decode() if isinstance(value, bytes) else value
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = multikey.private_key_from_multibase(text.strip())
    except (ValueError, TypeError) as exc:
        raise KeyUnavailable(f"The signing key is not a valid Ed25519 private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyUnavailable("The signing key is not an Ed25519 key.")
    return key
