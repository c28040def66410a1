"""Issuing, re-issuing, revoking and reinstating certificates, and what the issuer publishes: each result is
checked through the verification checklist a verifier runs, not through our own rows."""

from __future__ import annotations

import json
import os
import stat

from certificates import keys, services, verification
from certificates.models import Certificate, SigningKey
from certificates.vc import status_list
from lms.db import db
from tests.certificates.helpers import certifiable_course, learner_in


def _checks(report) -> dict[str, str]:
    return {check.name: check.outcome for check in report.checks}


def test_an_issued_certificate_is_a_signed_open_badge_that_verifies(app, factory):
    course = certifiable_course(factory)
    learner, cohort = learner_in(factory, course)
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        document = json.loads(certificate.credential)
        assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert document["credentialSubject"]["name"] == "Mukamana Éloïse"
        assert learner.email not in certificate.credential.decode()  # only its salted hash
        assert document["credentialSubject"]["achievement"]["name"] == course.title
        assert [a["targetName"] for a in document["credentialSubject"]["achievement"]["alignment"]] == [
            "Isolate a circuit safely",
            "Size a cable for its load",
        ]
        assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert document["issuer"]["id"] == keys.issuer_did()
        assert certificate.cohort_id == cohort.id
        report = verification.check(document)
        assert report.verdict == "valid", report.checks
        assert set(_checks(report).values()) == {"passed"}


def test_issuing_again_returns_the_same_certificate(app, factory):
    course = certifiable_course(factory)
    learner, _cohort = learner_in(factory, course)
    with app.test_request_context():
        first = services.issue(learner.id, course.id)
        second = services.issue(learner.id, course.id)
        db.session.commit()
        assert first.id == second.id
        assert db.session.query(Certificate).count() == 1


def test_the_stored_bytes_are_served_as_issued(app, factory, client):
    course = certifiable_course(factory)
    learner, _cohort = learner_in(factory, course)
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        stored, code = certificate.credential, certificate.code
    response = client.get(f"/certificates/{code}/credential.json")
    assert response.status_code == 200
    assert response.data == stored


def test_revoking_flips_the_published_status_list_and_reinstating_flips_it_back(app, factory, client):
    course = certifiable_course(factory)
    learner, _cohort = learner_in(factory, course)
    admin = factory.user("admin")
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        entry = json.loads(certificate.credential)["credentialStatus"]
        services.revoke(certificate, "Assessment fraud", admin.id)
        db.session.commit()
        report = verification.check(json.loads(certificate.credential))
        assert _checks(report)["revocation"] == "failed"
        assert report.verdict == "invalid"
    path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    listed = client.get("/" + path)
    assert listed.status_code == 200
    document = json.loads(listed.data)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list.is_set(document["credentialSubject"]["encodedList"], int(entry["statusListIndex"]))
    with app.test_request_context():
        services.reinstate(db.session.get(Certificate, certificate.id), admin.id)
        db.session.commit()
    document = json.loads(client.get("/" + path).data)
    assert not status_list.is_set(document["credentialSubject"]["encodedList"], int(entry["statusListIndex"]))


def test_a_reissue_revokes_the_old_certificate_and_links_the_new_one(app, factory):
    course = certifiable_course(factory)
    learner, _cohort = learner_in(factory, course, name="Mukamana Eloise")
    admin = factory.user("admin")
    with app.test_request_context():
        old = services.issue(learner.id, course.id)
        db.session.commit()
        new = services.reissue(old, "Mukamana Éloïse", admin.id, "Name corrected")
        db.session.commit()
        assert (old.revoked, old.superseded, old.replaced_by_id) == (True, True, new.id)
        assert new.replaces_id == old.id and new.learner_name == "Mukamana Éloïse"
        assert services.current_certificate(learner.id, course.id).id == new.id
        assert verification.check(json.loads(new.credential)).verdict == "valid"


def test_rotation_keeps_old_certificates_verifying_and_publishes_every_key(app, factory, client):
    course = certifiable_course(factory)
    first, _ = learner_in(factory, course)
    second, _ = learner_in(factory, course, name="Ngabo Jean-Baptiste")
    with app.test_request_context():
        before = services.issue(first.id, course.id)
        db.session.commit()
        keys.rotate()
        db.session.commit()
        after = services.issue(second.id, course.id)
        db.session.commit()
        assert before.key_id != after.key_id
        for certificate in (before, after):
            assert verification.check(json.loads(certificate.credential)).verdict == "valid"
        key_ids = {before.key_id, after.key_id}
    document = client.get("/.well-known/did.json").get_json()
    listed = {method["id"].split("#")[1] for method in document["verificationMethod"]}
    assert key_ids <= listed
    assert set(document["assertionMethod"]) == {method["id"] for method in document["verificationMethod"]}
    periods = {method["id"].split("#")[1]: method for method in document["verificationMethod"]}
    assert "validUntil" in periods[before.key_id] and "validUntil" not in periods[after.key_id]
    assert periods[after.key_id]["validFrom"] >= periods[before.key_id]["validUntil"]


def test_private_keys_live_in_files_of_mode_0600_and_never_in_the_database(app, factory):
    with app.test_request_context():
        row, _private = keys.signing_key()
        db.session.commit()
        path = keys.key_file(row.public_key_multibase)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        columns = {column.name for column in SigningKey.__table__.columns}
        assert not any("private" in name for name in columns)


def test_a_key_from_the_environment_signs_and_is_published(app, factory, monkeypatch):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    monkeypatch.setitem(app.config, "SIGNING_KEY", pem.decode())
    course = certifiable_course(factory)
    learner, _ = learner_in(factory, course)
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        row = db.session.query(SigningKey).filter_by(key_id=certificate.key_id).one()
        assert row.valid_until is None
        assert verification.check(json.loads(certificate.credential)).verdict == "valid"


def test_the_achievement_address_describes_the_course(app, factory, client):
    course = certifiable_course(factory)
    page = client.get(f"/achievements/{course.code}")
    assert page.status_code == 200
    assert "Isolate a circuit safely" in page.get_data(as_text=True)
    assert 'id="outcome-2"' in page.get_data(as_text=True)
    assert client.get("/achievements/NO-SUCH").status_code == 404


def test_two_first_issues_at_once_make_one_key(app, factory):
    """A site that never signed makes its first key on its first issue; two issues at once (held before the
    key's INSERT on PostgreSQL) both sign, with the one key that was stored."""
    from tests.concurrency import errors, together

    course = certifiable_course(factory)
    first, _ = learner_in(factory, course)
    second, _ = learner_in(factory, course, name="Ngabo Jean-Baptiste")
    course_id, users = course.id, (first.id, second.id)  # read here: the threads have sessions of their own

    def issue(user_id: int):
        def job():
            return services.issue(user_id, course_id).key_id

        return job

    outcomes = together(app, issue(users[0]), issue(users[1]), hold=r"^INSERT INTO signing_key\s")
    assert errors(outcomes) == []
    assert db.session.query(SigningKey).count() == 1
    assert {outcome.value for outcome in outcomes} == {db.session.query(SigningKey).one().key_id}


def test_a_hospital_certificate_carries_each_checklists_entrustment_level(app, factory):
    from courses.studio import services as studio
    from courses.versions import publish
    from lms.xblock_host.context import PUBLISHED
    from lms.xblock_host.models import XBlockField

    author = factory.user("author")
    course = factory.course(owner=author, title="Neonatal resuscitation", track="hospital")
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Skills")
    sequential = studio.add_block(course, chapter, "sequential", author, "Skills")
    unit = studio.add_block(course, sequential, "vertical", author, "Bag-mask ventilation")
    keys = [studio.add_block(course, unit, "skill_checklist", author) for _ in range(2)]
    publish(course, author)
    db.session.commit()
    learner, _ = learner_in(factory, course)
    signoffs = ({"competent": True, "level": 4}, {"competent": False, "level": 2})  # the second: not yet
    for key, signoff in zip(keys, signoffs, strict=True):
        db.session.add(
            XBlockField(
                branch=PUBLISHED,
                scope="user_state",
                context_key=course.code,
                block_key=key,
                user_id=learner.id,
                field="signoff",
                value=signoff,
            )
        )
    db.session.commit()
    with app.test_request_context():
        certificate = services.issue(learner.id, course.id)
        db.session.commit()
        document = json.loads(certificate.credential)
        subject = document["credentialSubject"]
        described = {d["id"]: d for d in subject["achievement"]["resultDescription"]}
        (result,) = subject["result"]  # no post-test here; one competent sign-off
        assert result["value"] == "4"
        assert described[result["resultDescription"]]["name"].startswith("Entrustment level: ")
        assert (
            described[result["resultDescription"]]["valueMin"],
            described[result["resultDescription"]]["valueMax"],
        ) == ("1", "5")
        assert verification.check(document).verdict == "valid"  # every term is one the contexts define
