"""Issuing in a test for the verification tests: a certificate, its code as shown, its stored bytes."""

from __future__ import annotations

from certificates import services
from certificates.vc import codes
from lms.db import db
from tests.certificates.helpers import certifiable_course, learner_in


def issued(app, factory, *, name: str = "Mukamana Éloïse", course=None):
    """A freshly issued certificate: (its id, its code as displayed, its stored credential bytes, the learner)."""
    course = course or certifiable_course(factory)
    learner, _cohort = learner_in(factory, course, name=name)
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        return certificate.id, codes.normalise(certificate.code), certificate.credential, learner


def typo_of(code: str) -> str:
    """``code`` with its first symbol changed: the check symbol no longer matches."""
    first = "0" if code[0] != "0" else "1"
    return first + code[1:]


def unknown_code() -> str:
    """A well-formed code (its check symbol matches) that no certificate carries."""
    return codes.new_code()
