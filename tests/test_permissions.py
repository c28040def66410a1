"""Who may open what: one table of every core page for every role, checked through real requests.

Each row names a route and the status each role gets. Anonymous visitors are sent to the log-in page
(302), people without the permission get 403. A cohort follows its course's roles: "own" is a cohort the
user instructs (assigned by someone else) of a course that is not theirs, "staffed" a cohort they do not
instruct of a course they co-author (only an author can be a co-author), "other" neither. Instructors see
their cohort; only admins and the course's owner and co-authors change it or who is in it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.cohorts.models import Enrollment
from lms.cohorts.services import save_cohort
from lms.db import db
from lms.institutions.queries import by_code
from lms.permissions import can, registered

ROLES = ("anonymous", "learner", "author", "assessor", "verifier", "admin")
INSTRUCTOR_ROLES = ("author", "assessor", "admin")
LOGIN = 302  # anonymous: redirected to /login

EVERYONE = {"learner": 200, "author": 200, "assessor": 200, "verifier": 200, "admin": 200}
ADMIN_ONLY = {"learner": 403, "author": 403, "assessor": 403, "verifier": 403, "admin": 200}
STAFF = {"learner": 403, "author": 200, "assessor": 200, "verifier": 403, "admin": 200}
AUTHORS = {"learner": 403, "author": 200, "assessor": 403, "verifier": 403, "admin": 200}
INSTRUCTOR = {"author": 200, "assessor": 200, "admin": 200}
# An instructor who does not run the cohort (not the course's owner or co-author) only sees it.
INSTRUCTOR_CHANGE = {"author": 403, "assessor": 403, "admin": 200}
# A successful form POST redirects (302), like the anonymous visitor's redirect to /login; the
# test tells them apart by the Location header.
INSTRUCTOR_CHANGE_POST = {"author": 403, "assessor": 403, "admin": 302}
OTHER_COHORT = ADMIN_ONLY
OTHER_COHORT_POST = {**ADMIN_ONLY, "admin": 302}
COURSE_STAFF = AUTHORS
COURSE_STAFF_POST = {**AUTHORS, "author": 302, "admin": 302}

# name, method, path, {role: status}, anonymous status
ROUTES = [
    ("dashboard", "GET", "/", EVERYONE, 200),  # anonymous: the landing page
    ("profile", "GET", "/profile", EVERYONE, LOGIN),
    ("admin-users", "GET", "/admin/users", ADMIN_ONLY, LOGIN),
    ("admin-users-new", "GET", "/admin/users/new", ADMIN_ONLY, LOGIN),
    ("admin-user-edit", "GET", "/admin/users/{target}", ADMIN_ONLY, LOGIN),
    ("admin-invitations", "GET", "/admin/invitations", ADMIN_ONLY, LOGIN),
    ("admin-outbox", "GET", "/admin/outbox", ADMIN_ONLY, LOGIN),
    ("admin-institutions", "GET", "/admin/institutions/", ADMIN_ONLY, LOGIN),
    ("admin-institutions-new", "GET", "/admin/institutions/new", ADMIN_ONLY, LOGIN),
    ("admin-institution-delete", "GET", "/admin/institutions/{institution}/delete", ADMIN_ONLY, LOGIN),
    ("cohorts", "GET", "/cohorts/", STAFF, LOGIN),
    ("cohorts-new", "GET", "/cohorts/new", AUTHORS, LOGIN),
    ("own-cohort", "GET", "/cohorts/{own}", INSTRUCTOR, None),
    ("own-cohort-edit", "GET", "/cohorts/{own}/edit", INSTRUCTOR_CHANGE, None),
    ("own-cohort-withdraw", "GET", "/cohorts/{own}/enrollments/{own_enrollment}/withdraw", INSTRUCTOR_CHANGE, None),
    ("own-cohort-enroll", "POST", "/cohorts/{own}/enroll", INSTRUCTOR_CHANGE_POST, None),
    ("own-cohort-import", "POST", "/cohorts/{own}/import", INSTRUCTOR_CHANGE_POST, None),
    ("staffed-cohort", "GET", "/cohorts/{staffed}", COURSE_STAFF, LOGIN),
    ("staffed-cohort-edit", "GET", "/cohorts/{staffed}/edit", COURSE_STAFF, LOGIN),
    (
        "staffed-cohort-withdraw",
        "GET",
        "/cohorts/{staffed}/enrollments/{staffed_enrollment}/withdraw",
        COURSE_STAFF,
        LOGIN,
    ),
    ("staffed-cohort-enroll", "POST", "/cohorts/{staffed}/enroll", COURSE_STAFF_POST, LOGIN),
    ("staffed-cohort-import", "POST", "/cohorts/{staffed}/import", COURSE_STAFF_POST, LOGIN),
    ("other-cohort", "GET", "/cohorts/{other}", OTHER_COHORT, LOGIN),
    ("other-cohort-edit", "GET", "/cohorts/{other}/edit", OTHER_COHORT, LOGIN),
    ("other-cohort-withdraw", "GET", "/cohorts/{other}/enrollments/{other_enrollment}/withdraw", OTHER_COHORT, LOGIN),
    ("other-cohort-enroll", "POST", "/cohorts/{other}/enroll", OTHER_COHORT_POST, LOGIN),
    ("other-cohort-import", "POST", "/cohorts/{other}/import", OTHER_COHORT_POST, LOGIN),
    ("verify", "GET", "/verify", EVERYONE, 200),
    ("reports", "GET", "/reports/", STAFF, LOGIN),  # a course's own reports: tests/assessments/reports
]


def _cases():
    for name, method, path, statuses, anonymous in ROUTES:
        for role in ROLES:
            expected = anonymous if role == "anonymous" else statuses.get(role)
            if expected is not None:
                yield pytest.param(role, method, path, expected, id=f"{role}-{name}-{expected}")


def _passwordless(role: str, email: str):
    return accounts.create_user(email, email.split("@")[0].title(), None, roles=[role], via="cli")


@pytest.fixture
def world(factory):
    """Two cohorts of one course, each with one enrolled learner; "other" is instructed by someone else."""
    organiser = _passwordless("admin", "organiser@example.org")
    other_author = _passwordless("author", "other.author@example.org")
    enrolled = _passwordless("learner", "enrolled@example.org")
    _passwordless("learner", "to.enroll@example.org")
    db.session.commit()
    course = factory.course(owner=other_author)

    def cohort(name, instructors, of_course=course):
        created = save_cohort(
            None,
            name=name,
            course_id=of_course.id,
            institution_id=by_code("iprc-huye").id,
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=30),
            instructors=instructors,
            by=organiser,
        )
        from lms.cohorts.services import enroll

        enrollment, _new = enroll(created, enrolled)
        return created, enrollment

    def co_authored_course(user):
        """Another course of the other author's, with ``user`` as its co-author if they can be one."""
        from courses.services import add_co_author

        staffed = factory.course(owner=other_author)
        if user is not None and user.has_role("author"):
            add_co_author(staffed, user)
        return staffed

    return {"cohort": cohort, "other_author": other_author, "enrolled": enrolled, "co_authored": co_authored_course}


@pytest.mark.parametrize(("role", "method", "path", "expected"), list(_cases()))
def test_permission_table(client, auth, factory, world, role, method, path, expected):
    user = None if role == "anonymous" else factory.user(role)
    own, own_enrollment = world["cohort"]("Own cohort", [user] if role in INSTRUCTOR_ROLES else [])
    other, other_enrollment = world["cohort"]("Other cohort", [world["other_author"]])
    staffed, staffed_enrollment = world["cohort"]("Staffed cohort", [], world["co_authored"](user))
    db.session.commit()
    url = path.format(
        own=own.id,
        other=other.id,
        staffed=staffed.id,
        own_enrollment=own_enrollment.id,
        other_enrollment=other_enrollment.id,
        staffed_enrollment=staffed_enrollment.id,
        target=world["enrolled"].id,
        institution=by_code("iprc-tumba").id,
    )
    cohort_id = own.id if "{own}" in path else staffed.id if "{staffed}" in path else other.id
    if user is not None:
        assert auth.login(user).status_code == 302
    before = db.session.scalar(select(func.count()).select_from(Enrollment))

    if method == "GET":
        response = client.get(url)
    elif url.endswith("/enroll"):
        response = client.post(url, data={"email": "to.enroll@example.org"})
    else:
        csv = b"email,name\nto.enroll@example.org,To Enroll\n"
        from io import BytesIO

        response = client.post(url, data={"file": (BytesIO(csv), "learners.csv")}, content_type="multipart/form-data")

    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    location = response.headers.get("Location", "")
    after = db.session.scalar(select(func.count()).select_from(Enrollment))
    if role == "anonymous" and expected == LOGIN:
        assert location.startswith("/login")
    elif method == "POST" and expected == 302:
        assert location == f"/cohorts/{cohort_id}"
        assert after == before + 1  # the learner was enrolled
    if method == "POST" and expected != 302 or role == "anonymous" and method == "POST":
        assert after == before  # refused: nothing written
    if expected == 403:
        assert "You do not have permission to open this page." in response.get_data(as_text=True)


def test_every_route_of_the_table_exists(app):
    """The table keeps up with the app: each path in it matches a registered rule."""
    adapter = app.url_map.bind("localhost")
    for name, method, path, *_ in ROUTES:
        url = path.format(
            own=1,
            other=2,
            staffed=3,
            own_enrollment=1,
            other_enrollment=2,
            staffed_enrollment=3,
            target=1,
            institution=1,
        )
        endpoint, _args = adapter.match(url, method=method)
        assert endpoint, name


def test_instructor_sees_own_cohort_only_and_changes_neither(client, auth, factory, world):
    """An assessor assigned to a cohort sees it, not others; editing (instructors, course, dates) is for the
    course's staff: an instructor cannot add a colleague or move the cohort, even their own."""
    instructor = factory.user("assessor")
    mine, _ = world["cohort"]("Mine", [instructor])
    theirs, _ = world["cohort"]("Theirs", [world["other_author"]])
    db.session.commit()
    auth.login(instructor)
    listing = client.get("/cohorts/").get_data(as_text=True)
    assert "Mine" in listing and "Theirs" not in listing
    detail = client.get(f"/cohorts/{mine.id}").get_data(as_text=True)
    assert "Enrolled" in detail and "Edit cohort" not in detail and "Withdraw" not in detail
    assert "Enroll a learner" not in detail
    for cohort in (mine, theirs):
        response = client.post(
            f"/cohorts/{cohort.id}/edit",
            data={
                "name": "Taken over",
                "course_id": cohort.course_id,
                "institution_id": cohort.institution_id,
                "starts_on": "2030-01-01",
                "ends_on": "2030-02-01",
                "instructor_ids": [instructor.id, factory.user("assessor").id],
            },
        )
        assert response.status_code == 403
        db.session.refresh(cohort)
        assert cohort.name != "Taken over" and len(cohort.instructors) == 1


def test_deactivated_and_anonymous_users_hold_no_permission(app, factory):
    admin = factory.user("admin")
    with app.test_request_context():
        assert can("admin.users", user=admin)
        admin.active = False
        assert not can("admin.users", user=admin)
        from flask_login import AnonymousUserMixin

        assert not any(can(name, user=AnonymousUserMixin()) for name in registered())
    db.session.rollback()


def test_unknown_permission_is_a_programming_error(app, factory):
    from lms.permissions import UnknownPermission

    with app.test_request_context(), pytest.raises(UnknownPermission):
        can("no.such.permission", user=factory.user("admin"))


# --- what the dashboard shows each role ----------------------------------------------------------------


def _dashboard(client, auth, user) -> str:
    auth.login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_learner_dashboard_has_no_staff_panels(client, auth, factory):
    html = _dashboard(client, auth, factory.user("learner"))
    assert 'id="panel-admin"' not in html and 'id="panel-verify"' not in html and 'id="panel-cohorts"' not in html
    assert 'href="/admin/users"' not in html  # nor the menu entries


def test_admin_dashboard_counts_people_cohorts_and_institutions(client, auth, factory):
    admin = factory.user("admin")
    factory.cohort()  # adds a course author and the cohort's organiser
    html = _dashboard(client, auth, admin)
    assert 'id="panel-admin"' in html
    stats = dict(
        (label, int(number))
        for number, label in re.findall(r"<strong>(\d+)</strong> (people|cohorts|institutions)</a>", html)
    )
    people = db.session.scalar(select(func.count()).select_from(User))
    assert stats == {"people": people, "cohorts": 1, "institutions": 8}
    assert people == 3


def test_verifier_sees_the_verify_box(client, auth, factory):
    html = _dashboard(client, auth, factory.user("verifier"))
    assert 'id="panel-verify"' in html and 'action="/verify"' in html
    assert 'id="panel-admin"' not in html and 'id="panel-cohorts"' not in html


def test_instructor_sees_the_cohorts_they_run(client, auth, factory):
    author = factory.user("author")
    factory.cohort(instructors=[author], name="Kitabi forestry", learners=[factory.user("learner")])
    factory.cohort(name="Somebody else's")
    html = _dashboard(client, auth, author)
    assert 'id="panel-cohorts"' in html
    assert "Kitabi forestry" in html and "1 learner" in html and "Somebody else" not in html


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("", 200, "Verify a certificate"),
        ("?code=ABCD-0EFG-H1JK-$", 404, "No certificate with the code ABCD-0EFG-H1JK-$"),
        ("?code=abcd-oefg-hijk-%24", 404, "No certificate with the code ABCD-0EFG-H1JK-$"),  # O, I read as 0, 1
        ("?code=%3Cscript%3E", 400, "This does not look like a certificate code."),
        ("?code=AB", 400, "This does not look like a certificate code."),
    ],
    ids=["form", "unknown", "unknown-lower-case", "malformed", "too-short"],
)
def test_verify_answers_unknown_or_malformed(client, query, status, text):
    response = client.get(f"/verify{query}")
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True).split("<main", 1)[1]


def test_a_dashboard_shows_certificates_only_to_those_who_hold_one(client, auth, factory):
    # Issue 20, point 6: no dashboard promises a certificate. Issue 22: the panel lists those a learner holds.
    learner = factory.user("learner")
    auth.login(learner)
    page = client.get("/").get_data(as_text=True)
    assert "panel-my-certificates" not in page
    assert "receive a certificate" not in page.lower()
    empty = client.get("/certificates/").get_data(as_text=True)
    assert "You have no certificate yet. A course's page says what it takes to earn one." in empty
