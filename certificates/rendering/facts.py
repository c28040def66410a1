"""The facts a certificate shows, as plain values: what the PDF and the badge are drawn from.

Issuance builds them from the verified credential and the database; rendering reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CertificateFacts:
    code: str  # the human code, as printed: "7K3Q-9XPM-2VD4-H"
    learner_name: str  # as it appears in the credential
    course_title: str
    track: str  # courses.models.Track value: "tvet_tot" or "hospital"
    hours: float | None  # volume of learning; None prints no hours line
    issued_on: date
    valid_until: date | None
    issuer_name: str
    institution_name: str | None  # where the cohort was held
    cohort_name: str | None
    cohort_start: date | None
    cohort_end: date | None
    score_percent: float | None  # final assessment, 0–100
    outcomes: tuple[str, ...]  # learning outcomes, in the course's language
    verify_url: str  # the public page for this code, absolute
    locale: str  # the language of the labels: "en", "fr" or "rw"
