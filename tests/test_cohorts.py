"""Cohorts: creating and editing, enrolling one learner, withdrawing, the all-or-nothing CSV import, lists."""

from __future__ import annotations

import html
import re
import shutil
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import mail
from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.cohorts.models import Cohort, Enrollment
from lms.db import db
from lms.institutions.queries import by_code


@pytest.fixture
def outbox(app):
    shutil.rmtree(Path(app.instance_path) / "outbox", ignore_errors=True)
    return mail.outbox


def page(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def enrollment_of(cohort_id: int, email: str) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).join(User).where(Enrollment.cohort_id == cohort_id, User.email == email)
    )


@pytest.fixture
def instructor(factory):
    return factory.user("author", name="Ines Instructor")


@pytest.fixture
def cohort(factory, instructor):
    # The instructor owns the course: enrolling and editing are for the course's owner and co-authors.
    course = factory.course(owner=instructor)
    return factory.cohort(course=course, institution="iprc-huye", instructors=[instructor], name="Huye electricity")


@pytest.fixture
def logged_in(client, auth, instructor):
    auth.login(instructor)
    return client


# --- creating and editing ------------------------------------------------------------------------------


def _cohort_form(course_id, **changes):
    data = {
        "name": "Musanze plumbing ToT",
        "course_id": course_id,
        "institution_id": by_code("iprc-musanze").id,
        "starts_on": "2030-03-01",
        "ends_on": "2030-04-30",
    }
    data.update(changes)
    return data


def test_creator_of_a_cohort_becomes_its_instructor(client, auth, factory):
    author = factory.user("author")
    course = factory.course(owner=author, title="Plumbing")
    auth.login(author)
    assert client.get("/cohorts/new").status_code == 200
    response = client.post("/cohorts/new", data=_cohort_form(course.id))
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort))
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    assert (cohort.name, cohort.institution.code) == ("Musanze plumbing ToT", "iprc-musanze")
    assert (cohort.starts_on, cohort.ends_on) == (date(2030, 3, 1), date(2030, 4, 30))
    assert [i.email for i in cohort.instructors] == [author.email]
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200


def test_cohort_cannot_end_before_it_starts(client, auth, factory):
    author = factory.user("author")
    course = factory.course(owner=author)
    auth.login(author)
    response = client.post("/cohorts/new", data=_cohort_form(course.id, ends_on="2030-02-01"))
    assert response.status_code == 400
    assert 'id="ends_on-error"' in page(response)
    assert "The cohort cannot end before it starts." in page(response)
    assert count(Cohort) == 0


def test_cohort_needs_a_course_the_user_may_offer(client, auth, factory):
    author = factory.user("author")
    someone_elses_draft = factory.course()
    auth.login(author)
    response = client.post("/cohorts/new", data=_cohort_form(someone_elses_draft.id))
    assert response.status_code == 400 and 'id="course_id-error"' in page(response)
    response = client.post("/cohorts/new", data=_cohort_form(0))
    assert response.status_code == 400 and 'id="course_id-error"' in page(response)
    assert count(Cohort) == 0


def test_instructor_edits_the_cohort_and_its_instructors(logged_in, cohort, factory):
    colleague = factory.user("assessor", name="Colleague Assessor")
    form = logged_in.get(f"/cohorts/{cohort.id}/edit")
    assert form.status_code == 200 and "Huye electricity" in page(form)
    data = _cohort_form(cohort.course_id, name="Renamed", instructor_ids=[cohort.instructors[0].id, colleague.id])
    response = logged_in.post(f"/cohorts/{cohort.id}/edit", data=data)
    assert response.status_code == 302
    edited = db.session.get(Cohort, cohort.id)
    assert edited.name == "Renamed"
    assert sorted(i.name for i in edited.instructors) == ["Colleague Assessor", "Ines Instructor"]


# --- enrolling one learner -----------------------------------------------------------------------------


def test_enroll_an_existing_account_by_email_is_idempotent(logged_in, cohort, factory, outbox):
    learner = factory.user("learner", email="amina@example.org", name="Amina Uwimana")
    response = logged_in.post(f"/cohorts/{cohort.id}/enroll", data={"email": " Amina@Example.org"})
    assert response.status_code == 302
    assert enrollment_of(cohort.id, learner.email).status == "active"
    assert "Amina Uwimana enrolled." in page(logged_in.get(f"/cohorts/{cohort.id}"))

    response = logged_in.post(f"/cohorts/{cohort.id}/enroll", data={"email": learner.email}, follow_redirects=True)
    assert "Amina Uwimana was already enrolled." in page(response)
    assert count(Enrollment) == 1
    assert outbox() == []  # an existing account gets no welcome mail


def test_enroll_a_new_address_needs_a_name(logged_in, cohort, outbox):
    response = logged_in.post(f"/cohorts/{cohort.id}/enroll", data={"email": "new.person@example.org"})
    assert response.status_code == 400
    assert 'id="name-error"' in page(response)
    assert user("new.person@example.org") is None and count(Enrollment) == 0
    assert outbox() == []


def test_enroll_a_new_address_with_a_name_creates_the_account_and_mails_it(app, logged_in, cohort, outbox):
    response = logged_in.post(
        f"/cohorts/{cohort.id}/enroll", data={"email": "new.person@example.org", "name": "New Person"}
    )
    assert response.status_code == 302
    created = user("new.person@example.org")
    assert created.roles == {"learner"} and created.institution.code == "iprc-huye"
    assert created.password_hash is None
    assert enrollment_of(cohort.id, "new.person@example.org").is_active
    (message,) = outbox()
    assert message["to"] == "new.person@example.org"
    link = re.search(r"https?://[^/\s]+(/password/reset/\S+)", message["body"]).group(1)
    newcomer = type(logged_in)(app, app.response_class, use_cookies=True)
    assert newcomer.get(link).status_code == 200


def test_withdraw_needs_confirmation_and_re_enrolling_restores(logged_in, cohort, factory):
    learner = factory.user("learner", name="Wanda Withdrawn")
    logged_in.post(f"/cohorts/{cohort.id}/enroll", data={"email": learner.email})
    enrollment_id = enrollment_of(cohort.id, learner.email).id
    assert "<td>Wanda Withdrawn</td>" in page(logged_in.get(f"/cohorts/{cohort.id}"))
    url = f"/cohorts/{cohort.id}/enrollments/{enrollment_id}/withdraw"

    confirm = logged_in.get(url)
    assert confirm.status_code == 200 and "Withdraw Wanda Withdrawn" in page(confirm)
    assert enrollment_of(cohort.id, learner.email).status == "active"  # the GET changed nothing

    assert logged_in.post(url).status_code == 302
    assert enrollment_of(cohort.id, learner.email).status == "withdrawn"
    assert "<td>Wanda Withdrawn</td>" not in page(logged_in.get(f"/cohorts/{cohort.id}"))

    logged_in.post(f"/cohorts/{cohort.id}/enroll", data={"email": learner.email})
    again = enrollment_of(cohort.id, learner.email)
    assert again.id == enrollment_id and again.status == "active"


def test_withdraw_refuses_an_enrollment_of_another_cohort(logged_in, cohort, factory):
    learner = factory.user("learner")
    elsewhere = factory.cohort(learners=[learner])
    other_enrollment = enrollment_of(elsewhere.id, learner.email)
    response = logged_in.post(f"/cohorts/{cohort.id}/enrollments/{other_enrollment.id}/withdraw")
    assert response.status_code == 404
    assert enrollment_of(elsewhere.id, learner.email).status == "active"


# --- CSV import ----------------------------------------------------------------------------------------


def upload(client, cohort_id: int, data: bytes, filename: str = "learners.csv"):
    return client.post(
        f"/cohorts/{cohort_id}/import",
        data={"file": (BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def line_errors(response) -> dict[int, str]:
    """{line number: message} from the import's error list."""
    items = re.findall(r"<li>Line (\d+): (.*?)</li>", page(response))
    return {int(n): html.unescape(message) for n, message in items}


GOOD_CSV = (
    "email,name,institution,language,gender\n"
    "diane@example.org,Diane Ingabire,iprc-kigali,rw,female\n"
    "patrick@example.org,Patrick Mugisha,iprc-musanze,fr,Male\n"
    "existing@example.org,,,,\n"
    "\n"
    "already@example.org,Already There,,,\n"
)


@pytest.fixture
def csv_world(factory, cohort):
    factory.user("learner", email="existing@example.org", name="Existing Learner")
    already = factory.user("learner", email="already@example.org", name="Already There")
    from lms.cohorts.services import enroll

    enroll(db.session.get(Cohort, cohort.id), already)
    db.session.commit()
    return cohort


def _snapshot():
    return count(User), count(Enrollment), count(AuditEvent)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_good_file_creates_accounts_and_enrollments(logged_in, csv_world, outbox, delimiter):
    users_before, enrollments_before, _ = _snapshot()
    data = ("\ufeff" + GOOD_CSV.replace(",", delimiter)).encode("utf-8")  # Excel's "CSV UTF-8" adds a BOM
    response = upload(logged_in, csv_world.id, data)
    assert response.status_code == 302, line_errors(response) or page(response)[:2000]
    assert count(User) == users_before + 2
    assert count(Enrollment) == enrollments_before + 3
    diane = user("diane@example.org")
    assert (diane.name, diane.institution.code, diane.language, diane.gender) == (
        "Diane Ingabire",
        "iprc-kigali",
        "rw",
        "female",
    )
    assert user("patrick@example.org").gender == "male"
    assert user("existing@example.org").name == "Existing Learner"  # an existing account is not changed
    assert sorted(m["to"] for m in outbox()) == ["diane@example.org", "patrick@example.org"]
    flash = page(logged_in.get(f"/cohorts/{csv_world.id}"))
    assert "Imported: 3 enrolled (2 new accounts), 1 already enrolled." in flash


def test_new_accounts_default_to_the_cohort_institution(logged_in, cohort):
    response = upload(logged_in, cohort.id, b"email,name\nplain@example.org,Plain Person\n")
    assert response.status_code == 302
    created = user("plain@example.org")
    assert created.institution.code == "iprc-huye" and created.language == "en" and created.gender is None


BAD_ROWS = [
    ("not-an-address,Someone\n", "is not a valid e-mail address"),
    ("diane@example.org,Diane Again\n", "the address also appears on line 2"),
    ("x1@example.org,X One,iprc-nowhere\n", "unknown institution code 'iprc-nowhere'"),
    ("x2@example.org,X Two,,de\n", "unknown language 'de'"),
    ("x3@example.org,,,\n", "a name is needed to create the account"),
    ("x4@example.org,X Four,,,robot\n", "unknown gender 'robot'"),
    ("x5@example.org," + "N" * 201 + "\n", "at most 200 characters"),
    ('x6@example.org,"Line\r\nBreak"\n', "the name must be one line of text"),
    ('x7@example.org,"Line\nBreak"\n', "the name must be one line of text"),
    ("x8@example.org,Tab\tName\n", "the name must be one line of text"),
    ("x9@example.org,Line\u2028Separator\n", "the name must be one line of text"),
]


@pytest.mark.parametrize(
    ("row", "message"),
    BAD_ROWS,
    ids=[
        "bad-email",
        "duplicate",
        "unknown-institution",
        "unknown-language",
        "missing-name",
        "bad-gender",
        "long-name",
        "crlf-in-name",
        "lf-in-name",
        "tab-in-name",
        "line-separator-in-name",
    ],
)
def test_one_bad_row_writes_nothing_and_names_its_line(logged_in, csv_world, outbox, row, message):
    before = _snapshot()
    data = (
        "email,name,institution,language,gender\n"
        "diane@example.org,Diane Ingabire,iprc-kigali,rw,female\n"
        "existing@example.org,,,,\n"
        "\n" + row + "patrick@example.org,Patrick Mugisha,,,\n"  # blank lines are skipped but still counted
    ).encode()
    response = upload(logged_in, csv_world.id, data)
    assert response.status_code == 400
    errors = line_errors(response)
    assert list(errors) == [5], errors  # the line the record starts on, line breaks in quotes or not
    assert message in errors[5]
    assert "Nothing was imported." in page(response)
    assert _snapshot() == before
    assert user("diane@example.org") is None and user("patrick@example.org") is None
    assert outbox() == []


def test_every_bad_row_is_reported_at_once(logged_in, cohort):
    data = b"email,name\nbad,One\ngood@example.org,Good\nalso bad,Two\ngood@example.org,Good Again\n"
    response = upload(logged_in, cohort.id, data)
    assert response.status_code == 400
    assert sorted(line_errors(response)) == [2, 4, 5]
    assert count(Enrollment) == 0


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"email,name\nok@example.org,Ok\nbad@example.org,Caf\xe9\n", 3, "The file is not UTF-8 text."),
        (b"mail,full name\nok@example.org,Ok\n", 1, "missing: email, name"),
        (b"email\nok@example.org\n", 1, "missing: name"),
        (b"", 1, "The file is empty."),
        (b"  \n\n", 1, "The file is empty."),
        (b"email,name\n", 2, "The file has a header but no learners."),
        (b"email,name\nok@example.org,Ok\nnul@example.org,N\x00L\n", 3, "The file contains a NUL character"),
        # a value past csv's field limit (128 KiB), here from a quotation mark left open: named by its first line
        (
            b'email,name\nok@example.org,Ok\n\nlong@example.org,"' + b"x" * 140_000 + b"\nlast@example.org,Last\n",
            4,
            "a value may have at most 131072 characters",
        ),
        (b"email,name\nok@example.org,Ok\ncr@example.org,C\rR\n", 3, "a line break in a value needs quotation"),
        # the header itself unreadable: old Mac line endings, a first value past the field limit (were 500s)
        (b"email,name\rc1@example.org,C1\r", 1, "a line break in a value needs quotation"),
        (b'"' + b"x" * 140_000 + b'",name\nok@example.org,Ok\n', 1, "a value may have at most 131072 characters"),
    ],
    ids=[
        "not-utf8",
        "no-header",
        "missing-column",
        "empty",
        "blank",
        "header-only",
        "nul",
        "huge-value",
        "bare-cr",
        "cr-only-lines",
        "huge-header",
    ],  # fmt: skip
)
def test_unreadable_files_are_refused_with_a_line_number(logged_in, cohort, data, line, message):
    before = _snapshot()
    response = upload(logged_in, cohort.id, data)
    assert response.status_code == 400
    errors = line_errors(response)
    assert list(errors) == [line] and message in errors[line], errors
    assert _snapshot() == before


def test_import_needs_a_csv_file(logged_in, cohort):
    response = upload(logged_in, cohort.id, b"email,name\na@example.org,A\n", filename="learners.xlsx")
    assert response.status_code == 400 and 'id="file-error"' in page(response)
    response = logged_in.post(f"/cohorts/{cohort.id}/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400 and 'id="file-error"' in page(response)
    assert count(Enrollment) == 0


# --- lists: search and pages ---------------------------------------------------------------------------


def test_learners_list_searches_and_pages(app, logged_in, cohort, factory, monkeypatch):
    from lms.cohorts.services import enroll

    names = ["Alice Mukiza", "Bosco Nkurunziza", "Claire Uwera", "David Habineza", "Esther Mukiza"]
    target = db.session.get(Cohort, cohort.id)
    for name in names:
        enroll(target, factory.user("learner", name=name))
    db.session.commit()
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)

    def learners(response) -> list[str]:
        return [n for n in names if n in page(response)]

    first = logged_in.get(f"/cohorts/{cohort.id}")
    assert learners(first) == names[:2]
    assert "Page 1 of 3" in page(first) and f'href="/cohorts/{cohort.id}?page=2"' in page(first)
    assert learners(logged_in.get(f"/cohorts/{cohort.id}?page=2")) == names[2:4]
    assert learners(logged_in.get(f"/cohorts/{cohort.id}?page=3")) == names[4:]
    for odd in ("0", "-3", "abc", ""):
        assert learners(logged_in.get(f"/cohorts/{cohort.id}?page={odd}")) == names[:2]
    # Past the end (an old link after learners left, an edited number): the last page, not an empty one.
    for past in ("4", "99999999999999999999999"):
        response = logged_in.get(f"/cohorts/{cohort.id}?page={past}")
        assert response.status_code == 200 and learners(response) == names[4:]
        assert "Page 3 of 3" in page(response) and f'href="/cohorts/{cohort.id}?page=2"' in page(response)

    found = logged_in.get(f"/cohorts/{cohort.id}?q=MUKIZA")
    assert learners(found) == ["Alice Mukiza", "Esther Mukiza"]
    assert "Learners (2)" in page(found)
    by_email = logged_in.get(f"/cohorts/{cohort.id}?q=" + user_email_fragment(names[2]))
    assert learners(by_email) == ["Claire Uwera"]
    # The page links keep the search, and a query argument cannot collide with the page's own.
    searched = logged_in.get(f"/cohorts/{cohort.id}?q=a&cohort_id=999")
    assert searched.status_code == 200
    assert f'href="/cohorts/{cohort.id}?q=a' in page(searched)


def user_email_fragment(name: str) -> str:
    return db.session.scalar(select(User.email).where(User.name == name)).split("@")[0]


def test_cohort_list_searches_by_name(logged_in, factory, instructor):
    factory.cohort(instructors=[instructor], name="Karongi welding")
    factory.cohort(instructors=[instructor], name="Tumba solar")
    listing = page(logged_in.get("/cohorts/?q=SOLAR"))
    assert "Tumba solar" in listing and "Karongi welding" not in listing
