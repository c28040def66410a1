"""The assessments API: attempts (filtered, paginated) and one attempt with its answers, keys only for staff;
pre/post results per course or cohort. A learner reads only their own; an instructor their cohort's active
learners; the course's owner and co-authors (and admins) the whole course."""

from __future__ import annotations

import json

import pytest

from assessments import grading
from lms.accounts.tokens import create_api_token
from lms.db import db
from tests.assessments.instructor_world import build_world

API = "/api/v1"


@pytest.fixture
def world(factory):
    built = build_world(factory)
    alice, bruno = built.learners_a
    built.alice_pre = built.take(alice, "pre", right=2)
    grading.grade_answer(built.essay_answer(built.alice_pre), 1, "Half", built.users["owner"].id)  # 3 of 4
    built.alice_post = built.take(alice, "post", right=2)
    grading.grade_answer(built.essay_answer(built.alice_post), 2, "", built.users["owner"].id)  # 4 of 4
    built.bruno_pre = built.take(bruno, "pre", right=1, essay=None)  # 1 of 4
    built.zoe_pre = built.take(built.learner_b, "pre", right=0, essay=None)  # 0 of 4
    db.session.commit()
    built.headers = {}
    for role, user in built.users.items():
        if user is not None:
            _token, raw = create_api_token(user, "tests")
            built.headers[role] = {"Authorization": f"Bearer {raw}"}
    _token, raw = create_api_token(bruno, "tests")
    built.headers["bruno"] = {"Authorization": f"Bearer {raw}"}
    db.session.commit()
    return built


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {attempt["id"] for attempt in response.get_json()}


def test_each_role_lists_the_attempts_it_may_read(client, world):
    everyone = {world.alice_pre.id, world.alice_post.id, world.bruno_pre.id, world.zoe_pre.id}
    withdrawn = set(_ids(client.get(f"{API}/attempts", headers=world.headers["admin"]))) - everyone
    assert len(withdrawn) == 1  # the withdrawn learner's pre-test: still the course's, for its staff
    expected = {
        "admin": everyone | withdrawn,
        "owner": everyone | withdrawn,
        "co_author": everyone | withdrawn,
        "instructor": {world.alice_pre.id, world.alice_post.id, world.bruno_pre.id},
        "other_instructor": {world.zoe_pre.id},
        "learner": {world.alice_pre.id, world.alice_post.id},
        "bruno": {world.bruno_pre.id},
    }
    for role, ids in expected.items():
        assert _ids(client.get(f"{API}/attempts", headers=world.headers[role])) == ids, role


def test_filters_and_pages(client, world):
    headers = world.headers["owner"]
    get = lambda **query: _ids(client.get(f"{API}/attempts", headers=headers, query_string=query))  # noqa: E731
    assert get(kind="post") == {world.alice_post.id}
    assert get(user=world.learners_a[1].id) == {world.bruno_pre.id}
    assert get(cohort=world.cohort_b.id) == {world.zoe_pre.id}
    assert get(cohort=world.cohort_a.id, kind="pre") == {world.alice_pre.id, world.bruno_pre.id}
    assert get(course=world.course.id, kind="practice") == set()
    assert get(course=2**31 - 1) == set()
    response = client.get(f"{API}/attempts", headers=headers, query_string={"page_size": 2})
    assert len(response.get_json()) == 2
    assert json.loads(response.headers["X-Pagination"])["total"] == 5
    for bad in ({"kind": "final"}, {"course": "abc"}, {"cohort": 2**31}, {"user": 0}):
        response = client.get(f"{API}/attempts", headers=headers, query_string=bad)
        assert response.status_code == 422 and response.get_json()["code"] == 422


def test_one_attempt_with_scores_and_keys_for_staff_only(client, world):
    url = f"{API}/attempts/{world.alice_pre.id}"
    world.take(world.learners_a[0], "post")  # her last post-test attempt: her pre-test's scores may show
    mine = client.get(url, headers=world.headers["learner"])
    assert mine.status_code == 200
    body = mine.get_json()
    assert (body["learner"], body["assessment"], body["kind"], body["percent"]) == (
        "Alice Learner",
        "Safety pre-test",
        "pre",
        75.0,
    )
    assert len(body["answers"]) == 3
    assert all(answer["right_answer"] is None for answer in body["answers"])  # never the key to its learner
    assert "Right" not in json.dumps([a["right_answer"] for a in body["answers"]])
    essay = next(a for a in body["answers"] if a["type"] == "essay")
    assert (essay["score"], essay["max_mark"], essay["comment"], essay["response"]) == (1.0, 2.0, "Half", "Isolate it.")
    for role in ("instructor", "owner", "co_author", "admin"):
        staff = client.get(url, headers=world.headers[role]).get_json()
        keys = [a["right_answer"] for a in staff["answers"] if a["type"] == "single_choice"]
        assert all(key.startswith("Right ") for key in keys), role
    for role in ("other_instructor", "bruno"):
        assert client.get(url, headers=world.headers[role]).status_code == 403
    assert client.get(f"{API}/attempts/999999", headers=world.headers["admin"]).status_code == 404
    assert client.get(f"{API}/attempts/99999999999", headers=world.headers["admin"]).status_code == 404
    assert client.get(url).status_code == 401


def test_results_per_course_and_cohort(client, world):
    course, a = world.course.id, world.cohort_a.id
    alice, bruno, zoe = world.learners_a[0].id, world.learners_a[1].id, world.learner_b.id

    def rows(role, **query):
        response = client.get(f"{API}/results", headers=world.headers[role], query_string={"course": course, **query})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    whole = rows("owner")
    assert {r["user_id"]: (r["pre"], r["post"], r["matched"]) for r in whole["rows"]} == {
        alice: (75.0, 100.0, True),
        bruno: (25.0, None, False),
        zoe: (0.0, None, False),
    }  # the withdrawn learner's essay is not graded: no score
    assert (whole["learners"], whole["matched"], whole["pre_mean"], whole["post_mean"]) == (3, 1, 75.0, 100.0)
    assert {r["user_id"] for r in rows("owner", cohort=a)["rows"]} == {alice, bruno}
    assert {r["user_id"] for r in rows("instructor")["rows"]} == {alice, bruno}
    assert {r["user_id"] for r in rows("instructor", cohort=a)["rows"]} == {alice, bruno}
    assert {r["user_id"] for r in rows("other_instructor")["rows"]} == {zoe}
    assert [r["user_id"] for r in rows("learner")["rows"]] == [alice]
    assert [r["name"] for r in rows("bruno")["rows"]] == ["Bruno Learner"]
    forbidden = client.get(
        f"{API}/results", headers=world.headers["other_instructor"], query_string={"course": course, "cohort": a}
    )
    assert forbidden.status_code == 403
    assert (
        client.get(f"{API}/results", headers=world.headers["admin"], query_string={"course": 999999}).status_code == 404
    )
    other_course_cohort = client.get(
        f"{API}/results", headers=world.headers["admin"], query_string={"course": course, "cohort": 999999}
    )
    assert other_course_cohort.status_code == 404
    assert client.get(f"{API}/results", headers=world.headers["admin"]).status_code == 422  # course is required


def test_a_stranger_reads_nothing(client, world, factory):
    stranger = factory.user("assessor")
    _token, raw = create_api_token(stranger, "tests")
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"{API}/attempts", headers=headers).get_json() == []
    assert client.get(f"{API}/attempts/{world.alice_pre.id}", headers=headers).status_code == 403
    response = client.get(f"{API}/results", headers=headers, query_string={"course": world.course.id})
    assert response.status_code == 403


def test_the_operations_are_in_the_openapi_document(client):
    paths = client.get(f"{API}/openapi.json").get_json()["paths"]
    assert {"/api/v1/attempts", "/api/v1/attempts/{attempt_id}", "/api/v1/results"} <= set(paths)
