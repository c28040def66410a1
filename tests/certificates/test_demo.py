"""The demo's certificates (issue 22, "The demo seeds issued certificates, one of them revoked"): the
simulated learners who meet the trainers' course rules hold a certificate that verifies, one of them revoked;
seeding again issues nothing more."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from certificates import rules, verification
from certificates.models import Certificate, CertificateSettings
from courses import queries as courses
from lms.db import db


def _seed(app, outside_requests) -> str:
    result = outside_requests(app.test_cli_runner().invoke, args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def test_the_demo_issues_certificates_one_revoked_and_seeding_again_changes_nothing(app, outside_requests):
    output = _seed(app, outside_requests)
    course = courses.by_code("TOT-ELEC-101")
    settings = db.session.get(CertificateSettings, course.id)
    assert settings.enabled and set(settings.requirements) == {"modules", "post_test"}
    certificates = list(db.session.scalars(select(Certificate)))
    assert len(certificates) >= 5
    assert [c.state for c in certificates].count("revoked") == 1
    assert "is revoked, to show what a verifier sees" in output
    with app.test_request_context():
        for certificate in certificates:
            assert rules.evaluate(certificate.user_id, certificate.course_id).eligible
            verdict = verification.check(json.loads(certificate.credential)).verdict
            assert verdict == ("invalid" if certificate.revoked else "valid")
    count = len(certificates)
    _seed(app, outside_requests)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == count
