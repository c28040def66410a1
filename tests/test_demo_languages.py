"""The demo in its three languages, as the README tells it: ``lms seed-demo`` names each account's interface
language and logging in as that account gives pages in it; the README's table says the same; and the
hospital course holds the Kinyarwanda unit the README promises the nurse, in Kinyarwanda and marked as
awaiting a native speaker's review."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import flask_babel
import pytest

from courses import queries
from courses.demo_content import KINYARWANDA_UNIT
from courses.structure import published_structure
from lms.db import db
from lms.demo import PEOPLE, language_name

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
HOSPITAL = "HOSP-NRP-201"


@pytest.fixture
def demo_output(app, outside_requests) -> str:
    """What ``lms seed-demo`` prints, the demo seeded as the command does it (in a thread of its own)."""
    result = outside_requests(app.test_cli_runner().invoke, args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def _page(client, path: str) -> str:
    flask_babel.refresh()  # a new request chooses its locale again (pytest-flask keeps one `g`)
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return unescape(response.get_data(as_text=True))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_demo_output_names_each_accounts_language_and_its_pages_speak_it(app, client, auth, demo_output):
    lines = {line.split()[1]: line for line in demo_output.splitlines() if "@" in line and "tot-demo-" in line}
    assert set(lines) == {person.email for person in PEOPLE}
    assert {person.language for person in PEOPLE} == {"en", "fr", "rw"}
    for person in PEOPLE:
        named = language_name(person.language)  # "Kinyarwanda (rw)"
        assert lines[person.email].rstrip().endswith(named), lines[person.email]

        assert auth.login(person.email, person.password).status_code == 302
        with app.test_request_context(), flask_babel.force_locale(person.language):
            log_out = flask_babel.gettext("Log out")
        page = _page(client, "/")
        assert f'<html lang="{person.language}">' in page, person.email
        assert log_out in page and (person.language == "en" or log_out != "Log out"), person.email
        auth.logout()


def test_the_readme_gives_each_demo_account_the_language_the_demo_gives_it():
    rows = {
        cells[1]: cells
        for cells in (
            [cell.strip() for cell in line.strip("|").split("|")] for line in README.splitlines() if "@demo." in line
        )
    }
    assert rows, "the README's table of demo accounts"
    people = {person.email: person for person in PEOPLE}
    for email, cells in rows.items():
        role, _email, password, interface = cells[:4]
        person = people[email]
        assert (role, password) == (person.label, person.password)
        assert interface == language_name(person.language).split(" (")[0], email


def test_the_nurse_reads_the_readmes_kinyarwanda_unit_in_kinyarwanda(client, auth, demo_output):
    # The README names the unit where it says what the nurse sees and where it says what is translated.
    nurse_row = next(line for line in README.splitlines() if "nurse@demo.example" in line)
    languages = README[README.index("## Languages") :].split("\n## ", 1)[0]
    assert KINYARWANDA_UNIT in nurse_row and KINYARWANDA_UNIT in languages
    assert "native" in languages and "review" in languages

    course = queries.by_code(HOSPITAL)
    units = [unit for unit in published_structure(course).units if unit.title == KINYARWANDA_UNIT]
    assert len(units) == 1, "the published hospital course holds the unit"
    path = f"/learn/{HOSPITAL}/unit/{units[0].key}"

    nurse = next(person for person in PEOPLE if person.key == "nurse")
    auth.login(nurse.email, nurse.password)
    outline = _page(client, f"/learn/{HOSPITAL}/")
    assert f'href="{path}"' in outline and KINYARWANDA_UNIT in outline  # she finds it in her course
    page = _page(client, path)
    assert '<html lang="rw">' in page
    body = page[page.index('<div lang="rw">') :]
    body = body[: body.index("</div>")]

    # Marked for review in both languages, the English note marked as English.
    assert "Irategereje gusuzumwa" in body
    english_note = re.search(r'<span lang="en">(.*?)</span>', body, re.S)
    assert english_note and "awaiting review by a native speaker" in english_note.group(1)

    # The rest is Kinyarwanda: its common words are there, English ones are not (the English original's
    # title, quoted, aside).
    kinyarwanda = re.sub(r"“[^”]*”", " ", _text(body.replace(english_note.group(0), " "))).lower()
    words = set(re.findall(r"[a-z']+", kinyarwanda))
    assert {"umwana", "niba", "kandi", "mu", "ukoresheje", "umunota"} <= words, words
    assert not words & {"the", "and", "of", "baby", "breathing", "minute", "within", "start"}, words

    # Another learner's English page says which part is Kinyarwanda (for screen readers and translation).
    auth.logout()
    learner = next(person for person in PEOPLE if person.key == "learner")
    auth.login(learner.email, learner.password)
    page = _page(client, path)
    assert '<html lang="en">' in page and '<div lang="rw">' in page
