"""Demo data: people of every role at several IPRCs and a hospital; domain packages add their own part.

``seed()`` is idempotent (running it twice changes nothing) and returns what ``print_summary`` prints:
each demo account's role, e-mail, password and interface language, one per line, and each demo course's
code. The passwords are fixed and public — demo data is for a local demo, never for a real installation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click
from babel import Locale, UnknownLocaleError

from lms.accounts import services as accounts
from lms.accounts.models import Role, User
from lms.db import db
from lms.institutions import queries as institutions
from lms.institutions.services import ensure_default_institutions, save_institution

DEMO_DOMAIN = "demo.example"

HOSPITALS = [
    {"code": "chuk", "name": "University Teaching Hospital of Kigali (CHUK)", "city": "Kigali"},
    {"code": "butaro-hospital", "name": "Butaro District Hospital", "city": "Burera"},
]


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    roles: tuple[str, ...]
    institution: str | None
    language: str = "en"
    gender: str | None = None
    label: str = ""  # the role shown in the printed summary

    @property
    def email(self) -> str:
        return f"{self.key}@{DEMO_DOMAIN}"

    @property
    def password(self) -> str:
        return f"tot-demo-{self.key.split('.')[0]}"


PEOPLE: list[Person] = [
    Person("admin", "Claudine Uwase", (Role.ADMIN,), "iprc-kigali", "en", "female", "admin"),
    Person("author", "Jean-Paul Habimana", (Role.AUTHOR, Role.ASSESSOR), "iprc-kigali", "fr", "male", "author"),
    Person("doctor", "Dr. Aline Mukamana", (Role.AUTHOR, Role.ASSESSOR), "chuk", "fr", "female", "author"),
    Person("assessor", "Grace Nyirahabimana", (Role.ASSESSOR,), "chuk", "rw", "female", "assessor"),
    Person("verifier", "Eric Ndayisaba", (Role.VERIFIER,), "iprc-kigali", "en", "male", "verifier"),
    Person("learner", "Emmanuel Nshimiyimana", (Role.LEARNER,), "iprc-huye", "en", "male", "learner"),
    Person("learner.kigali", "Diane Ingabire", (Role.LEARNER,), "iprc-kigali", "rw", "female", "learner"),
    Person("learner.musanze", "Patrick Mugisha", (Role.LEARNER,), "iprc-musanze", "fr", "male", "learner"),
    Person("learner.tumba", "Solange Uwimana", (Role.LEARNER,), "iprc-tumba", "rw", "female", "learner"),
    Person("nurse", "Josiane Mukeshimana", (Role.LEARNER,), "chuk", "rw", "female", "learner"),
    Person("nurse.butaro", "Olivier Niyonzima", (Role.LEARNER,), "butaro-hospital", "en", "male", "learner"),
]


@dataclass
class Summary:
    accounts: list[Person] = field(default_factory=list)
    courses: list[tuple[str, str]] = field(default_factory=list)  # (code, title)
    # Each account's interface language as stored (a demo database seeded earlier keeps its people as they
    # are, profile changes included), by person key: what logging in as them gives.
    languages: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class SeedContext:
    """What domain seeders receive: the demo people by key, and the summary to extend."""

    users: dict[str, User]
    summary: Summary
    extra: dict[str, Any] = field(default_factory=dict)


Seeder = Callable[[SeedContext], None]
_seeders: list[Seeder] = []


def register_seeder(seeder: Seeder) -> None:
    if seeder not in _seeders:
        _seeders.append(seeder)


def seed() -> Summary:
    ensure_default_institutions()
    for hospital in HOSPITALS:
        if institutions.by_code(hospital["code"]) is None:
            save_institution(None, kind="hospital", **hospital)
    users: dict[str, User] = {}
    for person in PEOPLE:
        user = accounts.get_by_email(person.email)
        if user is None:
            institution = institutions.by_code(person.institution) if person.institution else None
            user = accounts.create_user(
                person.email,
                person.name,
                person.password,
                roles=list(person.roles),
                institution_id=institution.id if institution else None,
                language=person.language,
                gender=person.gender,
                via="cli",
            )
        users[person.key] = user
    db.session.flush()
    languages = {key: user.language for key, user in users.items()}
    context = SeedContext(users=users, summary=Summary(accounts=list(PEOPLE), languages=languages))
    for seeder in _seeders:
        seeder(context)
    return context.summary


def language_name(code: str) -> str:
    """``Kinyarwanda (rw)``: the language's English name, for a console read by whoever runs the demo."""
    try:
        return f"{Locale.parse(code).get_display_name('en')} ({code})"
    except (UnknownLocaleError, ValueError, TypeError):  # not a language Babel knows: shown as stored
        return str(code)


def print_summary(summary: Summary, base_url: str | None = None) -> None:
    echo = click.echo
    echo("Demo accounts (role, e-mail, password, interface language):")
    for person in summary.accounts:
        language = summary.languages.get(person.key, person.language)
        echo(f"  {person.label:<9} {person.email:<32} {person.password:<19} {language_name(language)}")
    if summary.courses:
        echo("Demo courses (code, title):")
        for code, title in summary.courses:
            echo(f"  course    {code:<32} {title}")
    for note in summary.notes:
        echo(note)
    if base_url:
        echo(f"Open {base_url}/login and log in with any account above.")
