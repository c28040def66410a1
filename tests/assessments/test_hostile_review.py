"""A hostile review of the assessments package (issue 21): each test is an attack that once worked (a 500, a
leaked key, a write it should refuse) and is now refused with a clear 4xx, or tells nothing more than the
learner's page does."""

from __future__ import annotations

import pytest

from assessments.models import AttemptAnswer
from lms.db import db
from tests.assessments.test_assessment_block import _attempt, _choice, _start, assessed  # noqa: F401 - fixture
from tests.assessments.test_assessments_api import API, world  # noqa: F401 - fixture
from tests.blocks.helpers import handler_url


# -- the answer handler: a forged sequence number -------------------------------------------------------------
@pytest.mark.parametrize("sequence", [2**31, 10**20])
def test_a_sequence_number_past_the_column_is_a_400_and_nothing_is_written(client, auth, assessed, sequence):  # noqa: F811
    auth.login(assessed["learner"])
    page = _start(client, assessed)
    attempt = _attempt(assessed)
    first = attempt.answers[0]
    body = {"attempt": attempt.id, "slot": first.slot, "answer": [_choice(first, True)], "sequence": sequence}
    response = client.post(handler_url(page, assessed["key"], "answer"), json=body)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"] == "Not saved. Reload the page and try again."
    db.session.rollback()
    stored = db.session.get(AttemptAnswer, first.id)
    db.session.refresh(stored)
    assert (stored.response, stored.sequence) == (None, 0)
    # The largest number the page could ever send is still taken.
    body["sequence"] = 2**31 - 1
    assert client.post(handler_url(page, assessed["key"], "answer"), json=body).status_code == 200


# -- the API: a pre-test's per-answer scores before the post-test ---------------------------------------------
def test_the_api_does_not_tell_a_learner_which_pre_test_answers_were_right_before_the_post_test(client, world):  # noqa: F811
    # Bruno took the pre-test and no post-test: his page shows his score, not which answers were right.
    response = client.get(f"{API}/attempts/{world.bruno_pre.id}", headers=world.headers["bruno"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["percent"] == 25.0  # the total, as the page shows it
    assert all(a["fraction"] is None and a["score"] is None for a in body["answers"]), body["answers"]
    # Staff still see every score; Alice, who has submitted her post-test, sees hers.
    staff = client.get(f"{API}/attempts/{world.bruno_pre.id}", headers=world.headers["instructor"]).get_json()
    assert sorted(a["fraction"] for a in staff["answers"]) == [0.0, 0.0, 1.0]
    alice = client.get(f"{API}/attempts/{world.alice_pre.id}", headers=world.headers["learner"]).get_json()
    assert sorted(a["fraction"] for a in alice["answers"]) == [0.5, 1.0, 1.0]
    assert any(a["comment"] == "Half" for a in alice["answers"])
