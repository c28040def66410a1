"""Cohorts and assessment follow the course's own roles (issue 19, finding 2: forged competency sign-offs).

A course's owner, its co-authors and admins create its cohorts, choose their instructors and enroll
learners; an instructor assesses only the learners actively enrolled in the cohorts assigned to them; a
learner's enrolments are seen by nobody else; and a handler link issued to an assessor stops working the
moment its learner is withdrawn, however long its token lives.
"""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import func, select

from courses.context import runtime_for
from courses.models import BlockCompletion, BlockGrade
from courses.services import add_co_author
from lms.accounts.models import User
from lms.cohorts.models import Cohort, Enrollment
from lms.db import db
from lms.institutions.queries import by_code
from lms.xblock_host.models import XBlockEvent
from tests.blocks.helpers import handler_url, hospital_course, user_state
from tests.test_api import API, assert_api_error, bearer, token_for  # noqa: F401 - token_for is a fixture

ALL_MET = {"hygiene": "met", "consent": "met", "asepsis": "met"}


@pytest.fixture
def world(factory):
    """A published hospital course (owner: its author), a co-author, and its real cohort: learner Aline,
    instructor Jean (assigned by an admin). Plus a learner of nobody's yet and an admin."""
    built = hospital_course(factory)
    built.co_author = factory.user("author", name="Claire Co-author")
    add_co_author(built.course, built.co_author)
    db.session.commit()
    built.learner = factory.user("learner", name="Aline Learner", email="aline@example.org")
    built.instructor = factory.user("assessor", name="Jean Instructor")
    built.cohort = factory.cohort(
        course=built.course, learners=[built.learner], instructors=[built.instructor], name="CHUK real"
    )
    built.admin = factory.user("admin", name="Ada Admin")
    return built


def cohort_form(course_id: int, name: str = "Forged cohort", **more) -> dict:
    return {
        "name": name,
        "course_id": course_id,
        "institution_id": by_code("iprc-huye").id,
        "starts_on": "2030-01-01",
        "ends_on": "2030-02-01",
        **more,
    }


def learner_page(cohort_id: int, learner_id: int, block: str) -> str:
    return f"/assess/cohort/{cohort_id}/learner/{learner_id}/{block}"


def nothing_signed_off(world) -> bool:
    learner = world.learner.id
    return (
        "signoff" not in user_state(world.checklist, learner)
        and db.session.scalar(select(BlockGrade).where(BlockGrade.user_id == learner)) is None
        and db.session.scalar(select(BlockCompletion).where(BlockCompletion.user_id == learner)) is None
        and db.session.scalar(select(XBlockEvent).where(XBlockEvent.user_id == learner)) is None
    )


def stranger_url(app, world, user, learner_id: int) -> str:
    """A genuine handler URL of the checklist, issued to ``user`` for ``learner_id``'s state (as a page
    rendered for them would carry it): only the gate at call time can refuse it."""
    with app.test_request_context():
        from flask_login import login_user

        login_user(user)
        runtime = runtime_for(world.course, user, "published", state_user_id=learner_id)
        return runtime.handler_url(runtime.get_block(world.checklist), "sign_off")


# -- the attack, end to end ------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["author", "assessor"])
def test_a_stranger_cannot_forge_a_sign_off_through_a_cohort_of_their_own(client, auth, factory, world, role):
    """The review's attack: a second author or assessor with no role on the course creates a cohort of it,
    enrolls an existing learner and signs them off "competent, level 5". Every step is refused now."""
    stranger = factory.user(role, name="Mallory Stranger")
    auth.login(stranger)
    form = client.get("/cohorts/new")
    assert form.status_code in (200, 403)
    assert world.course.title not in form.get_data(as_text=True)  # not offered
    response = client.post("/cohorts/new", data=cohort_form(world.course.id))
    assert response.status_code in (400, 403)
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 1  # the real one only
    # Nor can they enroll into, read, or assess through the real cohort.
    response = client.post(f"/cohorts/{world.cohort.id}/enroll", data={"email": world.learner.email})
    assert response.status_code == 403 and "Aline" not in response.get_data(as_text=True)
    assert client.get(f"/assess/cohort/{world.cohort.id}").status_code == 403
    assert client.get(learner_page(world.cohort.id, world.learner.id, world.checklist)).status_code == 403
    assert nothing_signed_off(world)
    auth.logout()
    auth.login(world.instructor)  # the real assessor's overview shows no forged sign-off
    overview = client.get(f"/assess/cohort/{world.cohort.id}").get_data(as_text=True)
    assert "Not signed off" in overview and "level 5" not in overview


# -- creating a cohort -----------------------------------------------------------------------------------------
def test_a_courses_cohorts_are_created_by_its_owner_co_authors_and_admins(client, auth, factory, world):
    for number, user in enumerate((world.author, world.co_author, world.admin)):
        auth.login(user)
        assert world.course.title in client.get("/cohorts/new").get_data(as_text=True)
        response = client.post("/cohorts/new", data=cohort_form(world.course.id, name=f"Run {number}"))
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        auth.logout()
    names = set(db.session.scalars(select(Cohort.name).where(Cohort.course_id == world.course.id)))
    assert names == {"CHUK real", "Run 0", "Run 1", "Run 2"}
    # An author who lost the author role is no longer the course's staff, whatever the course's records say.
    from lms.accounts.services import set_roles

    set_roles(world.co_author, ["learner"])
    db.session.commit()
    auth.login(world.co_author)
    assert client.post("/cohorts/new", data=cohort_form(world.course.id, name="Late")).status_code == 403


def test_an_instructor_cannot_move_their_cohort_or_add_instructors(client, auth, factory, world):
    """Assessors are assigned by the course's staff: an instructor choosing colleagues (or taking the cohort
    to another course) would hand out the right to assess."""
    accomplice = factory.user("assessor", name="Accomplice")
    auth.login(world.instructor)
    data = cohort_form(world.course.id, name="CHUK real", instructor_ids=[world.instructor.id, accomplice.id])
    assert client.post(f"/cohorts/{world.cohort.id}/edit", data=data).status_code == 403
    db.session.refresh(world.cohort)
    assert [i.id for i in world.cohort.instructors] == [world.instructor.id]
    auth.logout()
    auth.login(world.author)  # the owner does assign assessors
    assert client.post(f"/cohorts/{world.cohort.id}/edit", data=data).status_code == 302
    db.session.refresh(world.cohort)
    assert {i.id for i in world.cohort.instructors} == {world.instructor.id, accomplice.id}


# -- enrolling ---------------------------------------------------------------------------------------------------
def test_only_the_courses_staff_and_admins_enroll(client, auth, factory, world, token_for):  # noqa: F811
    newcomer = factory.user("learner", name="Nadia Newcomer", email="nadia@example.org")
    enrolled = lambda: db.session.scalar(  # noqa: E731
        select(Enrollment).where(Enrollment.cohort_id == world.cohort.id, Enrollment.user_id == newcomer.id)
    )
    # The cohort's own instructor: sees the cohort, changes nobody's place in it (web form, CSV, API).
    raw = token_for(world.instructor)
    auth.login(world.instructor)
    page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "Aline Learner" in page and "Enroll a learner" not in page and "Withdraw" not in page
    response = client.post(f"/cohorts/{world.cohort.id}/enroll", data={"email": newcomer.email})
    assert response.status_code == 403 and "Nadia" not in response.get_data(as_text=True)
    csv = b"email,name\nnadia@example.org,Nadia Newcomer\n"
    response = client.post(
        f"/cohorts/{world.cohort.id}/import",
        data={"file": (BytesIO(csv), "learners.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    aline = db.session.scalar(select(Enrollment).where(Enrollment.user_id == world.learner.id))
    assert client.post(f"/cohorts/{world.cohort.id}/enrollments/{aline.id}/withdraw").status_code == 403
    auth.logout()
    body = assert_api_error(
        client.post(
            f"{API}/cohorts/{world.cohort.id}/enrollments", json={"email": newcomer.email}, headers=bearer(raw)
        ),
        403,
    )
    assert "Nadia" not in str(body)
    assert enrolled() is None and aline.is_active
    # The co-author (web) and the owner (API) enroll; so does an admin.
    auth.login(world.co_author)
    assert client.post(f"/cohorts/{world.cohort.id}/enroll", data={"email": newcomer.email}).status_code == 302
    assert enrolled().is_active
    auth.logout()
    owner = token_for(world.author)
    other = factory.user("learner", email="omar@example.org")
    response = client.post(
        f"{API}/cohorts/{world.cohort.id}/enrollments", json={"email": other.email}, headers=bearer(owner)
    )
    assert response.status_code == 201 and response.get_json()["newly_enrolled"] is True
    auth.login(world.admin)
    response = client.post(f"/cohorts/{world.cohort.id}/enroll", data={"email": "new@example.org", "name": "New One"})
    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is not None


# -- whom an assessor acts for -----------------------------------------------------------------------------------
def test_the_courses_staff_assess_every_cohort_of_it_and_nobody_outside_it(app, client, auth, factory, world):
    """Nobody, the course's staff and admins included, acts on the state of someone who is not the course's
    learner; the owner and co-authors assess the learners of all its cohorts (without being instructors)."""
    outsider = factory.user("learner", name="Not Enrolled")
    for user in (world.author, world.admin):
        url = stranger_url(app, world, user, outsider.id)
        auth.login(user)
        assert client.post(url, json={"results": ALL_MET, "level": 5}).status_code == 403
        auth.logout()
    assert user_state(world.checklist, outsider.id) == {}
    assert db.session.scalar(select(BlockGrade).where(BlockGrade.user_id == outsider.id)) is None
    auth.login(world.co_author)
    page = client.get(learner_page(world.cohort.id, world.learner.id, world.checklist))
    assert page.status_code == 200
    url = handler_url(page.get_data(as_text=True), world.checklist, "sign_off")
    assert client.post(url, json={"results": ALL_MET, "level": 4}).status_code == 200
    assert user_state(world.checklist, world.learner.id)["signoff"]["signed_off_by"] == "Claire Co-author"


# -- whose enrolments are shown -------------------------------------------------------------------------------
def test_a_learners_enrolments_are_not_shown_to_strangers(client, auth, factory, world, token_for):  # noqa: F811
    """An assessor of another cohort of the same course cannot pull Aline into their cohort to read her
    record (her sign-offs, her progress) nor see the cohort she is in, on pages or through the API."""
    auth.login(world.instructor)
    url = handler_url(
        client.get(learner_page(world.cohort.id, world.learner.id, world.checklist)).get_data(as_text=True),
        world.checklist,
        "sign_off",
    )
    assert client.post(url, json={"results": ALL_MET, "level": 4, "comment": "Private remark"}).status_code == 200
    auth.logout()
    nosy = factory.user("assessor", name="Nosy Assessor")
    theirs = factory.cohort(course=world.course, institution="iprc-kigali", instructors=[nosy], name="Kigali other")
    raw = token_for(nosy)
    auth.login(nosy)
    assert client.post(f"/cohorts/{theirs.id}/enroll", data={"email": world.learner.email}).status_code == 403
    for path in (f"/assess/cohort/{theirs.id}", f"/cohorts/{theirs.id}/progress", f"/cohorts/{theirs.id}", "/cohorts/"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert "Aline" not in html and "CHUK real" not in html and "Private remark" not in html, path
    for path in (
        f"/cohorts/{world.cohort.id}",
        f"/cohorts/{world.cohort.id}/progress",
        f"/assess/cohort/{world.cohort.id}",
    ):
        assert client.get(path).status_code == 403, path
    auth.logout()
    assert_api_error(client.get(f"{API}/cohorts/{world.cohort.id}/enrollments", headers=bearer(raw)), 403)
    listed = client.get(f"{API}/cohorts", headers=bearer(raw)).get_json()
    assert [c["name"] for c in listed] == ["Kigali other"]
    mine = client.get(f"{API}/cohorts/{theirs.id}/enrollments", headers=bearer(raw)).get_json()
    assert mine == []


# -- withdrawal ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("holder", ["instructor", "author", "admin"])
def test_a_handler_link_stops_working_when_its_learner_is_withdrawn(app, client, auth, world, holder):
    """The token lives for days by design; the gate asks at call time whether the learner is still enrolled,
    of the cohort's instructor, of the course's owner and of an admin alike."""
    assessor = getattr(world, holder)
    if holder == "instructor":  # as the assessor's page issues it
        auth.login(assessor)
        page = client.get(learner_page(world.cohort.id, world.learner.id, world.checklist)).get_data(as_text=True)
        url = handler_url(page, world.checklist, "sign_off")
        auth.logout()
    else:
        url = stranger_url(app, world, assessor, world.learner.id)
    auth.login(world.admin)
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.user_id == world.learner.id))
    assert client.post(f"/cohorts/{world.cohort.id}/enrollments/{enrollment.id}/withdraw").status_code == 302
    auth.logout()
    auth.login(assessor)
    assert client.post(url, json={"results": ALL_MET, "level": 5}).status_code == 403
    assert client.get(url.replace("/sign_off/", "/nope/")).status_code == 403  # refused before any handler runs
    assert nothing_signed_off(world)
    auth.logout()
    auth.login(world.admin)  # enrolled again: the very same link works, which shows it is the gate that decides
    assert client.post(f"/cohorts/{world.cohort.id}/enroll", data={"email": world.learner.email}).status_code == 302
    auth.logout()
    auth.login(assessor)
    assert client.post(url, json={"results": ALL_MET, "level": 4}).status_code == 200
    assert user_state(world.checklist, world.learner.id)["signoff"]["level"] == 4
