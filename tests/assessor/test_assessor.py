"""The assessor's workspace: who may assess whom, sign-off and logbook verification through the blocks'
handlers, must-pass rules, events and completion, and the cohort overview's query count."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from courses.context import runtime_for
from courses.models import BlockCompletion, BlockGrade
from lms.db import db
from lms.xblock_host.models import XBlockEvent
from tests.blocks.helpers import block_html, handler_url, hospital_course, user_state

ALL_MET = {"hygiene": "met", "consent": "met", "asepsis": "met"}


@pytest.fixture
def setup(factory):
    """A hospital course with two cohorts: Huye (learner Aline, instructor Jean) and Kigali (instructor Marie)."""
    built = hospital_course(factory)
    built.learner = factory.user("learner", name="Aline Learner")
    built.other_learner = factory.user("learner", name="Bosco Learner")
    built.instructor = factory.user("assessor", name="Jean Instructor")
    built.outsider = factory.user("assessor", name="Marie Outsider")
    built.cohort = factory.cohort(
        course=built.course,
        learners=[built.learner, built.other_learner],
        instructors=[built.instructor],
        name="Huye A",
    )
    built.other_cohort = factory.cohort(
        course=built.course, institution="iprc-kigali", learners=[], instructors=[built.outsider], name="Kigali B"
    )
    return built


def page_url(built, block_key, learner=None) -> str:
    learner = learner or built.learner
    return f"/assess/cohort/{built.cohort.id}/learner/{learner.id}/{block_key}"


def assessor_page(client, built, block_key, learner=None) -> str:
    response = client.get(page_url(built, block_key, learner))
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    return response.get_data(as_text=True)


def events(user_id, usage_key):
    rows = db.session.execute(
        select(XBlockEvent.event_type, XBlockEvent.data)
        .where(XBlockEvent.user_id == user_id, XBlockEvent.usage_key == usage_key)
        .order_by(XBlockEvent.id)
    )
    return [(kind, data) for kind, data in rows]


# -- listing -----------------------------------------------------------------------------------------------
def test_index_lists_the_cohorts_each_user_assesses(client, auth, factory, setup):
    auth.login(setup.instructor)
    page = client.get("/assess/").get_data(as_text=True)
    assert "Huye A" in page and "Kigali B" not in page
    assert 'href="/assess/"' in client.get("/").get_data(as_text=True)  # menu item
    auth.logout()
    admin = factory.user("admin")
    auth.login(admin)
    page = client.get("/assess/").get_data(as_text=True)
    assert "Huye A" in page and "Kigali B" in page
    cohort_page = client.get(f"/cohorts/{setup.cohort.id}").get_data(as_text=True)
    assert f'href="/assess/cohort/{setup.cohort.id}"' in cohort_page  # cohort link
    auth.logout()
    auth.login(setup.learner)
    page = client.get("/assess/").get_data(as_text=True)
    assert "Huye A" not in page and "You do not instruct any cohort yet" in page
    assert 'href="/assess/"' not in client.get("/").get_data(as_text=True)


def test_cohort_overview_shows_each_learners_status(client, auth, setup):
    auth.login(setup.instructor)
    page = client.get(f"/assess/cohort/{setup.cohort.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Aline Learner" in html and "Bosco Learner" in html
    assert "Insert a peripheral IV cannula" in html and "Urinary catheterisation" in html
    assert html.count("Not signed off") == 2 and html.count("0 of 2 verified") == 2
    assert page_url(setup, setup.checklist) in html and page_url(setup, setup.logbook) in html
    # After a sign-off and an entry, the overview says so.
    signoff = handler_url(assessor_page(client, setup, setup.checklist), setup.checklist, "sign_off")
    assert client.post(signoff, json={"results": ALL_MET, "level": 4}).status_code == 200
    html = client.get(f"/assess/cohort/{setup.cohort.id}").get_data(as_text=True)
    assert "Signed off" in html and "level 4" in html and html.count("Not signed off") == 1


def test_outsiders_and_learners_cannot_open_the_cohort(client, auth, setup):
    for user in (setup.outsider, setup.learner):
        auth.login(user)
        assert client.get(f"/assess/cohort/{setup.cohort.id}").status_code == 403
        assert client.get(page_url(setup, setup.checklist)).status_code == 403
        auth.logout()
    assert client.get(f"/assess/cohort/{setup.cohort.id}").status_code in (302, 401)


def test_cohort_overview_reads_all_learners_state_at_once(client, auth, factory, setup, count_queries):
    auth.login(setup.instructor)
    client.get(f"/assess/cohort/{setup.cohort.id}")  # warm the per-process snapshot caches
    with count_queries() as few:
        assert client.get(f"/assess/cohort/{setup.cohort.id}").status_code == 200
    from lms.cohorts.services import enroll

    for n in range(6):
        enroll(setup.cohort, factory.user("learner", name=f"Extra {n}"))
    db.session.commit()
    with count_queries() as many:
        html = client.get(f"/assess/cohort/{setup.cohort.id}").get_data(as_text=True)
    assert "Extra 5" in html
    assert many.count == few.count, many.statements


# -- skill checklist sign-off ---------------------------------------------------------------------------------
def test_cohort_instructor_signs_off_and_completion_is_recorded(client, auth, setup):
    learner = setup.learner
    auth.login(learner)  # the learner rates themself first
    unit = client.get(f"/learn/{setup.course.code}/unit/{setup.unit}").get_data(as_text=True)
    client.post(handler_url(unit, setup.checklist, "self_assess"), json={"steps": {"hygiene": "confident"}})
    auth.logout()

    auth.login(setup.instructor)
    page = assessor_page(client, setup, setup.checklist)
    html = block_html(page, setup.checklist)
    assert "Entrustment level" in html and "May supervise others" in html and "Observe only" in html
    assert "Learner&#39;s self-assessment: Confident" in html or "Learner's self-assessment: Confident" in html
    assert "You are assessing Aline Learner" in page
    url = handler_url(page, setup.checklist, "sign_off")
    assert f"/handler/{learner.id}/" in url  # the learner's state, with a token issued to the instructor
    response = client.post(url, json={"results": ALL_MET, "level": 4, "comment": "Confident and aseptic."})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["competent"] is True

    state = user_state(setup.checklist, learner.id)
    signoff = state["signoff"]
    assert signoff["signed_off_by"] == "Jean Instructor" and signoff["signed_off_by_id"] == setup.instructor.id
    assert signoff["level"] == 4 and signoff["competent"] is True and signoff["comment"] == "Confident and aseptic."
    assert signoff["steps"]["consent"] == {"observed": True, "met": True}
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", signoff["at"])
    assert state["self_assessment"] == {"hygiene": "confident"}  # untouched by the assessor
    assert events(learner.id, setup.checklist) == [
        ("grade", {"value": 1, "max_value": 1}),
        ("completion", {"completion": 1.0}),
    ]
    assert user_state(setup.checklist, setup.instructor.id) == {}  # nothing written to the assessor's own state
    grade = db.session.scalar(select(BlockGrade).where(BlockGrade.user_id == learner.id))
    assert (grade.usage_key, grade.earned, grade.possible) == (setup.checklist, 1.0, 1.0)
    done = db.session.scalar(
        select(BlockCompletion.completion).where(
            BlockCompletion.user_id == learner.id, BlockCompletion.usage_key == setup.checklist
        )
    )
    assert done == 1.0

    auth.logout()
    auth.login(learner)  # the learner sees the sign-off
    unit = client.get(f"/learn/{setup.course.code}/unit/{setup.unit}").get_data(as_text=True)
    html = block_html(unit, setup.checklist)
    assert "Entrustment level 4: Perform independently" in html and "Jean Instructor" in html
    assert "Confident and aseptic." in html and "Assessor: Met" in html


def test_must_pass_steps_block_a_competent_sign_off(client, auth, setup):
    auth.login(setup.instructor)
    url = handler_url(assessor_page(client, setup, setup.checklist), setup.checklist, "sign_off")
    results = {"hygiene": "met", "consent": "met", "asepsis": "observed"}
    response = client.post(url, json={"results": results, "level": 4})
    assert response.status_code == 400
    assert "must-pass" in response.get_json()["error"] and "Keeps the site aseptic" in response.get_json()["error"]
    assert "Performs hand hygiene" not in response.get_json()["error"]
    assert "signoff" not in user_state(setup.checklist, setup.learner.id)
    assert events(setup.learner.id, setup.checklist) == []
    # Below the competent level, the same results are recorded as "not yet competent", without completion.
    response = client.post(url, json={"results": results, "level": 2, "comment": "Practise asepsis."})
    assert response.status_code == 200 and response.get_json()["competent"] is False
    assert user_state(setup.checklist, setup.learner.id)["signoff"]["competent"] is False
    assert events(setup.learner.id, setup.checklist) == []
    # A later competent sign-off keeps the earlier one in the history.
    assert client.post(url, json={"results": ALL_MET, "level": 5}).status_code == 200
    state = user_state(setup.checklist, setup.learner.id)
    assert state["signoff"]["level"] == 5 and [h["level"] for h in state["signoff_history"]] == [2]
    for bad in ({"results": ALL_MET, "level": 6}, {"results": ALL_MET}, {"results": {"x": "met"}, "level": 3}):
        assert client.post(url, json=bad).status_code == 400


def test_a_later_not_yet_competent_sign_off_withdraws_the_competent_grade(client, auth, setup):
    """The latest sign-off counts: the grade falls to 0/1 and the certificate's checklist requirement is unmet
    again; the completion stays, and a competent sign-off after that restores the grade."""
    from certificates.rules import check_checklists

    learner, course = setup.learner, setup.course

    def grade():
        db.session.expire_all()
        row = db.session.scalar(select(BlockGrade).where(BlockGrade.user_id == learner.id))
        return (row.earned, row.possible) if row else None

    auth.login(setup.instructor)
    url = handler_url(assessor_page(client, setup, setup.checklist), setup.checklist, "sign_off")
    assert client.post(url, json={"results": ALL_MET, "level": 4}).status_code == 200
    assert grade() == (1.0, 1.0) and check_checklists(learner.id, course.id, {}).met
    response = client.post(url, json={"results": ALL_MET, "level": 2, "comment": "Unsafe on the ward today."})
    assert response.status_code == 200 and response.get_json()["competent"] is False
    assert "no longer counts" in response.get_json()["message"]
    assert grade() == (0.0, 1.0)
    verdict = check_checklists(learner.id, course.id, {})
    assert not verdict.met and "not yet signed off as competent" in verdict.why
    assert events(learner.id, setup.checklist)[-1] == ("grade", {"value": 0, "max_value": 1})
    done = db.session.scalar(
        select(BlockCompletion.completion).where(
            BlockCompletion.user_id == learner.id, BlockCompletion.usage_key == setup.checklist
        )
    )
    assert done == 1.0
    # A second "not yet" publishes nothing more; a competent one restores the grade.
    count = len(events(learner.id, setup.checklist))
    assert client.post(url, json={"results": ALL_MET, "level": 1}).status_code == 200
    assert len(events(learner.id, setup.checklist)) == count
    assert client.post(url, json={"results": ALL_MET, "level": 5}).status_code == 200
    assert grade() == (1.0, 1.0) and check_checklists(learner.id, course.id, {}).met


@pytest.mark.parametrize(
    "body",
    [
        '{"results": {"hygiene": ["met"], "consent": "met", "asepsis": "met"}, "level": 4}',
        '{"results": {"hygiene": {"met": true}, "consent": "met", "asepsis": "met"}, "level": 4}',
        '{"results": {"hygiene": "met", "consent": "met", "asepsis": "met"}, "level": 1e999}',
        '{"results": {"hygiene": "met", "consent": "met", "asepsis": "met"}, "level": [4]}',
    ],
    ids=["list-result", "object-result", "infinite-level", "list-level"],
)
def test_a_malformed_sign_off_is_a_400_and_records_nothing(client, auth, setup, body):
    auth.login(setup.instructor)
    url = handler_url(assessor_page(client, setup, setup.checklist), setup.checklist, "sign_off")
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400 and response.get_json()["field"] in ("result-hygiene", "level")
    assert "signoff" not in user_state(setup.checklist, setup.learner.id)
    assert events(setup.learner.id, setup.checklist) == []


def test_sign_off_from_a_plain_form_without_javascript(client, auth, setup):
    auth.login(setup.instructor)
    page = assessor_page(client, setup, setup.checklist)
    action = re.search(r'<form method="post" action="([^"]+)" data-handler="sign_off"', page).group(1)
    referer = "http://localhost" + page_url(setup, setup.checklist)
    data = {"result-hygiene": "met", "result-consent": "observed", "result-asepsis": "met", "level": "3"}
    response = client.post(action.replace("&amp;", "&"), data=data, headers={"Referer": referer})
    assert response.status_code == 303 and response.headers["Location"].startswith(referer + "#tot-")
    assert user_state(setup.checklist, setup.learner.id)["signoff"]["level"] == 3


def test_assessor_of_another_cohort_gets_403_on_page_and_handler(client, auth, app, setup):
    auth.login(setup.outsider)  # instructs a cohort of the same course, not the learner's
    assert client.get(page_url(setup, setup.checklist)).status_code == 403
    with app.test_request_context():
        from flask_login import login_user

        login_user(setup.outsider)
        runtime = runtime_for(setup.course, setup.outsider, "published", state_user_id=setup.learner.id)
        url = runtime.handler_url(runtime.get_block(setup.checklist), "sign_off")
    response = client.post(url, json={"results": ALL_MET, "level": 5})
    assert response.status_code == 403
    assert "signoff" not in user_state(setup.checklist, setup.learner.id)
    assert events(setup.learner.id, setup.checklist) == []


def test_learner_cannot_use_the_assessor_page_or_another_learners_link(client, auth, setup):
    auth.login(setup.instructor)
    url = handler_url(assessor_page(client, setup, setup.checklist), setup.checklist, "sign_off")
    auth.logout()
    auth.login(setup.learner)  # a link issued to the instructor is useless to the learner
    assert client.post(url, json={"results": ALL_MET, "level": 5}).status_code == 403
    assert client.get(page_url(setup, setup.checklist)).status_code == 403
    assert "signoff" not in user_state(setup.checklist, setup.learner.id)


def test_learner_not_in_the_cohort_or_unknown_block_is_404(client, auth, factory, setup):
    stranger = factory.user("learner")
    auth.login(setup.instructor)
    assert client.get(page_url(setup, setup.checklist, learner=stranger)).status_code == 404
    assert client.get(page_url(setup, setup.video)).status_code == 404  # not an assessed block
    assert client.get(f"/assess/cohort/{setup.cohort.id}/learner/{setup.learner.id}/nope").status_code == 404


# -- procedure log verification ---------------------------------------------------------------------------------
def test_assessor_verifies_and_rejects_logbook_entries(client, auth, setup):
    learner = setup.learner
    auth.login(learner)
    unit = client.get(f"/learn/{setup.course.code}/unit/{setup.unit}").get_data(as_text=True)
    add = handler_url(unit, setup.logbook, "add_entry")
    delete = handler_url(unit, setup.logbook, "delete_entry")
    for day in ("2024-05-01", "2024-05-02", "2024-05-03"):
        entry = {"date": day, "setting": "Ward 4", "autonomy": 3, "reflection": f"Entry of {day}"}
        assert client.post(add, json=entry).status_code == 200
    first, second, third = (e["id"] for e in user_state(setup.logbook, learner.id)["entries"])
    auth.logout()

    auth.login(setup.instructor)
    page = assessor_page(client, setup, setup.logbook)
    html = block_html(page, setup.logbook)
    assert "Entry of 2024-05-02" in html and "0 of 2 supervised entries verified" in html
    review = handler_url(page, setup.logbook, "review_entry")
    assert client.post(review, json={"entry": first, "decision": "reject"}).status_code == 400  # needs a comment
    assert (
        client.post(review, json={"entry": first, "decision": "reject", "comment": "Not supervised."}).status_code
        == 200
    )
    assert client.post(review, json={"entry": second, "decision": "verify", "comment": "Good"}).status_code == 200
    assert events(learner.id, setup.logbook) == []  # 1 of 2
    assert client.post(review, json={"entry": second, "decision": "reject", "comment": "x"}).status_code == 409
    response = client.post(review, json={"entry": third, "decision": "verify"})
    assert response.status_code == 200 and response.get_json()["verified"] == 2
    assert events(learner.id, setup.logbook) == [
        ("grade", {"value": 1, "max_value": 1}),
        ("completion", {"completion": 1.0}),
    ]
    entries = {e["id"]: e for e in user_state(setup.logbook, learner.id)["entries"]}
    assert entries[first]["status"] == "rejected" and entries[first]["review"]["comment"] == "Not supervised."
    assert entries[second]["review"]["by"] == "Jean Instructor"
    overview = client.get(f"/assess/cohort/{setup.cohort.id}").get_data(as_text=True)
    assert "2 of 2 verified" in overview
    auth.logout()

    auth.login(learner)  # a verified entry stays; a rejected one can go
    assert client.post(delete, json={"entry": second}).status_code == 409
    assert client.post(delete, json={"entry": first}).status_code == 200
    unit = client.get(f"/learn/{setup.course.code}/unit/{setup.unit}").get_data(as_text=True)
    html = block_html(unit, setup.logbook)
    assert "2 of 2 supervised entries verified" in html and "Good" in html
    assert [e["id"] for e in user_state(setup.logbook, learner.id)["entries"]] == [second, third]
