"""Changes to cohorts: create and edit, instructors, enroll and withdraw, CSV enrollment import.

The CSV import is all-or-nothing: every row is checked first and, if any row is wrong, nothing is
written and every problem is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, select, update
from wtforms.validators import Email, ValidationError

from lms import audit, signals
from lms.accounts import checks
from lms.accounts import services as accounts
from lms.accounts.models import Gender, Role, User
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, cohort_instructor
from lms.db import db
from lms.institutions import queries as institutions
from lms.sql import dialect_insert


class CohortError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def save_cohort(
    cohort: Cohort | None,
    *,
    name: str,
    course_id: int,
    institution_id: int,
    starts_on: date,
    ends_on: date,
    instructors: list[User],
    by: User,
) -> Cohort:
    if ends_on < starts_on:
        raise CohortError(_("The cohort cannot end before it starts."), "ends_on")
    created = cohort is None
    if created:
        cohort = Cohort(created_by_id=by.id)
        db.session.add(cohort)
        if not by.is_admin and all(i.id != by.id for i in instructors):
            instructors = [*instructors, by]  # whoever creates a cohort delivers it
    cohort.name = name.strip()
    cohort.course_id = course_id
    cohort.institution_id = institution_id
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    db.session.flush()
    _set_instructors(cohort, {user.id for user in instructors})
    audit.record("cohort.created" if created else "cohort.updated", "cohort", cohort.id, name=cohort.name)
    return cohort


def _set_instructors(cohort: Cohort, user_ids: set[int]) -> None:
    # Statements rather than the ORM collection, which inserts the pairs it found missing and deletes those it
    # found present: the same form sent twice at once (a double click) would hit the primary key.
    db.session.execute(
        delete(cohort_instructor).where(
            cohort_instructor.c.cohort_id == cohort.id, cohort_instructor.c.user_id.not_in(user_ids)
        )
    )
    if user_ids:
        db.session.execute(
            dialect_insert(cohort_instructor).on_conflict_do_nothing(),
            [{"cohort_id": cohort.id, "user_id": user_id} for user_id in sorted(user_ids)],
        )
    db.session.expire(cohort, ["instructors"])


def enroll(cohort: Cohort, user: User) -> tuple[Enrollment, bool]:
    """Enroll ``user``; returns the enrollment and whether it is new (re-enrolling re-activates).

    The unique (cohort, user) pair is the check, so enrolling the same person twice at once (a double
    click, two instructors) makes one enrollment: one request inserts or re-activates it, the other finds
    it done, exactly as if it came second.
    """
    enrollment = db.session.scalar(
        dialect_insert(Enrollment)
        .values(cohort_id=cohort.id, user_id=user.id, status=EnrollmentStatus.ACTIVE)
        .on_conflict_do_nothing(index_elements=["cohort_id", "user_id"])
        .returning(Enrollment)
    )
    if enrollment is None:
        this = (Enrollment.cohort_id == cohort.id, Enrollment.user_id == user.id)
        # A conditional update: of two re-activations at once, the second finds nothing left to change.
        enrollment = db.session.scalar(
            update(Enrollment)
            .where(*this, Enrollment.status != EnrollmentStatus.ACTIVE)
            .values(status=EnrollmentStatus.ACTIVE)
            .returning(Enrollment),
            execution_options={"populate_existing": True},
        )
        if enrollment is None:
            return db.session.scalars(select(Enrollment).where(*this)).one(), False
    audit.record("enrollment.created", "enrollment", enrollment.id, cohort=cohort.id, user=user.id)
    signals.announce(signals.enrolled, enrollment.id, user_id=user.id, cohort_id=cohort.id)
    return enrollment, True


def withdraw(enrollment: Enrollment) -> None:
    enrollment.status = EnrollmentStatus.WITHDRAWN
    db.session.flush()
    audit.record("enrollment.withdrawn", "enrollment", enrollment.id)
    signals.announce(signals.unenrolled, enrollment.id, user_id=enrollment.user_id, cohort_id=enrollment.cohort_id)


def enroll_by_email(cohort: Cohort, email: str, name: str | None) -> tuple[Enrollment, bool, bool]:
    """Enroll an existing account, or create a learner account first (a name is then required).

    Returns (enrollment, account_created, newly_enrolled).
    """
    user = accounts.get_by_email(email)
    created = False
    if user is None:
        if not (name or "").strip():
            raise CohortError(_("No account uses this address yet: give the learner's name to create one."), "name")
        try:
            user, created = _new_learner(email, name, institution_id=cohort.institution_id, via="enrollment")
        except accounts.AccountError as error:
            raise CohortError(error.message, error.field) from error
    enrollment, new = enroll(cohort, user)
    return enrollment, created, new


def _new_learner(email: str, name: str, **details) -> tuple[User, bool]:
    """A new learner account, mailed its welcome, and True; or, when another request has just created an
    account for this address (both found none), that account and False: enrolling it is what was asked."""
    try:
        user = accounts.create_user(email, name, roles=[Role.LEARNER], **details)
    except accounts.AccountError:
        existing = accounts.get_by_email(email)
        if existing is None:
            raise
        return existing, False
    accounts.send_welcome(user)
    return user, True


# --- CSV import --------------------------------------------------------------------------------------

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("institution", "language", "gender")
MAX_ROWS = 5000


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    accounts_created: int = 0
    enrolled: int = 0
    already_enrolled: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    email: str
    name: str
    institution_id: int | None
    language: str
    gender: str | None
    user: User | None


def _read_rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return [], [RowError(line, _("The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."))]
    if not text.strip():
        return [], [RowError(1, _("The file is empty."))]
    if "\x00" in text:  # no text file has one, and PostgreSQL could not even look a NUL up
        line = text[: text.index("\x00")].count("\n") + 1
        return [], [RowError(line, _("The file contains a NUL character: save it as 'CSV UTF-8' and try again."))]
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    rows = []
    read_to = 0  # the last line of the last record read (none yet: the header may itself be unreadable)
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            message = _("The first line must name the columns; missing: %(cols)s.", cols=", ".join(missing))
            return [], [RowError(1, message)]
        reader.fieldnames = header
        read_to = reader.line_num
        for record in reader:
            read_to = reader.line_num
            cleaned = {key: (value or "").strip() for key, value in record.items() if key}
            if not any(cleaned.values()):
                continue  # blank line
            # A quoted value may hold line breaks: the record is named by the line it starts on.
            rows.append((reader.line_num - _line_breaks(record), cleaned))
    except csv.Error:
        # The reader cannot go on past one: a value longer than csv's field limit (128 KiB; a quotation mark
        # left open swallows the rest of the file) or a line break alone (CR) in a value without quotes.
        message = ngettext(
            "This line cannot be read as CSV: a value may have at most %(num)d character, and a line break in a "
            "value needs quotation marks around the value.",
            "This line cannot be read as CSV: a value may have at most %(num)d characters, and a line break in a "
            "value needs quotation marks around the value.",
            csv.field_size_limit(),
        )
        return [], [RowError(_next_record_line(text, read_to), message)]
    if len(rows) > MAX_ROWS:
        too_many = ngettext(
            "At most %(num)d row can be imported at once.", "At most %(num)d rows can be imported at once.", MAX_ROWS
        )
        return [], [RowError(1, too_many)]
    return rows, []


def _line_breaks(record: dict) -> int:
    """The line breaks inside a record's values (extra values come as a list under None)."""
    values = [item for value in record.values() for item in (value if isinstance(value, list) else [value])]
    return sum((value or "").count("\n") for value in values)


def _next_record_line(text: str, after: int) -> int:
    """The first line after line ``after`` that is not blank: where the record the reader failed on starts."""
    lines = text.split("\n")
    line = after + 1
    while line < len(lines) and not lines[line - 1].strip():
        line += 1
    return line


def import_enrollments_csv(cohort: Cohort, data: bytes) -> ImportReport:
    """Check every row; if all are good, create missing accounts and enroll everyone."""
    report = ImportReport()
    rows, report.errors = _read_rows(data)
    if report.errors:
        return report
    if not rows:
        report.errors.append(RowError(2, _("The file has a header but no learners.")))
        return report
    languages = current_app.config["LANGUAGES"]
    genders = {g.value for g in Gender}
    email_check = Email()
    seen: dict[str, int] = {}
    checked: list[_Row] = []
    for line, record in rows:
        problems = []
        email = checks.normalize_email(record.get("email", ""))
        try:
            email_check(None, _Field(email))
        except ValidationError:
            problems.append(_("'%(email)s' is not a valid e-mail address", email=email or "—"))
        if email in seen:
            problems.append(_("the address also appears on line %(line)d", line=seen[email]))
        seen.setdefault(email, line)
        user = accounts.get_by_email(email) if email else None
        name = record.get("name", "")
        if user is None and not name:
            problems.append(_("a name is needed to create the account"))
        elif user is None and len(name) > checks.NAME_MAX_LENGTH:
            problems.append(
                ngettext(
                    "the name must have at most %(num)d character",
                    "the name must have at most %(num)d characters",
                    checks.NAME_MAX_LENGTH,
                )
            )
        elif user is None and not checks.is_one_line(name):
            problems.append(_("the name must be one line of text, without tabs or other control characters"))
        institution_id = cohort.institution_id
        if record.get("institution"):
            institution = institutions.by_code(record["institution"])
            if institution is None:
                problems.append(_("unknown institution code '%(code)s'", code=record["institution"]))
            else:
                institution_id = institution.id
        language = (record.get("language") or current_app.config["DEFAULT_LANGUAGE"]).lower()
        if language not in languages:
            problems.append(
                _("unknown language '%(lang)s' (use %(choices)s)", lang=language, choices="/".join(languages))
            )
        gender = (record.get("gender") or "").lower() or None
        if gender and gender not in genders:
            problems.append(
                _(
                    "unknown gender '%(g)s' (use %(choices)s or leave empty)",
                    g=gender,
                    choices="/".join(sorted(genders)),
                )
            )
        if problems:
            report.errors.append(RowError(line, "; ".join(problems)))
            continue
        checked.append(_Row(line, email, name, institution_id, language, gender, user))
    if report.errors:
        return report
    for row in checked:
        user = row.user
        if user is None:
            user, created = _new_learner(
                row.email,
                row.name,
                institution_id=row.institution_id,
                language=row.language,
                gender=row.gender,
                via="import",
            )
            if created:
                report.accounts_created += 1
        _enrollment, new = enroll(cohort, user)
        if new:
            report.enrolled += 1
        else:
            report.already_enrolled += 1
    audit.record("cohort.import", "cohort", cohort.id, enrolled=report.enrolled, created=report.accounts_created)
    return report


class _Field:
    """The smallest object WTForms' Email validator accepts, to reuse its checks outside a form."""

    def __init__(self, data: str):
        self.data = data
        self.errors: list[str] = []

    def gettext(self, text: str) -> str:
        return text
