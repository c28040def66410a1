"""Facts and a credential for the rendering tests."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from certificates.rendering.facts import CertificateFacts

CODE = "7K3Q-9XPM-2VD4-H"
URL = f"https://lms.rp.ac.rw/v/{CODE}"
COURSE = "Amashanyarazi yo mu nyubako — Électricité du bâtiment"

CREDENTIAL = json.dumps(
    {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:0b9c2a52-95f0-4d4e-8f62-6c2e1f0a9d11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"name": "Mukamana Éloïse", "achievement": {"name": COURSE}},
    },
    ensure_ascii=False,
    indent=2,
).encode("utf-8")


def facts(**changes) -> CertificateFacts:
    base = CertificateFacts(
        code=CODE,
        learner_name="Mukamana Éloïse",
        course_title=COURSE,
        track="tvet_tot",
        hours=40,
        issued_on=date(2026, 3, 20),
        valid_until=date(2029, 3, 20),
        issuer_name="Rwanda Polytechnic",
        institution_name="IPRC Kigali",
        cohort_name="Kigali 2026 A",
        cohort_start=date(2026, 1, 12),
        cohort_end=date(2026, 3, 20),
        score_percent=87.5,
        outcomes=("Install and test a domestic circuit safely", "Teach the wiring practical to a group"),
        verify_url=URL,
        locale="en",
    )
    return replace(base, **changes)
