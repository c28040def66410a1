"""The report pages, their CSV files and the /api/v1/reports endpoints: who sees what (the course's staff every
cohort, an instructor their own, nobody else), the filters, the figures as the statistics compute them, the
warnings in words, the charts, and bad input answered with a clear 4xx."""

from __future__ import annotations

import csv
import io

import pytest

from assessments.analytics import paired_gain
from lms.db import db
from tests.assessments.reports.world import answered, attempt, cohort, course_with_tests
from tests.test_api import bearer, token_for  # noqa: F401 - the fixture

API = "/api/v1/reports/courses"


@pytest.fixture
def world(factory):
    """A course with two cohorts at two institutions (Huye: 3 learners, Musanze: 2), an instructor of the
    first cohort, and each learner's pre and post scores."""
    course, keys, versions = course_with_tests(factory, questions=3)
    instructor = factory.user("assessor", name="Ina Instructor")
    scores = {
        "Alice Uwase": (40, 80),
        '=HYPERLINK("http://evil.example")': (50, 45),
        "Claude Habimana": (30, 90),
        "Diane Mukamana": (60, 70),
        "Eric Nsengiyumva": (20, 60),
    }
    learners = {name: factory.user("learner", name=name) for name in scores}
    names = list(scores)
    huye = cohort(factory, course, [learners[n] for n in names[:3]], "iprc-huye", name="Huye 2026")
    musanze = cohort(factory, course, [learners[n] for n in names[3:]], "iprc-musanze", name="Musanze 2026")
    from lms.cohorts.models import Cohort, cohort_instructor

    db.session.execute(cohort_instructor.insert().values(cohort_id=huye.id, user_id=instructor.id))
    for name, (pre, post) in scores.items():
        attempt(learners[name], course, keys["pre"], "pre", pre)
        attempt(learners[name], course, keys["post"], "post", post)
    # The practice test: the first item answered wrongly by the strongest, rightly by the weakest (miskeyed).
    marks = [(0, 1, 1), (0, 1, 1), (1, 0, 1), (1, 0, 0), (1, 0, 0)]
    for name, row in zip(names, marks, strict=True):
        answered(learners[name], course, keys["practice"], "practice", dict(zip(versions, row, strict=True)))
    db.session.commit()
    assert db.session.get(Cohort, huye.id) is not None
    return {
        "course": course,
        "keys": keys,
        "scores": scores,
        "huye": huye,
        "musanze": musanze,
        "instructor": instructor,
    }


def _text(response) -> str:
    return response.get_data(as_text=True)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(_text(response).lstrip("\ufeff"))))


def test_the_owner_sees_every_cohort_with_the_figures_the_statistics_give(client, auth, world, factory):
    auth.login(factory.user("admin"))
    page = client.get(f"/reports/{world['course'].code}/")
    assert page.status_code == 200
    html = _text(page)
    expected = paired_gain([p for p, _ in world["scores"].values()], [q for _, q in world["scores"].values()])
    assert f"{expected.mean_gain:.1f}" in html and "5 of 5 enrolled" in html
    assert "Huye 2026" in html and "Musanze 2026" in html
    assert "Only 5 learners: read with care." in html  # the small-n warning, in words
    assert html.count('role="img"') >= 2  # the charts, drawn on the server
    assert "<script" not in html.split("</header>", 1)[1].split("<footer", 1)[0]


def test_an_instructor_sees_only_their_cohort_and_others_nothing(client, auth, world, factory):
    code = world["course"].code
    auth.login(world["instructor"])
    html = _text(client.get(f"/reports/{code}/learners"))
    assert "Alice Uwase" in html and "Diane Mukamana" not in html
    assert "Musanze 2026" not in _text(client.get(f"/reports/{code}/"))
    rows = _csv(client.get(f"/reports/{code}/learners.csv"))
    assert len(rows) == 1 + 3
    auth.logout()
    for role in ("learner", "author", "verifier"):
        auth.login(factory.user(role))
        assert client.get(f"/reports/{code}/").status_code == 403
        assert client.get(f"/reports/{code}/gain.csv").status_code == 403
        auth.logout()
    assert client.get(f"/reports/{code}/").status_code == 302  # a visitor is sent to log in


def test_filters_narrow_the_report_and_bad_ones_are_refused_with_a_message(client, auth, world, factory):
    code = world["course"].code
    auth.login(factory.user("admin"))
    from lms.institutions.queries import by_code

    musanze = by_code("iprc-musanze").id
    html = _text(client.get(f"/reports/{code}/learners?institution={musanze}"))
    assert "Diane Mukamana" in html and "Alice Uwase" not in html
    refused = client.get(f"/reports/{code}/?cohort=999999")
    assert refused.status_code == 400 and "not a valid choice" in _text(refused)
    backwards = client.get(f"/reports/{code}/?starts_from=2026-05-01&starts_until=2026-04-01")
    assert backwards.status_code == 400 and "before its start" in _text(backwards)
    assert client.get(f"/reports/{code}/?starts_from=yesterday").status_code == 400
    assert client.get(f"/reports/{code}/gain.csv?cohort=abc").status_code == 400


def test_csv_files_neutralise_formulas_and_keep_numbers(client, auth, world, factory):
    code = world["course"].code
    auth.login(factory.user("admin"))
    learners = _csv(client.get(f"/reports/{code}/learners.csv"))
    hostile = next(row for row in learners if "HYPERLINK" in row[0])
    assert hostile[0].startswith("'=") and hostile[6] == "-5.0"  # a loss stays a number
    gain = _csv(client.get(f"/reports/{code}/gain.csv"))
    assert gain[0][0] == "Breakdown" and {row[0] for row in gain[1:]} >= {"All learners", "Cohort", "Institution"}


def test_the_item_analysis_flags_a_miskeyed_question(client, auth, world, factory):
    code, key = world["course"].code, world["keys"]["practice"]
    auth.login(factory.user("admin"))
    page = client.get(f"/reports/{code}/items", query_string={"assessment": key})
    assert page.status_code == 200
    html = _text(page)
    assert "check the key" in html and 'role="img"' in html
    rows = _csv(client.get(f"/reports/{code}/items.csv", query_string={"assessment": key}))
    assert rows[1][-1] == "yes" and float(rows[1][6]) < 0  # the first question: negative discrimination
    assert client.get(f"/reports/{code}/items", query_string={"assessment": "nope"}).status_code == 404
    assert client.get("/reports/NO-SUCH-COURSE/").status_code == 404


def test_an_empty_course_says_so(client, auth, factory):
    course, _keys, _versions = course_with_tests(factory)
    auth.login(factory.user("admin"))
    html = _text(client.get(f"/reports/{course.code}/"))
    assert "No learner has taken both the pre-test and the post-test yet" in html
    index = _text(client.get("/reports/"))
    assert course.title in index


def test_the_api_gives_the_same_figures_to_the_same_readers(client, world, factory, token_for):  # noqa: F811
    code = world["course"].code
    admin_token = token_for(factory.user("admin"))
    report = client.get(f"{API}/{code}/gain", headers=bearer(admin_token)).get_json()
    assert report["overall"]["gain"]["n"] == 5 and report["overall"]["enrolled"] == 5
    assert {group["label"] for group in report["breakdowns"]["cohort"]} == {"Huye 2026", "Musanze 2026"}
    learners = client.get(f"{API}/{code}/learners?page_size=2", headers=bearer(admin_token))
    assert len(learners.get_json()) == 2 and "X-Pagination" in learners.headers
    items = client.get(f"{API}/{code}/items", query_string={"assessment": world["keys"]["practice"]},
                       headers=bearer(admin_token)).get_json()  # fmt: skip
    assert items["items"][0]["miskeyed"] is True
    foreign = client.get(f"{API}/{code}/gain?cohort=999999", headers=bearer(admin_token))
    assert foreign.status_code == 422
    instructor = client.get(f"{API}/{code}/gain", headers=bearer(token_for(world["instructor"]))).get_json()
    assert instructor["overall"]["gain"]["n"] == 3
    assert client.get(f"{API}/{code}/gain", headers=bearer(token_for(factory.user("learner")))).status_code == 403
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {f"{API}/{{code}}/gain", f"{API}/{{code}}/learners", f"{API}/{{code}}/items"} <= set(spec["paths"])


def test_the_next_page_of_learners_keeps_every_filter(app):
    from lms.web import page_url

    with app.test_request_context("/reports/TOT-1/learners?cohort=3&cohort=4&gender=female&page=1"):
        url = page_url(2)
    assert "cohort=3" in url and "cohort=4" in url and "gender=female" in url and "page=2" in url


def test_a_filter_matching_nobody_says_so_and_any_gender_is_a_valid_filter(client, auth, world, factory):
    code = world["course"].code
    auth.login(factory.user("admin"))
    nobody = client.get(f"/reports/{code}/?starts_from=2099-01-01")
    assert nobody.status_code == 200 and "No learner matches these filters." in _text(nobody)
    assert client.get(f"/reports/{code}/?gender=other").status_code == 200  # nobody in view, still valid
    download = client.get(f"/reports/{code}/gain.csv?gender=female")
    assert "-filtered-" in download.headers["Content-Disposition"]
    assert "-filtered-" not in client.get(f"/reports/{code}/gain.csv").headers["Content-Disposition"]


def test_tiny_p_values_stay_readable_in_the_csv(client, auth, factory):
    course, keys, _versions = course_with_tests(factory)
    learners = [factory.user("learner") for _ in range(12)]
    cohort(factory, course, learners)
    for number, learner in enumerate(learners):
        attempt(learner, course, keys["pre"], "pre", 20 + number)
        attempt(learner, course, keys["post"], "post", 80 + number / 2)
    db.session.commit()
    auth.login(factory.user("admin"))
    rows = _csv(client.get(f"/reports/{course.code}/gain.csv"))
    p = float(rows[1][rows[0].index("p (paired t-test)")])
    assert 0 < p < 1e-6  # a significant figure, not 0.0
