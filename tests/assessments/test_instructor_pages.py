"""The instructor's assessment pages: who may open each (the course's own roles, one cohort's instructor never
another's), the attempts table (statuses, scores, filters, sort, pages, empty states), its CSV, a learner's
attempts and the accommodations given there (a confirmation step, who and why recorded, clear errors), and no
500 for bad input."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assessments import attempts
from assessments.models import Accommodation, Attempt, AttemptState
from courses.studio import services as studio
from lms.audit import AuditEvent
from lms.cohorts.services import enroll
from lms.db import db
from tests.assessments.instructor_world import ROLES, build_world

LOGIN = 302


@pytest.fixture
def world(factory):
    built = build_world(factory)
    alice, bruno = built.learners_a
    built.alice_pre = built.take(alice, "pre", right=1)  # waits for the essay's grade
    built.bruno_pre = built.take(bruno, "pre", right=2, essay=None)  # 2 of 4: 50 %
    built.bruno_post = built.take(bruno, "post", right=2, essay=None, submit=False)  # in progress, 30 minutes
    built.zoe_pre = built.take(built.learner_b, "pre")  # cohort B
    return built


def _login(auth, world, role):
    user = world.users[role]
    if user is not None:
        assert auth.login(user).status_code == 302
    return user


def text(response) -> str:
    return response.get_data(as_text=True)


# -- who may open what --------------------------------------------------------------------------------------
COHORT_STAFF = {
    "admin": 200,
    "owner": 200,
    "co_author": 200,
    "instructor": 200,
    "other_instructor": 403,
    "learner": 403,
}
EXPERTS = {"admin": 200, "owner": 200, "co_author": 200, "instructor": 200, "other_instructor": 200, "learner": 403}
AUTHORS = {"admin": 200, "owner": 200, "co_author": 200, "instructor": 403, "other_instructor": 403, "learner": 403}


def _get_routes(world) -> list[tuple[str, dict]]:
    a, alice = world.cohort_a.id, world.learners_a[0]
    essay = world.essay_answer(world.alice_pre)
    return [
        ("/assessments/", EXPERTS),
        (f"/assessments/cohorts/{a}/attempts", COHORT_STAFF),
        (f"/assessments/cohorts/{a}/attempts.csv", COHORT_STAFF),
        (f"/assessments/cohorts/{a}/learners/{alice.id}", COHORT_STAFF),
        (f"/assessments/attempts/{world.alice_pre.id}", COHORT_STAFF),
        ("/assessments/grading", EXPERTS),
        (f"/assessments/grading/{essay.id}", COHORT_STAFF),
        (f"/assessments/courses/{world.course.code}/regrade", AUTHORS),
        (f"/assessments/questions/{world.choice_questions[0].id}/regrade", AUTHORS),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_page(client, auth, world, role):
    _login(auth, world, role)
    for url, statuses in _get_routes(world):
        response = client.get(url)
        expected = LOGIN if role == "anonymous" else statuses[role]
        assert response.status_code == expected, (role, url, text(response)[:300])
        if expected == LOGIN:
            assert response.headers["Location"].startswith("/login")
        if expected == 403:
            assert "You do not have permission to open this page." in text(response)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_grade_and_give_accommodations(client, auth, world, role):
    _login(auth, world, role)
    alice = world.learners_a[0]
    essay = world.essay_answer(world.alice_pre)
    allowed = COHORT_STAFF.get(role) == 200
    graded = client.post(f"/assessments/grading/{essay.id}", data={"score": "1.5", "comment": "Good", "seen": ""})
    granted = client.post(
        f"/assessments/cohorts/{world.cohort_a.id}/learners/{alice.id}/accommodations",
        data={"assessment": world.keys["post"], "extra_minutes": "15", "reason": "Power cut", "confirmed": "yes"},
    )
    expected = LOGIN if role == "anonymous" else 303 if allowed else 403
    assert (graded.status_code, granted.status_code) == (expected, expected)
    db.session.expire_all()
    assert (essay.fraction is not None) == allowed
    assert db.session.scalar(select(func.count(Accommodation.id))) == (1 if allowed else 0)


def test_another_cohorts_learner_and_a_withdrawn_learner_are_out_of_reach(client, auth, world):
    auth.login(world.users["instructor"])
    a = world.cohort_a.id
    assert client.get(f"/assessments/cohorts/{a}/learners/{world.learner_b.id}").status_code == 404
    assert client.get(f"/assessments/cohorts/{a}/learners/{world.withdrawn.id}").status_code == 404
    withdrawn_attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == world.withdrawn.id))
    assert client.get(f"/assessments/attempts/{withdrawn_attempt.id}").status_code == 403
    assert client.get(f"/assessments/attempts/{world.zoe_pre.id}").status_code == 403
    table = text(client.get(f"/assessments/cohorts/{a}/attempts"))
    assert "Alice Learner" in table and "Wanda Withdrawn" not in table and "Zoe Bcohort" not in table
    queue = text(client.get("/assessments/grading"))
    assert "Alice Learner" in queue and "Zoe Bcohort" not in queue and "Wanda Withdrawn" not in queue
    # The other cohort's instructor grades Zoe's essay, never Alice's.
    auth.logout()
    auth.login(world.users["other_instructor"])
    queue = text(client.get("/assessments/grading"))
    assert "Zoe Bcohort" in queue and "Alice Learner" not in queue


def test_a_learner_withdrawn_after_the_page_was_shown_cannot_be_accommodated(client, auth, world):
    from lms.cohorts.services import withdraw

    auth.login(world.users["instructor"])
    alice = world.learners_a[0]
    url = f"/assessments/cohorts/{world.cohort_a.id}/learners/{alice.id}"
    assert client.get(url).status_code == 200
    withdraw(next(e for e in world.cohort_a.enrollments if e.user_id == alice.id))
    db.session.commit()
    response = client.post(
        url + "/accommodations",
        data={"assessment": world.keys["pre"], "extra_attempts": "1", "reason": "Sick", "confirmed": "yes"},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Accommodation.id))) == 0


# -- the attempts table -------------------------------------------------------------------------------------
def _rows(html: str) -> list[list[str]]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def test_the_table_has_a_row_per_learner_and_assessment_with_status_score_and_time(client, auth, world):
    auth.login(world.users["instructor"])
    rows = _rows(text(client.get(f"/assessments/cohorts/{world.cohort_a.id}/attempts")))
    assert [r[:2] for r in rows] == [
        ["Alice Learner", "Safety pre-test Pre-test"],
        ["Alice Learner", "Safety post-test Post-test"],
        ["Alice Learner", "Safety practice Practice"],
        ["Bruno Learner", "Safety pre-test Pre-test"],
        ["Bruno Learner", "Safety post-test Post-test"],
        ["Bruno Learner", "Safety practice Practice"],
    ]
    alice_pre, _, _, bruno_pre, bruno_post, bruno_practice = rows
    assert alice_pre[2:5] == ["Waiting for grading", "—", "—"]
    assert bruno_pre[2:5] == ["Submitted", "50%", "Not passed"]  # 2 of 4, pass mark 60 %
    assert bruno_pre[5] == "0 minutes" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", bruno_pre[6])
    assert bruno_post[2] in ("In progress 30 minutes left", "In progress 29 minutes left")
    assert bruno_practice[2:] == ["Not started", "—", "—", "—", "—", "0"]


def test_filters_and_sort(client, auth, world):
    auth.login(world.users["owner"])
    url = f"/assessments/cohorts/{world.cohort_a.id}/attempts"
    rows = _rows(text(client.get(url, query_string={"status": "not_started"})))
    assert [r[0] + "/" + r[1] for r in rows] == [
        "Alice Learner/Safety post-test Post-test",
        "Alice Learner/Safety practice Practice",
        "Bruno Learner/Safety practice Practice",
    ]
    rows = _rows(text(client.get(url, query_string={"assessment": world.keys["pre"]})))
    assert [r[0] for r in rows] == ["Alice Learner", "Bruno Learner"]
    rows = _rows(text(client.get(url, query_string={"assessment": world.keys["pre"], "status": "waiting"})))
    assert [r[0] for r in rows] == ["Alice Learner"]
    # Sorted by score, highest first; rows without a score last whichever the direction.
    world.take(world.learners_a[0], "practice", right=1)
    rows = _rows(text(client.get(url, query_string={"sort": "score", "dir": "desc"})))
    assert [r[3] for r in rows][:2] == ["100%", "50%"] and all(r[3] == "—" for r in rows[2:])
    rows = _rows(text(client.get(url, query_string={"sort": "score", "dir": "asc"})))
    assert [r[3] for r in rows][:2] == ["50%", "100%"]
    rows = _rows(text(client.get(url, query_string={"sort": "name", "dir": "desc"})))
    assert rows[0][0] == "Bruno Learner"
    # Unknown filters and sorts (an old link, a hand-edited address) are dropped, never a 500.
    for bad in ({"status": "<script>"}, {"assessment": "nope"}, {"sort": "password"}, {"dir": "sideways"}):
        response = client.get(url, query_string=bad)
        assert response.status_code == 200 and len(_rows(text(response))) == 6
    assert "<script>" not in text(client.get(url, query_string={"status": "<script>"}))


def test_a_large_cohort_is_paged(app, client, auth, world, factory, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)  # the table shows twice the page size: 4 rows
    for n in range(2):
        enroll(world.cohort_a, factory.user("learner", name=f"Extra Learner {n}"))
    db.session.commit()
    auth.login(world.users["admin"])
    url = f"/assessments/cohorts/{world.cohort_a.id}/attempts"
    first = text(client.get(url))
    assert len(_rows(first)) == 4 and "Page 1 of 3" in first
    last = text(client.get(url, query_string={"page": "3"}))
    assert len(_rows(last)) == 4 and "Page 3 of 3" in last
    assert "Page 3 of 3" in text(client.get(url, query_string={"page": str(10**12)}))
    assert "Page 1 of 3" in text(client.get(url, query_string={"page": "two"}))


def test_empty_states(client, auth, factory):
    owner = factory.user("author")
    course = factory.course(owner=owner)
    empty = factory.cohort(course=course)
    auth.login(owner)
    url = f"/assessments/cohorts/{empty.id}/attempts"
    assert "The course has no published version yet." in text(client.get(url))
    from courses.versions import publish

    chapter = studio.add_block(course, course.root_key, "chapter", owner, "Only text")
    publish(course, owner)
    assert "no pre-test, post-test or practice test" in text(client.get(url))
    sequential = studio.add_block(course, chapter, "sequential", owner, "Lesson")
    unit = studio.add_block(course, sequential, "vertical", owner, "Unit")
    studio.add_block(course, unit, "assessment", owner)
    publish(course, owner)
    assert "No learners are enrolled in this cohort." in text(client.get(url))


def test_an_empty_grading_queue_says_so(client, auth, factory):
    assessor = factory.user("assessor")
    factory.cohort(instructors=[assessor])
    auth.login(assessor)
    assert "Nothing to grade." in text(client.get("/assessments/grading"))


# -- CSV ----------------------------------------------------------------------------------------------------
def test_the_csv_holds_every_row_and_no_formula(client, auth, world, factory):
    sneaky = factory.user("learner", name='=HYPERLINK("http://evil.example","Open")')
    enroll(world.cohort_a, sneaky)
    db.session.commit()
    auth.login(world.users["instructor"])
    response = client.get(f"/assessments/cohorts/{world.cohort_a.id}/attempts.csv")
    assert response.mimetype == "text/csv"
    assert 'filename="attempts-TESTS-1-cohort-' in response.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(text(response).lstrip("\ufeff"))))
    assert lines[0] == [
        "Name",
        "E-mail",
        "Institution",
        "Assessment",
        "Kind",
        "Status",
        "Attempts",
        "Score (%)",
        "Passed",
        "Time taken (minutes)",
        "Submitted at (UTC)",
    ]
    assert len(lines) == 1 + 3 * 3  # three learners, three assessments
    bruno_pre = next(line for line in lines if line[0] == "Bruno Learner" and line[3] == "Safety pre-test")
    assert bruno_pre[4:10] == ["Pre-test", "Submitted", "1", "50.0", "no", "0.0"]
    alice_pre = next(line for line in lines if line[0] == "Alice Learner" and line[3] == "Safety pre-test")
    assert alice_pre[5:9] == ["Waiting for grading", "1", "", ""]
    assert all(not line[0].startswith("=") for line in lines)
    assert any(line[0].startswith("'=HYPERLINK") for line in lines)
    assert "Zoe Bcohort" not in text(response) and "Wanda Withdrawn" not in text(response)
    # The CSV follows the page's filters.
    filtered = client.get(f"/assessments/cohorts/{world.cohort_a.id}/attempts.csv", query_string={"status": "waiting"})
    assert [line[0] for line in csv.reader(io.StringIO(text(filtered).lstrip("\ufeff")))][1:] == ["Alice Learner"]


# -- a learner's page and accommodations ----------------------------------------------------------------
def _grant_url(world, learner=None):
    learner = learner or world.learners_a[1]
    return f"/assessments/cohorts/{world.cohort_a.id}/learners/{learner.id}/accommodations"


def test_an_accommodation_is_confirmed_then_recorded_with_who_and_why(client, auth, world):
    instructor, bruno = world.users["instructor"], world.learners_a[1]
    auth.login(instructor)
    post = world.bruno_post
    deadline = post.deadline
    form = {"assessment": world.keys["post"], "extra_minutes": "20", "extra_attempts": "1", "reason": "Power cut"}
    confirm = client.post(_grant_url(world), data=form)
    page = text(confirm)
    assert confirm.status_code == 200 and "Confirm the accommodation" in page
    assert "20 extra minutes" in page and "1 extra attempt" in page and "Power cut" in page
    assert 'name="confirmed" type="hidden" value="yes"' in page
    assert db.session.scalar(select(func.count(Accommodation.id))) == 0  # nothing before the confirmation
    done = client.post(_grant_url(world), data={**form, "confirmed": "yes"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/learners/{bruno.id}")
    granted = db.session.scalars(select(Accommodation)).one()
    assert (granted.user_id, granted.usage_key, granted.extra_minutes, granted.extra_attempts) == (
        bruno.id,
        world.keys["post"],
        20,
        1,
    )
    assert (granted.granted_by_id, granted.reason) == (instructor.id, "Power cut")
    db.session.refresh(post)
    assert post.deadline == deadline + timedelta(minutes=20)  # the open attempt's deadline moved
    assert attempts.attempts_left(world.settings("post"), bruno.id) == 2  # two allowed, one taken, one more
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.accommodation_granted")).one()
    assert audit.actor_id == instructor.id
    learner_page = text(client.get(f"/assessments/cohorts/{world.cohort_a.id}/learners/{bruno.id}"))
    assert "Power cut" in learner_page and "Ines Instructor" in learner_page and "20 minutes" in learner_page
    assert "Recorded for Bruno Learner on “Safety post-test”." in learner_page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"extra_minutes": "10", "reason": ""}, "Say why the learner gets this."),
        ({"extra_minutes": "10", "reason": "   "}, "Say why the learner gets this."),
        ({"reason": "Sick"}, "Give extra minutes or extra attempts."),
        ({"extra_minutes": "0", "extra_attempts": "0", "reason": "Sick"}, "Give extra minutes or extra attempts."),
        ({"extra_minutes": "ten", "reason": "Sick"}, "Not a valid integer value."),
        ({"extra_minutes": "-5", "reason": "Sick"}, "Number must be between 0 and 1440."),
        ({"extra_minutes": str(10**30), "reason": "Sick"}, "Number must be between 0 and 1440."),
        ({"extra_attempts": "11", "reason": "Sick"}, "Number must be between 0 and 10."),
        ({"extra_attempts": "1", "reason": "x" * 1001}, "Field cannot be longer than 1000 characters."),
        ({"extra_attempts": "1", "reason": "Sick\x00"}, "This field cannot contain a NUL character."),
        (
            {"assessment": "block-v1:OTHER+type@assessment+block@x", "extra_attempts": "1", "reason": "Sick"},
            "Not a valid choice.",
        ),
    ],
)
def test_a_bad_accommodation_is_refused_beside_its_field(client, auth, world, form, message):
    auth.login(world.users["co_author"])
    data = {"assessment": world.keys["pre"], "confirmed": "yes", **form}
    response = client.post(_grant_url(world), data=data)
    assert response.status_code == 400
    assert message in text(response).replace("&#39;", "'")
    assert db.session.scalar(select(func.count(Accommodation.id))) == 0


def test_nobody_gives_themselves_extra_time(client, auth, world):
    instructor = world.users["instructor"]
    enroll(world.cohort_a, instructor)  # an instructor enrolled in their own cohort, as learners are
    db.session.commit()
    auth.login(instructor)
    page = text(client.get(f"/assessments/cohorts/{world.cohort_a.id}/learners/{instructor.id}"))
    assert "You cannot give yourself extra time or attempts" in page
    response = client.post(
        _grant_url(world, instructor),
        data={"assessment": world.keys["pre"], "extra_attempts": "1", "reason": "Me", "confirmed": "yes"},
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(Accommodation.id))) == 0


def test_forms_need_the_csrf_token(app_overrides, world):
    from lms import create_app
    from tests.conftest import PASSWORD

    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True}).test_client()
    login = strict.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    strict.post("/login", data={"email": world.users["instructor"].email, "password": PASSWORD, "csrf_token": token})
    essay = world.essay_answer(world.alice_pre)
    assert strict.post(f"/assessments/grading/{essay.id}", data={"score": "1"}).status_code == 400
    data = {"assessment": world.keys["pre"], "extra_attempts": "1", "reason": "Sick", "confirmed": "yes"}
    assert strict.post(_grant_url(world), data=data).status_code == 400
    db.session.expire_all()
    assert essay.fraction is None and db.session.scalar(select(func.count(Accommodation.id))) == 0
    page = strict.get(f"/assessments/cohorts/{world.cohort_a.id}/learners/{world.learners_a[1].id}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert strict.post(_grant_url(world), data={**data, "csrf_token": token}).status_code == 303


@pytest.mark.parametrize(
    "url",
    [
        "/assessments/cohorts/99999999999/attempts",
        "/assessments/cohorts/2147483648/attempts.csv",
        "/assessments/cohorts/{a}/learners/99999999999",
        "/assessments/attempts/99999999999",
        "/assessments/grading/99999999999",
        "/assessments/questions/99999999999/regrade",
        "/assessments/courses/NO-SUCH-COURSE/regrade",
        "/assessments/cohorts/999999/attempts",
        "/assessments/attempts/999999",
    ],
)
def test_unknown_ids_are_404(client, auth, world, url):
    auth.login(world.users["admin"])
    assert client.get(url.format(a=world.cohort_a.id)).status_code == 404


@pytest.mark.parametrize("query", ["cohort=abc", "cohort=99999999999", "cohort=-1", "page=0", "page=%F0%9F%98%80"])
def test_the_queue_shrugs_off_bad_arguments(client, auth, world, query):
    auth.login(world.users["admin"])
    response = client.get(f"/assessments/grading?{query}")
    assert response.status_code == 200 and "Alice Learner" in text(response)


def test_an_in_progress_attempt_is_shown_as_such_and_cannot_be_graded(client, auth, world):
    auth.login(world.users["owner"])
    page = text(client.get(f"/assessments/attempts/{world.bruno_post.id}"))
    assert "In progress" in page and "Grade this answer" not in page
    essay = world.essay_answer(world.bruno_post)
    attempts.save_answer(world.bruno_post.id, essay.slot, "Some text", 2)
    db.session.commit()
    response = client.post(f"/assessments/grading/{essay.id}", data={"score": "1", "seen": ""})
    assert response.status_code == 409 and "has not been submitted" in text(response)
    db.session.refresh(essay)
    assert essay.fraction is None and world.bruno_post.state == AttemptState.IN_PROGRESS


def test_the_menu_dashboard_and_cohort_page_lead_here(client, auth, world):
    auth.login(world.users["instructor"])
    dashboard = text(client.get("/"))
    assert 'href="/assessments/"' in dashboard  # the menu
    assert 'id="panel-grading"' in dashboard and "1 answer waits for your grade." in dashboard
    cohort_page = text(client.get(f"/cohorts/{world.cohort_a.id}"))
    assert f'href="/assessments/cohorts/{world.cohort_a.id}/attempts"' in cohort_page
    auth.logout()
    auth.login(world.learners_a[1])
    dashboard = text(client.get("/"))
    assert 'href="/assessments/"' not in dashboard and 'id="panel-grading"' not in dashboard


def test_the_index_lists_the_cohorts_taught_and_links_those_with_assessments(client, auth, factory, world):
    instructor = world.users["instructor"]
    plain = factory.course(owner=world.users["owner"], code="PLAIN-1", title="No tests here")
    factory.cohort(course=plain, instructors=[instructor], name="Cohort C")
    _login(auth, world, "instructor")
    page = text(client.get("/assessments/"))
    row_a = re.search(r"<tr>\s*<td><a href=\"([^\"]+)\">Cohort A</a></td>(.*?)</tr>", page, re.S)
    assert row_a and row_a.group(1) == f"/assessments/cohorts/{world.cohort_a.id}/attempts"
    cells = re.findall(r"<td>([^<]*)</td>", row_a.group(2))
    assert cells == ["Safety tests", world.cohort_a.institution.name, "2", "3"]  # 2 active learners, 3 tests
    assert re.search(r"<td>Cohort C</td>\s*<td>No tests here</td>", page)  # nothing to open: no link
    assert "Cohort B" not in page  # another instructor's
