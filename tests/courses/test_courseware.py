"""Learner courseware: my courses, outline with progress, unit pages, navigation, resume, completion, gates."""

from __future__ import annotations

from sqlalchemy import select

from courses import gating
from courses.models import BlockCompletion, Completion, CoursePosition
from lms.db import db
from tests.courses.helpers import build_course, handler_url

LAYOUT = {
    "Safety first": {"Isolation": [["html"], ["html", "thumbs"]]},
    "Teaching practice": {"Lesson plans": [["html"]]},
}


def enrolled(factory, built):
    learner = factory.user("learner", name="Diane Learner")
    factory.cohort(course=built.course, learners=[learner])
    return learner


def test_learner_sees_only_enrolled_published_courses(client, auth, factory):
    built = build_course(factory, LAYOUT, code="TOT-A")
    other = build_course(factory, LAYOUT, code="TOT-B")
    learner = enrolled(factory, built)
    auth.login(learner)
    page = client.get("/learn/").get_data(as_text=True)
    assert built.course.title in page and other.course.title not in page
    assert client.get("/learn/TOT-B/").status_code == 403
    dashboard = client.get("/").get_data(as_text=True)
    assert built.course.title in dashboard  # the "My courses" panel


def test_unpublished_course_is_not_shown(client, auth, factory):
    built = build_course(factory, LAYOUT, code="DRAFT-1", publish_it=False)
    learner = enrolled(factory, built)
    auth.login(learner)
    assert client.get("/learn/DRAFT-1/").status_code == 404
    assert built.course.title not in client.get("/learn/").get_data(as_text=True)


def test_outline_unit_navigation_and_completion_on_view(client, auth, factory):
    built = build_course(factory, LAYOUT, code="TOT-NAV")
    learner = enrolled(factory, built)
    auth.login(learner)
    outline = client.get("/learn/TOT-NAV/").get_data(as_text=True)
    assert "Safety first" in outline and "Teaching practice" in outline and "0% complete" in outline

    first, second, third = built.units
    page = client.get(f"/learn/TOT-NAV/unit/{first}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/learn/TOT-NAV/unit/{second}" in html  # next
    assert 'rel="prev"' not in html
    # Seeing the first unit completes its html block and the unit itself.
    done = dict(
        db.session.execute(
            select(BlockCompletion.usage_key, BlockCompletion.completion).where(BlockCompletion.user_id == learner.id)
        ).all()
    )
    assert done[built.components[first][0]] == 1.0
    facts = db.session.execute(select(Completion.kind, Completion.usage_key, Completion.version_id)).all()
    assert facts == [("unit", first, built.course.published_version_id)]  # the unit, once, with its version

    # The second unit holds thumbs, which needs no interaction to count (not completable by view? it is):
    html = client.get(f"/learn/TOT-NAV/unit/{second}").get_data(as_text=True)
    assert f"/learn/TOT-NAV/unit/{first}" in html and f"/learn/TOT-NAV/unit/{third}" in html

    outline = client.get("/learn/TOT-NAV/").get_data(as_text=True)
    assert "Continue: Isolation unit 2" in outline  # resume at the last unit seen
    position = db.session.scalar(select(CoursePosition.unit_key).where(CoursePosition.user_id == learner.id))
    assert position == second
    resume = client.get("/learn/TOT-NAV/resume")
    assert resume.status_code == 302 and resume.headers["Location"].endswith(f"/learn/TOT-NAV/unit/{second}")


def test_repeat_visit_writes_nothing(client, auth, factory, count_queries):
    built = build_course(factory, LAYOUT, code="TOT-RPT")
    learner = enrolled(factory, built)
    auth.login(learner)
    unit = built.units[0]
    client.get(f"/learn/TOT-RPT/unit/{unit}")
    with count_queries() as counter:
        client.get(f"/learn/TOT-RPT/unit/{unit}")
    writes = [s for s in counter.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_unit_page_queries_do_not_grow_with_components(client, auth, factory, count_queries):
    small = build_course(factory, {"M": {"L": [["html", "thumbs"]]}}, code="Q-SMALL")
    large = build_course(factory, {"M": {"L": [["html", "thumbs"] * 5]}}, code="Q-LARGE")
    learner = factory.user("learner")
    factory.cohort(course=small.course, learners=[learner])
    factory.cohort(course=large.course, learners=[learner])
    auth.login(learner)
    counts = []
    for built in (small, large):
        url = f"/learn/{built.course.code}/unit/{built.units[0]}"
        client.get(url)  # first visit: records completion and position
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
        # The page reads the course as one row, not the ORM object with all its texts.
        assert not any("course.description" in statement for statement in counter.statements)
    assert len(large.components[large.units[0]]) == 10
    assert counts[0] == counts[1], counts


def test_thumbs_vote_persists_across_reload(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["thumbs"]]}}, code="TOT-THB")
    learner = enrolled(factory, built)
    auth.login(learner)
    unit = built.units[0]
    thumbs = built.components[unit][0]
    html = client.get(f"/learn/TOT-THB/unit/{unit}").get_data(as_text=True)
    response = client.post(handler_url(html, thumbs, "vote"), json={"voteType": "up"})
    assert response.get_json() == {"up": 1, "down": 0}
    again = client.get(f"/learn/TOT-THB/unit/{unit}").get_data(as_text=True)
    assert "<span class='upvote'><span class='count'>1</span>" in again
    assert "<span class='downvote'><span class='count'>0</span>" in again


def test_module_gate_locks_units(client, auth, factory):
    built = build_course(factory, LAYOUT, code="TOT-GATE")
    learner = enrolled(factory, built)

    def pre_test_gate(user, course):
        return lambda module: "Take the pre-test first." if module.title == "Teaching practice" else None

    gating.register_gate("test-pre-test", pre_test_gate)
    try:
        auth.login(learner)
        outline = client.get("/learn/TOT-GATE/").get_data(as_text=True)
        assert "Take the pre-test first." in outline
        locked_unit = built.units[2]
        assert f"/learn/TOT-GATE/unit/{locked_unit}" not in outline
        response = client.get(f"/learn/TOT-GATE/unit/{locked_unit}")
        assert response.status_code == 403 and "Take the pre-test first." in response.get_data(as_text=True)
        assert client.get(f"/learn/TOT-GATE/unit/{built.units[0]}").status_code == 200
        # Authors are never locked out of what they build.
        auth.logout()
        auth.login(built.author)
        assert client.get(f"/learn/TOT-GATE/unit/{locked_unit}").status_code == 200
    finally:
        gating.unregister_gate("test-pre-test")


def test_completing_every_unit_completes_the_course(client, auth, factory, app):
    from lms import signals

    built = build_course(factory, {"M": {"L": [["html"], ["html"]]}}, code="TOT-END")
    learner = enrolled(factory, built)
    received = []

    def listener(course_id, user_id, version_id, completed_at):
        received.append((course_id, user_id, version_id))

    signals.course_completed.connect(listener)
    try:
        auth.login(learner)
        for unit in built.units:
            client.get(f"/learn/TOT-END/unit/{unit}")
        outline = client.get("/learn/TOT-END/").get_data(as_text=True)
        assert "100% complete" in outline and "Course completed" in outline
        assert received == [(built.course.id, learner.id, built.course.published_version_id)]
    finally:
        signals.course_completed.disconnect(listener)


def test_a_handler_call_costs_a_handful_of_queries_and_no_orm_course(client, auth, factory, count_queries):
    built = build_course(factory, {"M": {"L": [["thumbs"]]}}, code="TOT-HQ")
    learner = enrolled(factory, built)
    auth.login(learner)
    unit = built.units[0]
    html = client.get(f"/learn/TOT-HQ/unit/{unit}").get_data(as_text=True)
    url = handler_url(html, built.components[unit][0], "vote")
    client.post(url, json={"voteType": "up"})
    with count_queries() as counter:
        assert client.post(url, json={"voteType": "down"}).get_json() == {"up": 1, "down": 1}
    # A ceiling, not a recipe: the user, the course row, the enrolment, the block's state, the upsert (and
    # on PostgreSQL the advisory lock that serialises changes to shared state). The ORM course (all its
    # texts) is not loaded.
    assert counter.count <= 6, counter.statements
    assert not any("course.description" in statement for statement in counter.statements)
