"""The unsigned Open Badges 3.0 ``OpenBadgeCredential`` of a certificate, built from plain values.

What goes in (``research/certificates.md`` §1.1, §5): the issuer's profile (its ``did:web``, name, address,
image), ``validFrom`` and an optional ``validUntil``, the learner's name as printed and a salted hash of
their e-mail address (no address in clear), the achievement (course title, description, criteria with the
hours and track, learning outcomes as alignments, the host institution, the cohort's dates), the post-test
score as a result, and the ``BitstringStatusListEntry`` that revocation flips. Every term is defined by
the VC 2.0 and OB 3.0.3 contexts: canonicalisation refuses to sign a term they do not define.

Text is cleaned before it is signed (NFC, no control characters but tab and newline): pyld and other
canonicalisers escape control characters differently, and a credential must verify the same everywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from certificates.vc.canonical import clean_text

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


@dataclass(frozen=True)
class Issuer:
    did: str
    name: str
    url: str
    image: str | None = None


@dataclass(frozen=True)
class Achievement:
    url: str  # a stable address of the course's achievement
    course_code: str
    title: str
    description: str
    criteria: str
    language: str
    track: str
    hours: int | None
    outcomes: tuple[str, ...]
    outcomes_url: str


@dataclass(frozen=True)
class Subject:
    name: str
    email: str
    salt: str
    institution_name: str | None = None
    institution_url: str | None = None
    cohort_start: date | None = None
    cohort_end: date | None = None
    score_percent: float | None = None
    score_description: str = "Post-test score"
    # Hospital track: (skill checklist's title, entrustment level 1–5 of its competent sign-off).
    entrustment: tuple[tuple[str, int], ...] = ()


def timestamp(moment: datetime) -> str:
    """An XML Schema dateTime in UTC, to the second; ``moment`` is naive UTC (``lms.clock.utcnow``)."""
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0's hashed identifier: ``sha256$`` and the hex digest of the address followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def build(
    *,
    credential_id: str,
    issuer: Issuer,
    achievement: Achievement,
    subject: Subject,
    valid_from: datetime,
    valid_until: datetime | None,
    status_list_url: str,
    status_index: int,
) -> dict:
    issuer_profile: dict = {"id": issuer.did, "type": ["Profile"], "name": clean_text(issuer.name), "url": issuer.url}
    if issuer.image:
        issuer_profile["image"] = {"id": issuer.image, "type": "Image"}
    result_url = f"{achievement.url}#post-test"
    achievement_doc: dict = {
        "id": achievement.url,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": clean_text(achievement.title),
        "description": clean_text(achievement.description or achievement.title),
        "criteria": {"narrative": clean_text(achievement.criteria)},
        "humanCode": achievement.course_code,
        "inLanguage": achievement.language,
        "fieldOfStudy": achievement.track,
    }
    if achievement.outcomes:
        achievement_doc["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": clean_text(outcome),
                "targetUrl": f"{achievement.outcomes_url}#outcome-{number}",
                "targetType": "Competency",
            }
            for number, outcome in enumerate(achievement.outcomes, start=1)
        ]
    subject_doc: dict = {
        "type": ["AchievementSubject"],
        "name": clean_text(subject.name),
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(subject.email, subject.salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": subject.salt,
            }
        ],
        "achievement": achievement_doc,
    }
    if subject.cohort_start:
        subject_doc["activityStartDate"] = f"{subject.cohort_start.isoformat()}T00:00:00Z"
    if subject.cohort_end:
        subject_doc["activityEndDate"] = f"{subject.cohort_end.isoformat()}T00:00:00Z"
    if subject.institution_name and subject.institution_url:
        subject_doc["source"] = {
            "id": subject.institution_url,
            "type": ["Profile"],
            "name": clean_text(subject.institution_name),
        }
    descriptions, results = [], []
    if subject.score_percent is not None:
        descriptions.append(
            {
                "id": result_url,
                "type": ["ResultDescription"],
                "name": clean_text(subject.score_description),
                "resultType": "Percent",
            }
        )
        results.append({"type": ["Result"], "resultDescription": result_url, "value": f"{subject.score_percent:.1f}"})
    for number, (checklist, level) in enumerate(subject.entrustment, start=1):
        url = f"{achievement.url}#entrustment-{number}"
        descriptions.append(
            {
                "id": url,
                "type": ["ResultDescription"],
                "name": clean_text(f"Entrustment level: {checklist}"),
                "resultType": "RawScore",
                "valueMin": "1",
                "valueMax": "5",
            }
        )
        results.append({"type": ["Result"], "resultDescription": url, "value": str(level)})
    if descriptions:
        achievement_doc["resultDescription"] = descriptions
        subject_doc["result"] = results
    credential: dict = {
        "@context": list(CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": clean_text(achievement.title),
        "issuer": issuer_profile,
        "validFrom": timestamp(valid_from),
        "credentialSubject": subject_doc,
        "credentialStatus": {
            "id": f"{status_list_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url,
        },
    }
    if valid_until:
        credential["validUntil"] = timestamp(valid_until)
    return credential
