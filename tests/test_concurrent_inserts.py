"""Two requests at once that both find a row missing and both insert it: accounts, enrollments, roles,
institutions. The loser gets the clear error (or the row the winner made), never a 500.

The race is made to happen on PostgreSQL (``tests/concurrency.py`` holds each transaction between its check
and its insert); on SQLite writers are serialised and the same calls just run at the same time.
"""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from lms.accounts import services as accounts
from lms.accounts.models import User, UserRole
from lms.cohorts import services as cohorts
from lms.cohorts.models import Cohort, Enrollment
from lms.db import db
from lms.institutions import services as institutions
from lms.institutions.models import Institution
from tests.concurrency import errors, together

PASSWORD = "correct horse battery"
INSERT_USER = r'^INSERT INTO "?user"?\s'
INSERT_ENROLLMENT = r"^INSERT INTO enrollment\s"


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_accounts_for_one_address_at_once_make_one_and_a_clear_error(app):
    def create():
        return accounts.create_user("same@example.org", "Same Person", PASSWORD).id

    outcomes = together(app, create, create, hold=INSERT_USER)
    (error,) = errors(outcomes)
    assert isinstance(error, accounts.AccountError) and error.field == "email"
    assert error.message == "An account with this e-mail address already exists."
    assert count(User, User.email == "same@example.org") == 1


def test_two_registrations_with_one_address_at_once_end_in_a_form_error_not_a_500(app, monkeypatch):
    from tests.conftest import IsolatedClient

    monkeypatch.setitem(app.config, "OPEN_REGISTRATION", True)
    form = {
        "email": "twice@example.org",
        "name": "Double Click",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "language": "en",
    }

    def register():
        response = IsolatedClient(app, app.response_class).post("/register", data=form)
        return response.status_code, response.get_data(as_text=True)

    outcomes = together(app, register, register, hold=INSERT_USER)
    assert errors(outcomes) == []
    statuses = sorted(outcome.value[0] for outcome in outcomes)
    assert statuses == [302, 400]
    refused = next(outcome.value[1] for outcome in outcomes if outcome.value[0] == 400)
    assert 'id="email-error"' in refused and "already exists" in refused
    assert count(User, User.email == "twice@example.org") == 1


@pytest.fixture
def cohort(factory):
    return factory.cohort(name="Race cohort")


def test_enrolling_one_learner_twice_at_once_makes_one_enrollment(app, factory, cohort):
    learner = factory.user("learner")
    cohort_id, learner_id = cohort.id, learner.id

    def enroll():
        _enrollment, new = cohorts.enroll(db.session.get(Cohort, cohort_id), db.session.get(User, learner_id))
        return new

    outcomes = together(app, enroll, enroll, hold=INSERT_ENROLLMENT)
    assert errors(outcomes) == []
    assert sorted(outcome.value for outcome in outcomes) == [False, True]  # one enrolled, one found it done
    assert count(Enrollment, Enrollment.cohort_id == cohort_id, Enrollment.user_id == learner_id) == 1


def test_re_enrolling_a_withdrawn_learner_twice_at_once_reactivates_once(app, factory, cohort):
    learner = factory.user("learner")
    enrollment, _new = cohorts.enroll(cohort, learner)
    cohorts.withdraw(enrollment)
    db.session.commit()
    cohort_id, learner_id = cohort.id, learner.id

    def enroll():
        enrollment, new = cohorts.enroll(db.session.get(Cohort, cohort_id), db.session.get(User, learner_id))
        return enrollment.status, new

    outcomes = together(app, enroll, enroll, hold=r"^UPDATE enrollment\s")
    assert errors(outcomes) == []
    assert sorted(outcome.value for outcome in outcomes) == [("active", False), ("active", True)]
    (only,) = db.session.scalars(select(Enrollment).where(Enrollment.cohort_id == cohort_id))
    assert only.status == "active"


def test_two_instructors_enrolling_one_new_address_at_once_both_succeed(app, factory):
    """Through HTTP: both create the account at the same moment; one wins, the other enrolls that account."""
    from courses.services import add_co_author
    from tests.conftest import IsolatedClient

    instructor = factory.user("author", name="Ines Instructor")
    other = factory.user("author", name="Olivier Instructor")
    # Enrolling is for the course's owner and co-authors (lms/cohorts/rules.py): these two are both.
    course = factory.course(owner=instructor)
    add_co_author(course, other)
    db.session.commit()
    cohort = factory.cohort(course=course, instructors=[instructor, other])
    cohort_id = cohort.id
    clients = []
    for person in (instructor, other):
        browser = IsolatedClient(app, app.response_class, use_cookies=True)
        response = browser.post("/login", data={"email": person.email, "password": PASSWORD})
        assert response.status_code == 302
        clients.append(browser)

    def enroll(browser):
        def post():
            data = {"email": "newcomer@example.org", "name": "New Comer"}
            response = browser.post(f"/cohorts/{cohort_id}/enroll", data=data, follow_redirects=True)
            return response.status_code, response.get_data(as_text=True)

        return post

    outcomes = together(app, *(enroll(browser) for browser in clients), hold=INSERT_USER)
    assert errors(outcomes) == []
    assert [outcome.value[0] for outcome in outcomes] == [200, 200]
    pages = sorted(outcome.value[1] for outcome in outcomes)
    assert any("Account created for New Comer and enrolled" in page for page in pages)
    assert any("New Comer was already enrolled." in page for page in pages)
    newcomer = db.session.scalar(select(User).where(User.email == "newcomer@example.org"))
    assert count(Enrollment, Enrollment.cohort_id == cohort_id, Enrollment.user_id == newcomer.id) == 1


def test_two_csv_imports_with_the_same_new_learner_at_once_both_succeed(app, cohort):
    cohort_id = cohort.id
    data = b"email,name\nshared@example.org,Shared Learner\n"

    def import_csv():
        with app.test_request_context(method="POST"):  # the welcome mail's link is built from the request
            report = cohorts.import_enrollments_csv(db.session.get(Cohort, cohort_id), data)
        return report.ok, report.accounts_created, report.enrolled, report.already_enrolled

    outcomes = together(app, import_csv, import_csv, hold=INSERT_USER)
    assert errors(outcomes) == []
    assert sorted(outcome.value for outcome in outcomes) == [(True, 0, 0, 1), (True, 1, 1, 0)]
    assert count(User, User.email == "shared@example.org") == 1
    assert count(Enrollment, Enrollment.cohort_id == cohort_id) == 1


def test_granting_the_same_role_twice_at_once_keeps_one_row(app, factory):
    person = factory.user("learner")
    person_id = person.id

    def grant():
        accounts.set_roles(db.session.get(User, person_id), ["learner", "author"])
        return sorted(db.session.get(User, person_id).roles)

    outcomes = together(app, grant, grant, hold=r"^INSERT INTO user_role\s")
    assert errors(outcomes) == []
    assert [outcome.value for outcome in outcomes] == [["author", "learner"]] * 2
    assert sorted(db.session.scalars(select(UserRole.role).where(UserRole.user_id == person_id))) == [
        "author",
        "learner",
    ]


def test_adding_one_institution_twice_at_once_makes_one_and_a_clear_error(app):
    def add():
        return institutions.save_institution(None, code="butaro", name="Butaro Hospital", kind="hospital", city="").id

    outcomes = together(app, add, add, hold=r"^INSERT INTO institution\s")
    (error,) = errors(outcomes)
    assert isinstance(error, institutions.InstitutionError) and error.field == "code"
    assert count(Institution, Institution.code == "butaro") == 1


def test_seeding_the_default_institutions_twice_at_once(app):
    db.session.execute(delete(Institution).where(Institution.code == "iprc-tumba"))
    db.session.commit()

    outcomes = together(
        app,
        institutions.ensure_default_institutions,
        institutions.ensure_default_institutions,
        hold=r"^INSERT INTO institution\s",
    )
    assert errors(outcomes) == []
    assert sorted(outcome.value for outcome in outcomes) == [0, 1]
    assert count(Institution, Institution.code == "iprc-tumba") == 1


def test_the_same_cohort_form_sent_twice_at_once_adds_the_instructor_once(app, factory, cohort):
    from lms.cohorts.models import cohort_instructor

    admin_id = factory.user("admin").id
    newcomer_id = factory.user("author", name="Nadia Newcomer").id
    cohort_id = cohort.id

    def save():
        cohort = db.session.get(Cohort, cohort_id)
        saved = cohorts.save_cohort(
            cohort,
            name=cohort.name,
            course_id=cohort.course_id,
            institution_id=cohort.institution_id,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            instructors=[*cohort.instructors, db.session.get(User, newcomer_id)],
            by=db.session.get(User, admin_id),
        )
        return [instructor.id for instructor in saved.instructors]

    outcomes = together(app, save, save, hold=r"^INSERT INTO cohort_instructor\s")
    assert errors(outcomes) == []
    assert [outcome.value for outcome in outcomes] == [[newcomer_id]] * 2
    rows = db.session.scalars(select(cohort_instructor.c.user_id).where(cohort_instructor.c.cohort_id == cohort_id))
    assert list(rows) == [newcomer_id]
