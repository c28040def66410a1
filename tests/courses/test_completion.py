"""Completion as a fact: units, modules and courses completed once each, with the date and the published
version, announced once after the commit; a receiver that fails undoes nothing (defects 3 and 9)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courses import progress
from courses.models import BlockCompletion, Completion
from courses.structure import published_structure
from lms import signals
from lms.db import db, unit_of_work
from tests.courses.helpers import build_course

LAYOUT = {"Safety": {"Isolation": [["html"], ["html"]]}, "Practice": {"Plans": [["html"]]}}


@pytest.fixture
def heard():
    """What the completion signals announced, as (signal, course id, kwargs)."""
    heard: list = []
    receivers = {}
    for signal in (signals.unit_completed, signals.module_completed, signals.course_completed):

        def receiver(sender, signal=signal, **kwargs):  # noqa: ANN001
            heard.append((signal.name, sender, kwargs))

        receivers[signal] = receiver
        signal.connect(receiver)
    yield heard
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


def _learner(factory, built):
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return learner


def test_units_modules_and_the_course_are_recorded_once_with_date_and_version(client, auth, factory, heard):
    built = build_course(factory, LAYOUT, code="DONE-FACTS")
    learner = _learner(factory, built)
    version_id = built.course.published_version_id
    auth.login(learner)
    for unit in built.units:
        assert client.get(f"/learn/DONE-FACTS/unit/{unit}").status_code == 200
    for unit in built.units:  # seen again: nothing is recorded or announced twice
        client.get(f"/learn/DONE-FACTS/unit/{unit}")
    facts = db.session.execute(select(Completion.kind, Completion.usage_key, Completion.version_id)).all()
    structure = published_structure(built.course)
    expected = (
        [("unit", unit, version_id) for unit in built.units]
        + [("module", module.key, version_id) for module in structure.modules]
        + [("course", built.course.root_key, version_id)]
    )
    assert sorted(facts) == sorted(expected)
    assert [name for name, _course, _kw in heard] == [
        "unit-completed", "unit-completed", "module-completed", "unit-completed", "module-completed",
        "course-completed",
    ]  # fmt: skip
    course_heard = heard[-1]
    assert course_heard[1] == built.course.id and course_heard[2]["user_id"] == learner.id
    assert course_heard[2]["version_id"] == version_id
    recorded = db.session.scalar(select(Completion.completed_at).where(Completion.kind == "course"))
    assert course_heard[2]["completed_at"] == recorded


def test_a_failing_receiver_neither_breaks_the_page_nor_undoes_the_completion(client, auth, factory, heard):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="DONE-FAIL")
    learner = _learner(factory, built)

    def broken_receiver(sender, **kwargs):  # noqa: ANN001
        raise RuntimeError("a certificate service bug")

    signals.course_completed.connect(broken_receiver)
    try:
        auth.login(learner)
        assert client.get(f"/learn/DONE-FAIL/unit/{built.units[0]}").status_code == 200
    finally:
        signals.course_completed.disconnect(broken_receiver)
    assert db.session.scalar(select(Completion.kind).where(Completion.kind == "course")) == "course"
    assert "course-completed" in [name for name, _c, _k in heard]  # the other receivers still ran
    assert "Course completed" in client.get("/learn/DONE-FAIL/").get_data(as_text=True)


def test_a_completion_keeps_the_date_it_last_grew(app, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="DONE-DATE")
    learner = _learner(factory, built)
    leaf = built.components[built.units[0]][0]
    progress._record(learner.id, built.course.id, {leaf: 0.5})
    long_ago = progress.utcnow() - timedelta(days=3)
    db.session.execute(update(BlockCompletion).values(updated_at=long_ago))
    progress._record(learner.id, built.course.id, {leaf: 0.5})  # the same value again
    progress._record(learner.id, built.course.id, {leaf: 0.2})  # lower: completion only grows
    row = db.session.execute(select(BlockCompletion.completion, BlockCompletion.updated_at)).one()
    assert row == (0.5, long_ago)
    progress._record(learner.id, built.course.id, {leaf: 1.0})
    row = db.session.execute(select(BlockCompletion.completion, BlockCompletion.updated_at)).one()
    assert row[0] == 1.0 and row[1] > long_ago


def test_two_requests_completing_the_course_at_once_announce_it_once(app, factory, heard, monkeypatch):
    """On PostgreSQL both see the course complete; the unique key lets one insert win. (SQLite runs one
    writer at a time, so the second sees the first's fact: nothing races there.)"""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL runs writers side by side")
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="DONE-RACE")
    learner = _learner(factory, built)
    course_id, unit_key, learner_id = built.course.id, built.units[0], learner.id  # plain values for the threads
    leaf = built.components[unit_key][0]
    module_key = published_structure(built.course).module_of(unit_key).key
    for kind, key in (("unit", unit_key), ("module", module_key)):  # known already: only the course is new
        db.session.add(Completion(user_id=learner_id, course_id=course_id, kind=kind, usage_key=key))
    db.session.commit()
    barrier = threading.Barrier(2, timeout=10)
    original = progress._record_fact

    def record_together(*args, **kwargs):  # noqa: ANN002, ANN003
        if args[2] == "course":
            barrier.wait()  # both have read the known facts and seen none
        return original(*args, **kwargs)

    monkeypatch.setattr(progress, "_record_fact", record_together)
    errors: list = []

    def complete() -> None:
        try:
            with app.app_context(), unit_of_work():
                from courses.models import Course

                course = db.session.get(Course, course_id)
                structure = published_structure(course)
                unit = structure.unit_by_key[unit_key]
                progress._roll_up(learner_id, course, structure, unit, {leaf: 1.0})
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert [name for name, _c, _k in heard].count("course-completed") == 1
    assert len(db.session.scalars(select(Completion).where(Completion.kind == "course")).all()) == 1


def test_other_packages_read_completion_and_grades_through_courses_queries(client, auth, factory):
    from courses import queries
    from lms.cohorts.services import withdraw

    built = build_course(factory, LAYOUT, code="DONE-SEAM")
    finisher, quitter, starter = (factory.user("learner") for _ in range(3))
    cohort = factory.cohort(course=built.course, learners=[finisher, quitter, starter])
    for learner, units in ((finisher, built.units), (quitter, built.units), (starter, built.units[:1])):
        auth.login(learner)
        for unit in units:
            client.get(f"/learn/DONE-SEAM/unit/{unit}")
        auth.logout()
    from lms.cohorts.models import Enrollment

    withdraw(db.session.scalars(select(Enrollment).where(Enrollment.user_id == quitter.id)).one())
    db.session.commit()

    done = queries.completion(finisher.id, built.course.id)
    assert done.complete and done.version_id == built.course.published_version_id
    assert set(done.modules) == {m.key for m in published_structure(built.course).modules}
    assert all(at <= done.completed_at for at in done.modules.values())
    partial = queries.completion(starter.id, built.course.id)
    assert not partial.complete and partial.modules == {}
    assert [c.user_id for c in queries.completed_learners(cohort.id)] == [finisher.id]  # not the withdrawn one
    assert queries.grade(finisher.id, built.course.id).percent is None  # no graded block in this course


def test_facts_about_people_and_courses_are_announced_after_the_commit_with_plain_values(app, factory):
    from courses.versions import publish
    from lms.cohorts.services import enroll, withdraw

    heard: list = []

    def receiver(sender, **kwargs):  # noqa: ANN001
        heard.append((sender, kwargs))

    facts = (signals.user_registered, signals.enrolled, signals.unenrolled, signals.course_published)
    for signal in facts:
        signal.connect(receiver)
    try:
        built = build_course(factory, {"M": {"L": [["html"]]}}, code="DONE-ANNOUNCE", publish_it=False)
        learner = factory.user("learner")
        cohort = factory.cohort(course=built.course)
        heard.clear()
        enrollment, _new = enroll(cohort, learner)
        version = publish(built.course, built.author)
        withdraw(enrollment)
        assert heard == []  # nothing before the commit …
        db.session.rollback()
        assert heard == []  # … nor after a rollback
        enrollment, _new = enroll(cohort, learner)
        version = publish(built.course, built.author)
        db.session.commit()
    finally:
        for signal in facts:
            signal.disconnect(receiver)
    assert heard == [
        (enrollment.id, {"user_id": learner.id, "cohort_id": cohort.id}),
        (built.course.id, {"version_id": version.id, "number": version.number}),
    ]
