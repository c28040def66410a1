"""The studio's "Certificate" page: the course's editors set the rules (saved and audited), everyone else is
refused, bad input is a form error, and the course's studio page links to it."""

from __future__ import annotations

from sqlalchemy import select

from certificates.models import CertificateSettings
from courses.services import add_co_author
from lms.audit import AuditEvent
from lms.db import db
from tests.certificates.rules_world import rules_course


def _module_key(world, title: str) -> str:
    return next(
        key
        for key, entry in world.course.published_version.snapshot.items()
        if entry.get("type") == "chapter" and entry["fields"].get("display_name") == title
    )


def test_the_owner_sets_the_rules_and_it_is_audited(app, factory, client, auth):
    world = rules_course(factory, enabled=False, requirements={})
    code = world.course.code
    auth.login(world.author)
    page = client.get(f"/studio/courses/{code}/")
    assert f'href="/studio/courses/{code}/certificate"' in page.get_data(as_text=True)
    form = client.get(f"/studio/courses/{code}/certificate").get_data(as_text=True)
    assert "Safety" in form and "Wiring" in form and "An admin approves each certificate" in form
    safety = _module_key(world, "Safety")
    response = client.post(
        f"/studio/courses/{code}/certificate",
        data={
            "enabled": "y",
            "requirements": ["modules", "post_test"],
            "only_modules": [safety],
            "needs_approval": "y",
            "valid_for_days": "730",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    settings = db.session.get(CertificateSettings, world.course.id)
    assert settings.enabled and settings.needs_approval and settings.valid_for_days == 730
    assert settings.requirements == {"modules": {"only": [safety]}, "post_test": {}}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.settings"))
    assert event.object_id == code and event.actor_id == world.author.id
    again = client.get(f"/studio/courses/{code}/certificate").get_data(as_text=True)
    assert 'value="730"' in again


def test_empty_validity_means_no_expiry_and_nothing_chosen_is_refused(app, factory, client, auth):
    world = rules_course(factory, enabled=False, requirements={})
    code = world.course.code
    auth.login(world.author)
    refused = client.post(f"/studio/courses/{code}/certificate", data={"enabled": "y"})
    assert refused.status_code == 400 and "Choose at least one requirement." in refused.get_data(as_text=True)
    bad = client.post(
        f"/studio/courses/{code}/certificate",
        data={"enabled": "y", "requirements": ["modules", "teleport"], "valid_for_days": "-3"},
    )
    assert bad.status_code == 400
    db.session.expire_all()
    assert not db.session.get(CertificateSettings, world.course.id).enabled
    ok = client.post(
        f"/studio/courses/{code}/certificate",
        data={"enabled": "y", "requirements": ["post_test"], "valid_for_days": ""},
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(CertificateSettings, world.course.id).valid_for_days is None


def test_a_co_author_may_and_others_may_not(app, factory, client, auth):
    world = rules_course(factory, enabled=False, requirements={})
    code = world.course.code
    co_author = factory.user("author")
    add_co_author(world.course, co_author)
    db.session.commit()
    auth.login(co_author)
    saved = client.post(f"/studio/courses/{code}/certificate", data={"enabled": "y", "requirements": ["post_test"]})
    assert saved.status_code == 302
    auth.logout()
    db.session.expire_all()
    db.session.get(CertificateSettings, world.course.id).enabled = False
    db.session.commit()
    stranger_author, learner = factory.user("author"), factory.user()
    for outsider in (stranger_author, learner):
        auth.login(outsider)
        assert client.get(f"/studio/courses/{code}/certificate").status_code == 403
        assert (
            client.post(
                f"/studio/courses/{code}/certificate", data={"enabled": "y", "requirements": ["post_test"]}
            ).status_code
            == 403
        )
        auth.logout()
    db.session.expire_all()
    assert not db.session.get(CertificateSettings, world.course.id).enabled
    anonymous = client.get(f"/studio/courses/{code}/certificate")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    auth.login(world.author)
    assert client.get("/studio/courses/NO-SUCH/certificate").status_code == 404
