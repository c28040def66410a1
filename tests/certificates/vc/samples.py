"""Test credentials: an Open Badges 3.0 certificate like the ones tot-lms issues, signed with a test key."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certificates.vc import contexts, multikey, proofs, status_list
from certificates.vc.trust import Trust, bundle

VECTORS = Path(__file__).parent.parent / "vectors"
ISSUER = "did:web:lms.example.rw"
METHOD = ISSUER + "#key-2026-1"
# A fixed test key (never used outside tests).
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
PUBLIC = multikey.public_key_to_multibase(KEY.public_key())
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
STATUS_LIST = "https://lms.example.rw/status/1"


def vector(path: str) -> str:
    return (VECTORS / path).read_text(encoding="utf-8")


def vector_json(path: str) -> dict:
    return json.loads(vector(path))


def unsigned(ob_context: str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json") -> dict:
    """An unsigned OpenBadgeCredential of about 3 KB once signed."""
    return copy.deepcopy(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2", ob_context, EXTENSIONS],
            "id": "urn:uuid:2f1b6c4e-5a7d-4e1f-9a3b-6c2d8e0f1a2b",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Certificate of completion: Electrical Installation Level 4",
            "issuer": {
                "id": ISSUER,
                "type": ["Profile"],
                "name": "IPRC Kigali",
                "url": "https://lms.example.rw",
                "email": "registrar@lms.example.rw",
            },
            "validFrom": "2026-01-15T00:00:00Z",
            "validUntil": "2031-01-15T00:00:00Z",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "name": "Uwase Aline",
                "identifier": [
                    {
                        "type": "IdentityObject",
                        "identityHash": "sha256$8c1f3b2d0a7e6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170605f4e3",
                        "identityType": "emailAddress",
                        "hashed": True,
                        "salt": "9b4e2f7a1c",
                    }
                ],
                "achievement": {
                    "id": "https://lms.example.rw/achievements/ELI4/2026-1",
                    "type": ["Achievement"],
                    "name": "Electrical Installation Level 4",
                    "description": "Domestic and light-commercial wiring, protection devices, inspection and "
                    "testing, and safe working practices under the Rwanda TVET qualifications framework.",
                    "criteria": {
                        "narrative": "Completed all 12 modules of the course, passed each module quiz with at "
                        "least 70%, and passed the final practical assessment observed by an assessor.\n\n"
                        "* Module quizzes: 12 of 12\n* Final assessment: passed"
                    },
                    "achievementType": "Certificate",
                    "humanCode": "ELI4",
                    "inLanguage": "en",
                    "creator": {"id": ISSUER, "type": ["Profile"], "name": "IPRC Kigali"},
                },
            },
            "awardedDate": "2026-01-15T00:00:00Z",
            "credentialStatus": {
                "id": STATUS_LIST + "#4242",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": "4242",
                "statusListCredential": STATUS_LIST,
            },
            "credentialSchema": [
                {
                    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
                    "type": "1EdTechJsonSchemaValidator2019",
                }
            ],
        }
    )


def signed(document: dict | None = None, *, key: Ed25519PrivateKey = KEY, method: str = METHOD, **options) -> dict:
    return proofs.sign(
        unsigned() if document is None else document,
        key,
        method,
        options.pop("created", "2026-01-15T08:00:00Z"),
        **options,
    )


def unsigned_v1(ob_context: str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json") -> dict:
    """The same certificate as a VC Data Model 1.1 credential (OB 3.0.0 and 3.0.1 were written for 1.1)."""
    document = unsigned()
    document["@context"] = ["https://www.w3.org/2018/credentials/v1", ob_context]
    document["issuanceDate"] = document.pop("validFrom")
    document["expirationDate"] = document.pop("validUntil")
    for key in ("awardedDate", "credentialStatus", "credentialSchema"):
        del document[key]
    del document["credentialSubject"]["achievement"]["inLanguage"]  # only OB 3.0.3 defines it
    return document


def trust(**key_fields) -> Trust:
    """The trust an installation holding this issuer's bundle has."""
    key = {"id": METHOD, "publicKeyMultibase": PUBLIC, "validFrom": "2026-01-01T00:00:00Z", **key_fields}
    return Trust.from_bundle(bundle_dict(key))


def bundle_dict(*keys: dict) -> dict:
    return bundle(ISSUER, "IPRC Kigali", "https://lms.example.rw", keys, contexts.context_hashes())


def status_list_credential(*revoked: int, valid_until: str = "2026-07-01T00:00:00Z", key=KEY, **changes) -> dict:
    bits = status_list.new_list()
    for index in revoked:
        status_list.set_bit(bits, index)
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": STATUS_LIST,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-05-01T00:00:00Z",
        "validUntil": valid_until,
        "credentialSubject": {
            "id": STATUS_LIST + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": status_list.encode(bits),
        },
        **changes,
    }
    return signed(document, key=key)
