"""Digital Bazaar's verifier (``@digitalbazaar/vc`` with ``eddsa-rdfc-2022``, from npm) accepts a certificate
tot-lms issued, signed by its own key under its ``did:web`` issuer with the contexts it pins — and rejects it
once a field is changed. The contexts are handed over from our own pinned copies: nothing is fetched."""

from __future__ import annotations

import json

import pytest

from certificates import keys, services
from certificates.vc import contexts as pinned
from lms.db import db
from tests.certificates.helpers import certifiable_course, learner_in
from tests.interop.test_digital_bazaar import verifier  # noqa: F401 - the fixture

pytestmark = pytest.mark.interop


@pytest.fixture
def issued(app, factory):
    course = certifiable_course(factory)
    learner, _cohort = learner_in(factory, course, name="Ngabo Jean-Baptiste")
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        row, _private = keys.signing_key()
        credential = json.loads(certificate.credential)
        return {
            "credential": credential,
            "contexts": {url: pinned.document_loader(url)["document"] for url in credential["@context"]},
            "public_key_multibase": row.public_key_multibase,
            "controller": keys.issuer_did(),
        }


def test_digital_bazaar_accepts_a_certificate_we_issued(verifier, issued):  # noqa: F811
    assert verifier(**issued) == (True, "")


def test_digital_bazaar_rejects_it_once_a_field_is_changed(verifier, issued):  # noqa: F811
    issued["credential"]["credentialSubject"]["name"] = "Someone Else"
    verified, error = verifier(**issued)
    assert not verified
    assert "Invalid signature" in error
