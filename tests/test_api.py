"""The JSON API: personal access tokens, bearer authentication, the error shape, cohorts, the OpenAPI document."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import ApiToken, User
from lms.cohorts.models import Enrollment
from lms.db import db

API = "/api/v1"


def page(response) -> str:
    return response.get_data(as_text=True)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_api_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert {"code", "status", "message"} <= set(body)
    assert body["code"] == status and isinstance(body["status"], str) and body["message"]
    return body


@pytest.fixture
def token_for(app, auth, client):
    """Creates a token the way a person does (on the profile page) and returns the raw value."""

    def create(user, name: str = "script") -> str:
        auth.login(user)
        response = client.post("/profile/tokens", data={"name": name})
        assert response.status_code == 200
        match = re.search(r'<code class="token" id="new-token">([^<]+)</code>', page(response))
        auth.logout()
        return match.group(1)

    return create


# --- tokens --------------------------------------------------------------------------------------------


def test_token_is_shown_once_and_only_its_hash_is_stored(client, auth, factory):
    user = factory.user("learner")
    auth.login(user)
    response = client.post("/profile/tokens", data={"name": "  my laptop "})
    raw = re.search(r'id="new-token">([^<]+)<', page(response)).group(1)
    assert raw.startswith("tot_") and len(raw) > 40
    token = db.session.scalar(select(ApiToken))
    assert token.name == "my laptop"
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:10]
    assert raw not in (token.token_hash, token.prefix, token.name)
    again = page(client.get("/profile"))
    assert raw not in again and token.prefix in again  # listed by its prefix, never shown again


def test_token_needs_a_name(client, auth, factory):
    auth.login(factory.user("learner"))
    response = client.post("/profile/tokens", data={"name": "   "})
    assert response.status_code == 400 and 'id="name-error"' in page(response)
    assert db.session.scalar(select(ApiToken)) is None


def test_me_with_a_bearer_token(client, factory, token_for):
    user = factory.user("learner", "verifier", name="Api User", institution="iprc-kitabi")
    raw = token_for(user)
    response = client.get(f"{API}/me", headers=bearer(raw))
    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id,
        "email": user.email,
        "name": "Api User",
        "language": "en",
        "roles": ["learner", "verifier"],
        "institution": {"id": user.institution_id, "code": "iprc-kitabi", "name": "IPRC Kitabi"},
    }
    assert response.headers["Cache-Control"] == "no-store"
    # The token's last use is recorded after the response's own (read) transaction.
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


def test_me_for_a_user_without_institution(client, factory, token_for):
    raw = token_for(factory.user("learner", institution=None))
    assert client.get(f"{API}/me", headers=bearer(raw)).get_json()["institution"] is None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        bearer("tot_made-up"),
        bearer("not-even-our-prefix"),
    ],
    ids=["missing", "empty", "basic", "unknown", "foreign"],
)
def test_missing_or_unknown_token_is_a_json_401(client, headers):
    response = client.get(f"{API}/me", headers=headers)
    assert_api_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_missing_token_error_says_how_to_authenticate(client):
    body = assert_api_error(client.get(f"{API}/me"), 401)
    assert "Authorization: Bearer" in body["message"]


def test_revoked_token_stops_working(client, auth, factory, token_for):
    user = factory.user("learner")
    raw = token_for(user)
    assert client.get(f"{API}/me", headers=bearer(raw)).status_code == 200
    token_id = db.session.scalar(select(ApiToken.id))
    auth.login(user)
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    auth.logout()
    assert_api_error(client.get(f"{API}/me", headers=bearer(raw)), 401)


def test_someone_elses_token_cannot_be_revoked(client, auth, factory, token_for):
    raw = token_for(factory.user("learner"))
    token_id = db.session.scalar(select(ApiToken.id))
    auth.login(factory.user("learner"))
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 404
    assert client.get(f"{API}/me", headers=bearer(raw)).status_code == 200


def test_token_of_a_deactivated_account_is_refused(client, factory, token_for):
    user = factory.user("learner")
    raw = token_for(user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert_api_error(client.get(f"{API}/me", headers=bearer(raw)), 401)


def test_session_cookie_alone_does_not_authenticate_the_api(client, auth, factory):
    auth.login(factory.user("admin"))
    assert client.get("/profile").status_code == 200  # the cookie is valid for pages …
    assert_api_error(client.get(f"{API}/me"), 401)  # … not for the API
    assert_api_error(client.get(f"{API}/cohorts"), 401)


def test_institutions_are_listed_for_any_token(client, factory, token_for):
    raw = token_for(factory.user("learner"))
    codes = [i["code"] for i in client.get(f"{API}/institutions", headers=bearer(raw)).get_json()]
    assert len(codes) == 8 and "iprc-gishari" in codes


# --- cohorts -------------------------------------------------------------------------------------------


@pytest.fixture
def cohorts(factory):
    instructor = factory.user("author", email="instructor@example.org")
    course = factory.course(owner=instructor, title="Solar installation")
    learners = [factory.user("learner", name=f"Learner {letter}") for letter in "ABC"]
    mine = factory.cohort(course=course, instructors=[instructor], learners=learners, name="Mine")
    factory.cohort(course=course, instructors=[instructor], name="Mine too")
    theirs = factory.cohort(name="Theirs")  # another author's course: its owner sees all of its own cohorts
    return {"instructor": instructor, "mine": mine, "theirs": theirs}


def test_instructor_lists_own_cohorts_with_pagination_headers(client, cohorts, token_for):
    raw = token_for(cohorts["instructor"])
    response = client.get(f"{API}/cohorts?page_size=1", headers=bearer(raw))
    assert response.status_code == 200
    assert len(response.get_json()) == 1
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 2 and meta["total_pages"] == 2 and meta["page"] == 1 and meta["next_page"] == 2
    second = client.get(f"{API}/cohorts?page_size=1&page=2", headers=bearer(raw)).get_json()
    names = {response.get_json()[0]["name"], second[0]["name"]}
    assert names == {"Mine", "Mine too"}
    first = response.get_json()[0]
    assert set(first) == {
        "id",
        "name",
        "course_id",
        "course_title",
        "institution_id",
        "institution",
        "starts_on",
        "ends_on",
        "instructors",
    }
    assert first["course_title"] == "Solar installation" and "instructor@example.org" in first["instructors"]


def test_bad_pagination_arguments_are_a_422_with_errors(client, cohorts, token_for):
    raw = token_for(cohorts["instructor"])
    body = assert_api_error(client.get(f"{API}/cohorts?page=0", headers=bearer(raw)), 422)
    assert "page" in json.dumps(body["errors"])


@pytest.mark.parametrize(
    ("past", "size"), [("3", 1), ("99999999999999999999999", 1), ("1000000000", 100), (str(2**63), 100)]
)
def test_a_page_past_the_end_is_an_empty_list(client, cohorts, token_for, past, size):
    """(page - 1) × page size is the OFFSET: past 2**63 it would overflow either database."""
    raw = token_for(cohorts["instructor"])
    response = client.get(f"{API}/cohorts?page_size={size}&page={past}", headers=bearer(raw))
    assert response.status_code == 200 and response.get_json() == []
    meta = json.loads(response.headers["X-Pagination"])
    assert meta["total"] == 2 and meta["last_page"] == -(-2 // size) and "page" not in meta


def test_admin_lists_every_cohort(client, factory, cohorts, token_for):
    raw = token_for(factory.user("admin"))
    assert json.loads(client.get(f"{API}/cohorts", headers=bearer(raw)).headers["X-Pagination"])["total"] == 3


def test_cohort_endpoints_respect_permissions(client, factory, cohorts, token_for):
    mine, theirs = cohorts["mine"].id, cohorts["theirs"].id
    instructor = token_for(cohorts["instructor"])
    learner = token_for(factory.user("learner"))
    assert client.get(f"{API}/cohorts/{mine}", headers=bearer(instructor)).get_json()["name"] == "Mine"
    assert_api_error(client.get(f"{API}/cohorts/{theirs}", headers=bearer(instructor)), 403)
    assert_api_error(client.get(f"{API}/cohorts/{theirs}/enrollments", headers=bearer(instructor)), 403)
    body = assert_api_error(
        client.post(
            f"{API}/cohorts/{theirs}/enrollments",
            json={"email": "x@example.org", "name": "X"},
            headers=bearer(instructor),
        ),
        403,
    )
    assert "errors" not in body
    assert_api_error(client.get(f"{API}/cohorts", headers=bearer(learner)), 403)
    assert_api_error(client.get(f"{API}/cohorts/{mine}", headers=bearer(learner)), 403)
    assert_api_error(client.get(f"{API}/cohorts/999999", headers=bearer(instructor)), 404)
    assert db.session.scalar(select(User).where(User.email == "x@example.org")) is None


def test_enrollments_are_listed_by_name_and_paginated(client, cohorts, token_for):
    raw = token_for(cohorts["instructor"])
    url = f"{API}/cohorts/{cohorts['mine'].id}/enrollments"
    response = client.get(f"{url}?page_size=2", headers=bearer(raw))
    assert [e["name"] for e in response.get_json()] == ["Learner A", "Learner B"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    assert [e["name"] for e in client.get(f"{url}?page_size=2&page=2", headers=bearer(raw)).get_json()] == ["Learner C"]


def test_enroll_through_the_api(client, factory, cohorts, token_for):
    raw = token_for(cohorts["instructor"])
    url = f"{API}/cohorts/{cohorts['mine'].id}/enrollments"
    response = client.post(url, json={"email": "New.Api@example.org", "name": "New Api"}, headers=bearer(raw))
    assert response.status_code == 201
    body = response.get_json()
    assert body["account_created"] is True and body["newly_enrolled"] is True
    assert body["enrollment"]["email"] == "new.api@example.org" and body["enrollment"]["status"] == "active"
    again = client.post(url, json={"email": "new.api@example.org"}, headers=bearer(raw)).get_json()
    assert again["account_created"] is False and again["newly_enrolled"] is False
    enrolled = client.get(url, headers=bearer(raw)).get_json()
    assert [e["email"] for e in enrolled].count("new.api@example.org") == 1
    created = db.session.scalar(select(User).where(User.email == "new.api@example.org"))
    assert created.name == "New Api" and created.roles == {"learner"}
    # RFC 3339 with its offset, as the document's date-time says (times are stored in UTC without one)
    assert enrolled[0]["enrolled_at"].endswith("+00:00")
    assert datetime.fromisoformat(body["enrollment"]["enrolled_at"]).utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({}, "email"),
        ({"email": "nobody.yet@example.org"}, "name"),
        ({"email": "nobody.yet@example.org", "name": "N" * 201}, "name"),
        ({"email": "nobody.yet@example.org", "name": "Nul\u0000Name"}, "name"),
        ({"email": "nobody.yet@example.org", "name": "Two\r\nLines"}, "name"),
    ],
    ids=["bad-email", "no-email", "new-address-without-name", "name-too-long", "nul-in-name", "crlf-in-name"],
)
def test_enroll_validation_errors_are_a_422_with_errors(client, cohorts, token_for, payload, field):
    raw = token_for(cohorts["instructor"])
    before = db.session.query(Enrollment).count()
    response = client.post(f"{API}/cohorts/{cohorts['mine'].id}/enrollments", json=payload, headers=bearer(raw))
    body = assert_api_error(response, 422)
    assert field in body["errors"]["json"], body
    assert db.session.query(Enrollment).count() == before
    assert db.session.scalar(select(User).where(User.email == "nobody.yet@example.org")) is None


def test_json_nested_past_the_parsers_depth_is_a_400(client, cohorts, token_for):
    """Ten thousand ``[`` (10 KB) ran Python's JSON parser out of recursion: a 500 before."""
    raw = token_for(cohorts["instructor"])
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post(
        f"{API}/cohorts/{cohorts['mine'].id}/enrollments",
        data=deep,
        content_type="application/json",
        headers=bearer(raw),
    )
    assert_api_error(response, 400)


# 2**31: past PostgreSQL's INTEGER (every id column); 2**63: past SQLite's; then far past both.
TOO_LARGE_IDS = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("too_large", TOO_LARGE_IDS)
def test_an_id_past_the_databases_integers_is_a_404(client, factory, cohorts, token_for, too_large):
    raw = token_for(factory.user("admin"))
    before = db.session.query(Enrollment).count()
    for response in (
        client.get(f"{API}/cohorts/{too_large}", headers=bearer(raw)),
        client.get(f"{API}/cohorts/{too_large}/enrollments", headers=bearer(raw)),
        # the path has a GET rule too: still 404, not 405
        client.post(f"{API}/cohorts/{too_large}/enrollments", json={"email": "x@example.org"}, headers=bearer(raw)),
    ):
        assert_api_error(response, 404)
    assert db.session.query(Enrollment).count() == before
    largest = 2**31 - 1  # the largest id there can be: looked up, not found
    assert assert_api_error(client.get(f"{API}/cohorts/{largest}", headers=bearer(raw)), 404)["message"] == (
        "No cohort with this id."
    )


@pytest.mark.parametrize("url", [f"{API}/cohorts/%00", f"{API}/cohorts?page=1&q=a%00b", f"{API}/me?%00=1"])
def test_a_nul_character_in_the_address_is_a_400(client, factory, token_for, url):
    raw = token_for(factory.user("admin"))
    assert "NUL" in assert_api_error(client.get(url, headers=bearer(raw)), 400)["message"]


def test_api_needs_no_csrf_token(app_overrides, factory, token_for, client, cohorts):
    """Bearer tokens are not sent by browsers on their own, so the API is exempt from CSRF checks."""
    from lms.app import create_app

    raw = token_for(cohorts["instructor"])
    strict = create_app({**app_overrides, "WTF_CSRF_ENABLED": True})
    response = strict.test_client().post(
        f"{API}/cohorts/{cohorts['mine'].id}/enrollments",
        json={"email": "csrf.free@example.org", "name": "Csrf Free"},
        headers=bearer(raw),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    db.session.rollback()  # end the test's read transaction: the other app's request committed after it began
    enrolled = db.session.scalar(
        select(Enrollment)
        .join(User)
        .where(Enrollment.cohort_id == cohorts["mine"].id, User.email == "csrf.free@example.org")
    )
    assert enrolled is not None and enrolled.status == "active"


# --- the OpenAPI document ------------------------------------------------------------------------------


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_document_describes_every_api_route(app, client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]

    documented = {
        (path, method.upper())
        for path, item in doc["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API + "/") or rule.endpoint.startswith("api-docs."):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            served.add((_openapi_path(rule.rule), method))
    assert served, "no API route found"
    assert served == documented

    # Every operation answers something, and every path parameter is declared.
    for path, item in doc["paths"].items():
        declared = {p["name"] for p in item.get("parameters", []) if p["in"] == "path"}
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert operation["responses"], (path, method)
            names = declared | {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert set(re.findall(r"{([^}]+)}", path)) == names, (path, method)

    # Ids are bounded as the routes bound them; X-Pagination is a JSON object, and says so.
    cohort_id = doc["paths"][f"{API}/cohorts/{{cohort_id}}"]["parameters"][0]
    assert cohort_id["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
    pagination = doc["components"]["headers"]["PAGINATION"]
    assert "schema" not in pagination
    assert pagination["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PaginationMetadata"}


def test_openapi_document_declares_bearer_security_and_resolves_its_references(client):
    doc = client.get(f"{API}/openapi.json").get_json()
    scheme = doc["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert {"bearerAuth": []} in doc["security"]

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(doc))
    assert found
    for ref in found:
        assert ref.startswith("#/")
        target = doc
        for part in ref[2:].split("/"):
            assert part in target, f"unresolved {ref}"
            target = target[part]
