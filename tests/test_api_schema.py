"""The API against its own OpenAPI document (``/api/v1/openapi.json``), with schemathesis: generated requests for
every operation, as an admin and as a learner, must never get a 5xx, and every answer must be what the
document says (status, content type, body schema).

Bounded and repeatable: a fixed number of generated cases per operation (``MAX_EXAMPLES``), derandomised, no
example database. Operations with a cohort or attempt id run twice per case: with the generated id (almost
always one that does not exist) and with a real one's, so enrollments are really listed and created and an
attempt really read (the learner's own, submitted).
"""

from __future__ import annotations

import contextvars

import pytest
import schemathesis
from flask import has_app_context
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from lms.accounts.tokens import create_api_token
from lms.db import db

MAX_EXAMPLES = 40


@pytest.fixture
def callers(factory):
    """Bearer headers of an admin and of a learner, and a cohort the admin manages with the learner in it."""
    admin = factory.user("admin", name="Api Admin")
    learner = factory.user("learner", name="Api Learner")
    cohort = factory.cohort(learners=[learner])
    headers = {}
    for role, user in (("admin", admin), ("learner", learner)):
        _token, raw = create_api_token(user, f"schemathesis {role}")
        headers[role] = {"Authorization": f"Bearer {raw}"}
    attempt_id = _submitted_attempt(cohort.course, learner)
    db.session.commit()
    return {"headers": headers, "cohort_id": cohort.id, "attempt_id": attempt_id, "course_id": cohort.course_id}


def _submitted_attempt(course, learner) -> int:
    """The learner's submitted attempt at a one-question test of the cohort's course, so that the attempts and
    results operations answer with real rows (answers, a key for the admin, none for the learner)."""
    from assessments import attempts, bank

    question = bank.add_question(
        course.id,
        bank.NewQuestion(
            {"type": "single_choice", "stem": "<p>Q?</p>", "choices": [{"text": "a", "fraction": 1}, {"text": "b"}]}
        ),
    )
    settings = attempts.Settings(
        usage_key=f"block-v1:{course.code}+type@assessment+block@pre",
        course_id=course.id,
        kind="pre",
        question_ids=(question.id,),
    )
    attempt = attempts.start(settings, learner.id)
    attempts.save_answer(attempt.id, 1, question.current_version.definition["choices"][0]["id"], 1)
    attempts.submit(attempt)
    return attempt.id


def _isolated(app, calls: list):
    """The app as a WSGI callable whose every request runs in a context of its own, as ``IsolatedClient``
    does for the test client (pytest-flask's request context would otherwise share ``g`` and the database
    session with every request); the response is read and closed in it, so after-response jobs run there."""

    def wsgi(environ, start_response):  # noqa: ANN001, ANN202
        calls.append(environ["PATH_INFO"])
        # schemathesis asks for gzip but its WSGI transport does not decode it, as an HTTP client would: a large
        # answer (a 422 naming many bad values) would be unreadable to its checks.
        environ.pop("HTTP_ACCEPT_ENCODING", None)
        if has_app_context():
            db.session.commit()

        def run() -> list[bytes]:
            response = app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                getattr(response, "close", lambda: None)()

        return contextvars.Context().run(run)

    return wsgi


# No 5xx, and every answer as the document describes it. Not `positive_data_acceptance`: the API refuses
# some schema-valid requests by rule, with a documented answer (a new address without a name: 422; a cohort
# the caller does not manage: 403). Not `negative_data_rejection`: each case is sent with a valid token, and a
# cohort's with a real cohort too, which can make a request generated to be invalid (no Authorization
# header, a cohort id of the wrong type) a valid one.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.ignored_auth,
]


def _test_operation(operation, mode: GenerationMode, callers: dict) -> None:
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case) -> None:  # noqa: ANN001
        path, query = dict(case.path_parameters or {}), case.query
        variants = [(path, query)]
        for name in ("cohort_id", "attempt_id"):
            if name in path:
                variants.append(({**path, name: callers[name]}, query))
        if isinstance(query, dict) and "course" in query:  # the results of the real course too
            variants.append((path, {**query, "course": callers["course_id"]}))
        for path_parameters, query_parameters in variants:
            case.path_parameters, case.query = path_parameters, query_parameters
            for headers in callers["headers"].values():
                case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_the_api_answers_as_its_openapi_document_says(app, callers, monkeypatch):
    # The public verification endpoints are rate limited per client; every generated case comes from one
    # address, and must reach the checks rather than the limit.
    monkeypatch.setitem(app.config, "VERIFY_MAX_PER_IP", 10**9)
    calls: list[str] = []
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _isolated(app, calls))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6  # /me, /institutions, the cohorts and their enrollments
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _test_operation(operation, mode, callers)
    # A few hundred generated cases, each sent as both users (and more for a cohort's operations).
    assert len(calls) > 800, len(calls)
    assert f"/api/v1/attempts/{callers['attempt_id']}" in calls  # a real attempt was read
