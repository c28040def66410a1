"""Which keys this installation trusts, and for which issuer: the trust bundle.

A did:web issuer's keys can be fetched from its domain, but "years later" and offline the root of trust
is a pinned list: the issuer hands verifiers a trust bundle (keys with validity periods, fingerprints to
compare out of band, and the sha256 of the contexts it uses). ``lms export-trust-bundle`` writes one with
``bundle``; verifiers load it with ``Trust.from_bundle``. Format, version 1::

    {"type": "TotLmsTrustBundle", "version": 1,
     "issuer": {"id": "did:web:lms.example.rw", "name": "...", "url": "https://..."},
     "keys": [{"id": "did:web:lms.example.rw#key-2026-1", "publicKeyMultibase": "z6Mk...",
               "fingerprint": "sha256:<hex of the raw key>", "validFrom": "2026-01-01T00:00:00Z",
               "validUntil": null}],
     "contexts": {"https://www.w3.org/ns/credentials/v2": "<sha256>", ...},
     "created": "2026-01-01T00:00:00Z"}

Keys are never removed from a bundle (old certificates stay verifiable); a retired key gets a validUntil.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.vc import multikey
from certificates.vc.errors import Malformed

BUNDLE_TYPE = "TotLmsTrustBundle"
BUNDLE_VERSION = 1


def parse_datetime(value: object) -> datetime | None:
    """An XML Schema dateTime (``2026-01-15T00:00:00Z``) as an aware datetime; None if it is not one.

    A value without a time zone is read as UTC (VC 1.1 credentials in the wild omit it).
    """
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def format_datetime(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class TrustedKey:
    verification_method: str | None  # None: a key given without its id (matches any method)
    public_key_multibase: str
    public_key: Ed25519PublicKey = field(compare=False)
    issuer_id: str | None  # None: the key of whichever issuer the credential names (``--key``)
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def valid_at(self, moment: datetime) -> bool:
        return (self.valid_from is None or self.valid_from <= moment) and (
            self.valid_until is None or moment <= self.valid_until
        )


def bundle(
    issuer_id: str,
    name: str,
    url: str | None,
    keys: Iterable[dict],
    contexts: dict[str, str],
    created: str | None = None,
) -> dict:
    """A trust bundle. ``keys``: dicts with ``id``, ``publicKeyMultibase``, optional ``validFrom``/``validUntil``.

    The fingerprint is computed here, so a bundle never carries one that does not match its key.
    """
    entries = []
    for key in keys:
        multikey.public_key_from_multibase(key["publicKeyMultibase"])  # refuse a bad key now, not at verify time
        entries.append(
            {
                "id": key["id"],
                "publicKeyMultibase": key["publicKeyMultibase"],
                "fingerprint": multikey.fingerprint(key["publicKeyMultibase"]),
                "validFrom": key.get("validFrom"),
                "validUntil": key.get("validUntil"),
            }
        )
    return {
        "type": BUNDLE_TYPE,
        "version": BUNDLE_VERSION,
        "issuer": {"id": issuer_id, "name": name, "url": url},
        "keys": entries,
        "contexts": dict(contexts),
        "created": created or format_datetime(datetime.now(UTC)),
    }


class Trust:
    """Trusted keys by verification method, and the names of trusted issuers."""

    def __init__(self, keys: Iterable[TrustedKey] = (), issuers: dict[str, str | None] | None = None) -> None:
        self.keys = list(keys)
        self.issuers = dict(issuers or {})
        self.contexts: dict[str, str] = {}

    @classmethod
    def empty(cls) -> Trust:
        return cls()

    @classmethod
    def with_keys(cls, issuer: str | None, keys: Iterable[str]) -> Trust:
        """Trust these Multikey values for ``issuer`` (or, with None, for whichever issuer a credential names)."""
        trusted = [TrustedKey(None, value, multikey.public_key_from_multibase(value), issuer) for value in keys]
        return cls(trusted, {issuer: None} if issuer else {})

    @classmethod
    def from_bundle(cls, data: object) -> Trust:
        """Read a trust bundle; ``Malformed`` with the reason if it is not a valid version-1 bundle."""
        if not isinstance(data, dict) or data.get("type") != BUNDLE_TYPE:
            raise Malformed(f"not a trust bundle (type is not {BUNDLE_TYPE})")
        if data.get("version") != BUNDLE_VERSION:
            raise Malformed(f"trust bundle version {data.get('version')} is not supported")
        issuer = data.get("issuer")
        if not isinstance(issuer, dict) or not isinstance(issuer.get("id"), str):
            raise Malformed("the trust bundle names no issuer")
        issuer_id = issuer["id"]
        keys = []
        for entry in data.get("keys") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise Malformed("a key of the trust bundle has no id")
            value = entry.get("publicKeyMultibase")
            public_key = multikey.public_key_from_multibase(value)
            if entry.get("fingerprint") not in (None, multikey.fingerprint(value)):
                raise Malformed(f"the fingerprint of key {entry['id']} does not match the key")
            method = issuer_id + entry["id"] if entry["id"].startswith("#") else entry["id"]
            bounds = []
            for name in ("validFrom", "validUntil"):
                moment = parse_datetime(entry.get(name))
                if entry.get(name) is not None and moment is None:
                    raise Malformed(f"{name} of key {entry['id']} is not a date and time")
                bounds.append(moment)
            keys.append(TrustedKey(method, value, public_key, issuer_id, *bounds))
        trust = cls(keys, {issuer_id: issuer.get("name")})
        trust.contexts = dict(data.get("contexts") or {})
        return trust

    def combined(self, other: Trust) -> Trust:
        """Both trusts at once (several bundles, or a bundle plus ``--key``)."""
        trust = Trust(self.keys + other.keys, {**self.issuers, **other.issuers})
        trust.contexts = {**self.contexts, **other.contexts}
        return trust

    def candidates(self, verification_method: str) -> list[TrustedKey]:
        """The trusted keys that may have made a proof naming ``verification_method``, best match first."""
        exact = [key for key in self.keys if key.verification_method == verification_method]
        # A key given without an id matches a did:key method carrying it, or any method at all.
        fragment = verification_method.rpartition("#")[2]
        loose = [key for key in self.keys if key.verification_method is None]
        loose.sort(key=lambda key: key.public_key_multibase != fragment)
        return exact + loose

    def key_for(
        self, verification_method: str
    ) -> tuple[Ed25519PublicKey, str | None, datetime | None, datetime | None] | None:
        found = self.candidates(verification_method)
        if not found:
            return None
        key = found[0]
        return key.public_key, key.issuer_id, key.valid_from, key.valid_until

    def knows_issuer(self, issuer_id: str) -> bool:
        return issuer_id in self.issuers or any(key.issuer_id == issuer_id for key in self.keys)

    def issuer_name(self, did: str) -> str | None:
        return self.issuers.get(did)
