"""Input no client should send is refused with a 4xx, never a 500, on SQLite and PostgreSQL alike: ids past the
databases' integers in any route, a NUL character in an address or a form field, a name over several lines.
(The API's own cases are in tests/test_api.py and tests/test_api_schema.py, the CSV import's in
tests/test_cohorts.py, block handlers' in tests/courses.)"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.accounts.models import ApiToken, User
from lms.db import db
from lms.web import ID_MAX, IdConverter


def page(response) -> str:
    return response.get_data(as_text=True)


def _urls_with_ids(app, value: int) -> list[tuple[str, str]]:
    """(method, URL) of every route with an ``<int:…>`` part, that part ``value``, the others plain words."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not any(isinstance(converter, IdConverter) for converter in rule._converters.values()):
            continue
        path = rule.rule
        for name, converter in rule._converters.items():
            part = str(value) if isinstance(converter, IdConverter) else "x"
            path = re.sub(rf"<(?:[^:<>]+:)?{name}>", part, path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


@pytest.mark.parametrize("value", [ID_MAX + 1, 2**63, 10**30], ids=["past-postgresql", "past-sqlite", "far-past"])
def test_every_route_answers_404_to_an_id_past_the_databases_integers(app, client, auth, factory, value):
    """2**31 and more name no row (every id column is a 32-bit INTEGER on PostgreSQL): the route does not match,
    for every method, logged in or not, before any view or database is asked."""
    urls = _urls_with_ids(app, value)
    assert len(urls) >= 20  # cohorts, people, invitations, assessors, handlers, the API…
    auth.login(factory.user("admin"))
    for method, url in urls:
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url, response.status_code)
    assert client.get(f"/cohorts/{ID_MAX}").status_code == 404  # the largest id is looked up, and not found


def test_int_routes_take_ascii_digits_only(app, client, auth, factory):
    auth.login(factory.user("admin"))
    cohort = factory.cohort()
    assert client.get(f"/cohorts/{cohort.id}").status_code == 200
    arabic_indic = "".join(chr(0x660 + int(digit)) for digit in str(cohort.id))
    assert client.get(f"/cohorts/{arabic_indic}").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/courses/A%00B", "/cohorts/?q=a%00b", "/admin/users?q=%00", "/login?next=/%00", "/admin/users?%00=x"],
)
def test_a_nul_character_in_the_address_is_a_400_page(client, auth, factory, url):
    """PostgreSQL can neither store nor compare text holding NUL: a course code or a search with one would 500."""
    auth.login(factory.user("admin"))
    response = client.get(url)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "The request could not be understood." in page(response)


def test_a_nul_character_in_a_form_field_is_an_error_beside_the_field(client, auth, factory):
    user = factory.user("learner")
    auth.login(user)
    response = client.post("/profile/tokens", data={"name": "laptop\x00"})
    assert response.status_code == 400
    assert "This field cannot contain a NUL character." in page(response)
    assert db.session.scalar(select(ApiToken)) is None


@pytest.mark.parametrize("name", ["Two\nLines", "Carriage\rReturn", "Tab\tName", "Nul\x00Name", "Line\u2028Sep"])
def test_a_name_is_one_line_of_text(client, auth, factory, name):
    user = factory.user("learner", name="Old Name")
    auth.login(user)
    response = client.post("/profile", data={"name": name, "language": "en", "institution_id": 0})
    assert response.status_code == 400
    assert re.search(r"one line of text|cannot contain a NUL", page(response))
    db.session.rollback()
    assert db.session.get(User, user.id).name == "Old Name"
