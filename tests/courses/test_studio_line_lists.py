"""A resource block's files and a procedure log's autonomy levels are edited as lines of text, not JSON."""

from __future__ import annotations

from courses.context import runtime_for
from courses.models import Course
from lms.db import db
from tests.courses.helpers import build_course


def _draft(code: str, key: str, author):  # noqa: ANN001, ANN202
    course = db.session.query(Course).filter_by(code=code).one()
    return runtime_for(course, author, "draft").get_block(key)


def test_resource_files_are_one_per_line(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["resource"]]}}, code="ST-RES", publish_it=False)
    key = built.components[built.units[0]][0]
    auth.login(built.author)
    page = client.get(f"/studio/courses/ST-RES/blocks/{key}/edit").get_data(as_text=True)
    assert "One file per line" in page and "JSON" not in page
    lines = "Checklist | /static/checklist.pdf | Print it\r\n\r\nWHO guideline | https://www.who.int/g.pdf\r\n"
    response = client.post(
        f"/studio/courses/ST-RES/blocks/{key}/edit", data={"display_name": "Handouts", "intro": "", "files": lines}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert _draft("ST-RES", key, built.author).files == [
        {"title": "Checklist", "url": "/static/checklist.pdf", "description": "Print it"},
        {"title": "WHO guideline", "url": "https://www.who.int/g.pdf"},
    ]
    again = client.get(f"/studio/courses/ST-RES/blocks/{key}/edit").get_data(as_text=True)
    assert "Checklist | /static/checklist.pdf | Print it" in again  # shown back as lines


def test_a_bad_file_line_is_named_and_nothing_is_saved(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["resource"]]}}, code="ST-RES2", publish_it=False)
    key = built.components[built.units[0]][0]
    auth.login(built.author)
    for lines, words in (
        ("Good | /static/a.pdf\nNo address here", "Line 2: write the title"),
        ("Insecure | http://example.org/a.pdf", "Line 1: the address must be"),
    ):
        response = client.post(
            f"/studio/courses/ST-RES2/blocks/{key}/edit", data={"display_name": "H", "intro": "", "files": lines}
        )
        assert response.status_code == 400 and words in response.get_data(as_text=True)
    db.session.expire_all()
    assert _draft("ST-RES2", key, built.author).files == []


def test_autonomy_levels_are_one_per_line(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["procedure_log"]]}}, code="ST-LOG", publish_it=False)
    key = built.components[built.units[0]][0]
    auth.login(built.author)
    form = {"display_name": "Logbook", "procedure": "Catheterisation", "description": "", "min_supervised": "2"}
    response = client.post(
        f"/studio/courses/ST-LOG/blocks/{key}/edit", data={**form, "autonomy_scale": "Observed\nAssisted\nAlone"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert _draft("ST-LOG", key, built.author).autonomy_scale == ["Observed", "Assisted", "Alone"]
    one = client.post(f"/studio/courses/ST-LOG/blocks/{key}/edit", data={**form, "autonomy_scale": "Only"})
    assert one.status_code == 400 and "at least two levels" in one.get_data(as_text=True)
