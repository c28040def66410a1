"""Completion rules: each built-in requirement met and unmet with the sentence the learner reads, the course's
settings deciding what counts, the registry other packages add to, and the outline's panel."""

from __future__ import annotations

import pytest

from certificates import rules, services
from certificates.models import CertificateSettings
from lms.db import db
from tests.certificates.rules_world import complete_module, rules_course, sign_off_checklist, take_post_test


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _whys(evaluation) -> dict[str, str]:
    return {requirement.name: verdict.why for requirement, verdict in evaluation.items if not verdict.met}


def test_modules_name_what_is_left_and_are_met_once_all_are_complete(ctx, factory):
    world = rules_course(factory, requirements={"modules": {}})
    learner = factory.user()
    assert _whys(rules.evaluate(learner.id, world.course.id)) == {
        "modules": "3 of 3 modules still to complete: Safety, Wiring, Post-test"
    }
    complete_module(world, learner.id, "Safety")
    complete_module(world, learner.id, "Post-test")
    evaluation = rules.evaluate(learner.id, world.course.id)
    assert _whys(evaluation) == {"modules": "1 of 3 modules still to complete: Wiring"}
    assert not evaluation.eligible
    complete_module(world, learner.id, "Wiring")
    evaluation = rules.evaluate(learner.id, world.course.id)
    assert evaluation.eligible and evaluation.items[0][1].met


def test_modules_can_be_narrowed_to_some(ctx, factory):
    world = rules_course(factory)
    structure_keys = dict(rules.module_choices(world.course))
    safety = next(key for key, title in structure_keys.items() if title == "Safety")
    db.session.get(CertificateSettings, world.course.id).requirements = {"modules": {"only": [safety]}}
    db.session.commit()
    learner = factory.user()
    assert _whys(rules.evaluate(learner.id, world.course.id)) == {"modules": "1 of 1 modules still to complete: Safety"}
    complete_module(world, learner.id, "Safety")
    assert rules.evaluate(learner.id, world.course.id).eligible


def test_the_post_test_says_the_pass_mark_and_the_best_score(ctx, factory):
    world = rules_course(factory, requirements={"post_test": {}})
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    assert _whys(rules.evaluate(learner.id, world.course.id)) == {
        "post_test": "Post-test not taken yet (pass mark 70%)."
    }
    take_post_test(world, learner.id, right=2)
    assert _whys(rules.evaluate(learner.id, world.course.id)) == {
        "post_test": "Post-test not passed yet (pass mark 70%, your best 50%)."
    }
    take_post_test(world, learner.id, right=3)
    evaluation = rules.evaluate(learner.id, world.course.id)
    assert evaluation.eligible
    assert evaluation.items[0][1].why == "Post-test passed (75%)."


def test_checklists_need_a_competent_sign_off(ctx, factory):
    world = rules_course(factory, requirements={"checklists": {}}, checklist=True)
    learner = factory.user()
    assert _whys(rules.evaluate(learner.id, world.course.id)) == {
        "checklists": "1 skill checklist not yet signed off as competent: IV cannulation"
    }
    sign_off_checklist(world, learner.id)
    assert rules.evaluate(learner.id, world.course.id).eligible


def test_a_course_without_settings_or_switched_off_gives_no_certificate(ctx, factory):
    world = rules_course(factory, enabled=False)
    learner = factory.user()
    assert rules.evaluate(learner.id, world.course.id) == rules.Evaluation(False, False, [])
    other = factory.course()
    assert rules.evaluate(learner.id, other.id) == rules.Evaluation(False, False, [])


def test_enabled_with_no_requirement_is_never_eligible(ctx, factory):
    world = rules_course(factory, requirements={})
    assert not rules.evaluate(factory.user().id, world.course.id).eligible


def test_another_package_adds_a_requirement_and_an_unknown_one_is_unmet(ctx, factory, monkeypatch):
    monkeypatch.setattr(rules, "_registry", dict(rules._registry))
    rules.register_requirement(
        rules.Requirement(
            "attendance", "Minimum attendance", lambda u, c, o: rules.Verdict(False, f"{o['min']}% needed")
        )
    )
    world = rules_course(factory, requirements={"attendance": {"min": 80}, "gone": {}})
    whys = _whys(rules.evaluate(factory.user().id, world.course.id))
    assert whys["attendance"] == "80% needed"
    assert "cannot be checked" in whys["gone"]


def test_the_evaluation_takes_few_queries(ctx, factory, count_queries):
    world = rules_course(factory, requirements={"modules": {}, "post_test": {}, "checklists": {}}, checklist=True)
    learner = factory.user()
    rules.evaluate(learner.id, world.course.id)  # warms the process caches (structure, snapshot)
    db.session.expire_all()
    with count_queries() as counter:
        rules.evaluate(learner.id, world.course.id)
    assert counter.count <= 8, counter.statements


def test_the_outline_says_what_is_missing_then_links_the_certificate(app, factory, client, auth):
    world = rules_course(factory)
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    auth.login(learner)
    page = client.get(f"/learn/{world.course.code}/").get_data(as_text=True)
    assert "What the certificate still needs" in page
    assert "3 of 3 modules still to complete: Safety, Wiring, Post-test" in page
    assert "Post-test not taken yet (pass mark 70%)." in page
    with app.test_request_context():
        certificate = services.issue(learner.id, world.course.id)
        db.session.commit()
        code = certificate.code
    page = client.get(f"/learn/{world.course.code}/").get_data(as_text=True)
    assert "Certificate earned" in page and f'href="/certificates/{code}"' in page
    assert "still needs" not in page


def test_the_outline_has_no_certificate_panel_when_the_course_gives_none(app, factory, client, auth):
    world = rules_course(factory, enabled=False)
    learner = factory.user()
    factory.cohort(course=world.course, learners=[learner])
    auth.login(learner)
    page = client.get(f"/learn/{world.course.code}/")
    assert page.status_code == 200
    assert "panel-certificate" not in page.get_data(as_text=True)
