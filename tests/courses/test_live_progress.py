"""The unit page's progress line without a reload (issue 20, point 6): the JSON the page re-reads after a
block's handler call (``courseware.unit_progress``), its access rules, and the hint a handler call that
recorded a completion gives the page (``Server-Timing: progress``)."""

from __future__ import annotations

import re

from tests.courses.helpers import build_course, handler_url
from tests.courses.test_gates import LOCKED, gate  # noqa: F401 - the fixture, used by name

# Module "Safety": a text unit, then a unit completed by its `done` block; module "Practice": one text unit.
LAYOUT = {"Safety": {"Isolation": [["html"], ["done"]]}, "Practice": {"Plans": [["html"]]}}


def _learner(factory, built):
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return learner


def _live_url(html: str) -> str:
    match = re.search(r'<p class="meta" aria-live="polite" aria-atomic="true" data-live-url="([^"]+)">', html)
    assert match, "no live progress line on the page"
    return match.group(1)


def test_the_line_follows_a_completion_made_by_a_handler_call(client, auth, factory):
    built = build_course(factory, LAYOUT, code="LIVE-1")
    auth.login(_learner(factory, built))
    first, second, _third = built.units
    client.get(f"/learn/LIVE-1/unit/{first}")
    page = client.get(f"/learn/LIVE-1/unit/{second}").get_data(as_text=True)
    assert "Module: 1 of 2 done" in page
    url = _live_url(page)
    assert url == f"/learn/LIVE-1/progress/{second}"
    assert '<script src="/static/live.js?v=' in page  # the done block has script: so has the page

    before = client.get(url)
    assert before.status_code == 200 and "no-store" in before.headers["Cache-Control"]
    assert before.get_json() == {
        "module": {"key": built.chapters[0], "done": 1, "total": 2},
        "course": {"done": 1, "total": 3, "percent": 33, "complete": False},
        "line": "Module: 1 of 2 done",
        "final": False,
    }

    done_block = built.components[second][0]
    call = client.post(handler_url(page, done_block, "toggle_button"), json={"done": True})
    assert call.status_code == 200 and call.headers.get("Server-Timing") == "progress"

    after = client.get(url).get_json()
    assert after["module"] == {"key": built.chapters[0], "done": 2, "total": 2}
    assert after["course"] == {"done": 2, "total": 3, "percent": 67, "complete": False}
    assert after["line"] == "Module: 2 of 2 done" and after["final"] is True


def test_a_handler_call_that_records_no_completion_gives_no_hint(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["thumbs"]]}}, code="LIVE-2")
    auth.login(_learner(factory, built))
    unit = built.units[0]
    page = client.get(f"/learn/LIVE-2/unit/{unit}").get_data(as_text=True)
    vote = client.post(handler_url(page, built.components[unit][0], "vote"), json={"voteType": "up"})
    assert vote.status_code == 200 and "Server-Timing" not in vote.headers
    assert "Server-Timing" not in client.get(f"/learn/LIVE-2/unit/{unit}").headers


def test_the_line_speaks_the_learners_language(client, auth, factory):
    built = build_course(factory, LAYOUT, code="LIVE-FR")
    learner = _learner(factory, built)
    auth.login(learner)
    client.get(f"/learn/LIVE-FR/unit/{built.units[0]}")
    answer = client.get(f"/learn/LIVE-FR/progress/{built.units[0]}", headers={"Accept-Language": "fr"}).get_json()
    page = client.get(f"/learn/LIVE-FR/unit/{built.units[0]}", headers={"Accept-Language": "fr"})
    assert answer["line"] in page.get_data(as_text=True)


def test_who_may_read_it_is_who_may_see_the_unit(client, auth, factory, gate):  # noqa: F811
    built = build_course(factory, LAYOUT, code="LIVE-3")
    learner = _learner(factory, built)
    url = f"/learn/LIVE-3/progress/{built.units[0]}"

    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    auth.login(factory.user("learner"))  # a learner of no cohort of the course
    assert client.get(url).status_code == 403
    auth.logout()

    auth.login(learner)
    assert client.get(url).status_code == 200
    for bad in (
        "/learn/LIVE-3/progress/no-such-unit",
        f"/learn/LIVE-3/progress/{built.chapters[0]}",  # a module, not a unit
        f"/learn/LIVE-3/progress/{built.components[built.units[1]][0]}",  # a component
        f"/learn/NO-SUCH-COURSE/progress/{built.units[0]}",
        "/learn/LIVE-3/progress/" + "x" * 5000,
    ):
        assert client.get(bad).status_code == 404, bad
    assert client.get("/learn/LIVE-3/progress/%00%ff").status_code == 400  # not a key at all (lms/errors.py)

    gate.closed = {"Safety"}
    locked = client.get(url)
    assert locked.status_code == 403 and LOCKED in locked.get_data(as_text=True)
    assert client.get(f"/learn/LIVE-3/progress/{built.units[2]}").status_code == 200


def test_it_costs_a_handful_of_queries_and_the_page_none_more(client, auth, factory, count_queries):
    built = build_course(factory, LAYOUT, code="LIVE-4")
    auth.login(_learner(factory, built))
    unit = built.units[0]
    client.get(f"/learn/LIVE-4/unit/{unit}")
    with count_queries() as counter:
        assert client.get(f"/learn/LIVE-4/progress/{unit}").status_code == 200
    # A ceiling: the user, the course row, the enrolment, the completions.
    assert counter.count <= 4, counter.statements
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for s in counter.statements)


def test_a_page_without_script_or_a_preview_has_no_live_script(client, auth, factory):
    built = build_course(factory, LAYOUT, code="LIVE-5")
    auth.login(_learner(factory, built))
    text_only = client.get(f"/learn/LIVE-5/unit/{built.units[0]}").get_data(as_text=True)
    assert "live.js" not in text_only and "<script" not in text_only
    auth.logout()
    auth.login(built.author)
    preview = client.get(f"/studio/LIVE-5/preview/{built.units[1]}").get_data(as_text=True)
    assert "live.js" not in preview and "data-live-url" not in preview
