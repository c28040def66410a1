"""The instructor's cohort progress table: permissions, contents, sorting, CSV, constant queries."""

from __future__ import annotations

import csv
import io

import pytest

from tests.courses.helpers import build_course

LAYOUT = {"Module one": {"L1": [["html"], ["html"]]}, "Module two": {"L2": [["html"]]}}


def cohort_with_progress(client, auth, factory):
    built = build_course(factory, LAYOUT, code="INS-1")
    instructor = factory.user("author", name="Ines Instructor")
    ana = factory.user("learner", name="Ana Uwera")
    ben = factory.user("learner", name="Ben Habimana")
    cohort = factory.cohort(course=built.course, instructors=[instructor], learners=[ana, ben])
    auth.login(ana)
    for unit in built.units[:2]:  # all of module one
        client.get(f"/learn/INS-1/unit/{unit}")
    auth.logout()
    auth.login(ben)
    client.get(f"/learn/INS-1/unit/{built.units[2]}")  # all of module two
    auth.logout()
    return built, cohort, instructor


def test_progress_table_and_sorting(client, auth, factory):
    built, cohort, instructor = cohort_with_progress(client, auth, factory)
    auth.login(instructor)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert f"/cohorts/{cohort.id}/progress" in page  # linked from the cohort page
    html = client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert "Module one" in html and "Module two" in html
    ana_row = html[html.index("Ana Uwera") : html.index("Ben Habimana")]
    assert "100%" in ana_row and "0%" in ana_row and "67%" in ana_row
    by_module_two = client.get(f"/cohorts/{cohort.id}/progress?sort=m1&dir=desc").get_data(as_text=True)
    assert by_module_two.index("Ben Habimana") < by_module_two.index("Ana Uwera")
    by_name = client.get(f"/cohorts/{cohort.id}/progress?sort=name").get_data(as_text=True)
    assert by_name.index("Ana Uwera") < by_name.index("Ben Habimana")
    assert 'aria-sort="ascending"' in by_name


@pytest.mark.parametrize(
    "key", ["bogus", "m2", "m-1", "m01", "m²", "m١", "m" + "9" * 5000, "", "total%00"], ids=lambda key: repr(key)[:12]
)
def test_an_unknown_sort_key_sorts_by_name_and_says_so(client, auth, factory, key):
    """Module 2 does not exist (two modules), "m²" is not a number to int(), 5000 digits are past int()'s limit:
    each sorts by name, the Learner column is marked sorted and the search form keeps "name"."""
    built, cohort, instructor = cohort_with_progress(client, auth, factory)
    auth.login(instructor)
    response = client.get(f"/cohorts/{cohort.id}/progress?sort={key}&dir=desc")
    if "%00" in key:  # a NUL in the address is refused before the page is built
        assert response.status_code == 400
        return
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Ben Habimana") < html.index("Ana Uwera")  # by name, descending as asked
    assert html.count("aria-sort=") == 1
    learner_column = html[html.index("<thead>") : html.index("Module one")]
    assert 'aria-sort="descending"' in learner_column
    assert '<input type="hidden" name="sort" value="name">' in html


def test_progress_csv(client, auth, factory):
    built, cohort, instructor = cohort_with_progress(client, auth, factory)
    auth.login(instructor)
    response = client.get(f"/cohorts/{cohort.id}/progress.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Name", "E-mail", "Institution"] and rows[0][3:5] == ["Module one (%)", "Module two (%)"]
    assert rows[1][0] == "Ana Uwera" and rows[1][3:6] == ["100", "0", "67"]
    assert rows[2][0] == "Ben Habimana" and rows[2][3:6] == ["0", "100", "33"]


def test_only_the_cohorts_instructors_and_admins_see_progress(client, auth, factory):
    built, cohort, instructor = cohort_with_progress(client, auth, factory)
    for outsider in (factory.user("learner"), factory.user("author"), factory.user("assessor")):
        auth.login(outsider)
        assert client.get(f"/cohorts/{cohort.id}/progress").status_code == 403
        assert client.get(f"/cohorts/{cohort.id}/progress.csv").status_code == 403
        auth.logout()
    auth.login(factory.user("admin"))
    assert client.get(f"/cohorts/{cohort.id}/progress").status_code == 200


def test_progress_queries_do_not_grow_with_learners(client, auth, factory, count_queries):
    built, cohort, instructor = cohort_with_progress(client, auth, factory)
    auth.login(instructor)
    client.get(f"/cohorts/{cohort.id}/progress")
    with count_queries() as before:
        client.get(f"/cohorts/{cohort.id}/progress")
    from lms.cohorts.services import enroll

    for _ in range(5):
        enroll(cohort, factory.user("learner"))
    from lms.db import db

    db.session.commit()
    with count_queries() as after:
        client.get(f"/cohorts/{cohort.id}/progress")
    assert after.count == before.count


# Names are stripped when saved, so a tab or CR never starts one (tests/test_csv_export.py has those).
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+SUM(1,2)", "-2+3", "@SUM(A1)"]


def test_progress_csv_cells_never_become_formulas(client, auth, factory):
    """Names, institutions and module titles come from people: a spreadsheet shows each as text."""
    from lms.institutions.services import save_institution

    evil = save_institution(None, code="evil-hospital", name="=1+1", kind="hospital", city=None)
    built = build_course(factory, {"=cmd|' /C calc'!A0": {"L": [["html"]]}}, code="INS-CSV")
    instructor = factory.user("author", name="Ines Instructor")
    learners = [factory.user("learner", name=name, institution=evil.code) for name in FORMULAS]
    plain = factory.user("learner", name="Jean-Paul Habimana")
    cohort = factory.cohort(course=built.course, instructors=[instructor], learners=[*learners, plain])
    auth.login(instructor)
    response = client.get(f"/cohorts/{cohort.id}/progress.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][3] == "'=cmd|' /C calc'!A0 (%)"
    cells = {row[0]: row for row in rows[1:]}
    for name in FORMULAS:
        assert cells["'" + name][2] == "'=1+1"  # the institution too
        assert cells["'" + name][3:5] == ["0", "0"]  # numbers stay numbers
    assert cells["Jean-Paul Habimana"][2] == "IPRC Kigali"  # text that starts no formula is left alone
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
