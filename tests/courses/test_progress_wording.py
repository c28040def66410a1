"""What progress says to a learner (issue 20, point 6): module counters count units, the unit page's
counter already includes the visit it records, and the outline and the dashboard word the way into a course
the same (Start, Continue, Review) from one state."""

from __future__ import annotations

import re

from tests.courses.helpers import build_course

# One module of two units holding three components: the counters speak of the two units.
LAYOUT = {"Safety": {"Isolation": [["html", "html"], ["html"]]}, "Practice": {"Plans": [["html"]]}}


def _learner(factory, built):
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    return learner


def _main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _way_in(html: str) -> list[str]:
    """The labels of the buttons of the page's main part (the way into a course)."""
    return [_text(label).strip() for label in re.findall(r'<a class="button"[^>]*>(.*?)</a>', _main(html), re.S)]


def test_module_counters_count_units_not_components(client, auth, factory):
    built = build_course(factory, LAYOUT, code="TOT-CNT")
    auth.login(_learner(factory, built))
    first, second, third = built.units

    outline = _text(client.get("/learn/TOT-CNT/").get_data(as_text=True))
    assert "0 of 2 done" in outline and "0 of 1 done" in outline

    # The page that records the visit already counts it: no reload needed to see "1 of 2".
    page = _text(_main(client.get(f"/learn/TOT-CNT/unit/{first}").get_data(as_text=True)))
    assert "Module: 1 of 2 done" in page
    outline = _text(client.get("/learn/TOT-CNT/").get_data(as_text=True))
    assert "1 of 2 done" in outline and "0 of 1 done" in outline and "33% complete" in outline

    page = _text(_main(client.get(f"/learn/TOT-CNT/unit/{second}").get_data(as_text=True)))
    assert "Module: 2 of 2 done" in page
    # Seen again, the counter is the same (the visit writes nothing new, the page says the same).
    page = _text(_main(client.get(f"/learn/TOT-CNT/unit/{first}").get_data(as_text=True)))
    assert "Module: 2 of 2 done" in page
    page = _text(_main(client.get(f"/learn/TOT-CNT/unit/{third}").get_data(as_text=True)))
    assert "Module: 1 of 1 done" in page


def test_an_author_preview_or_a_staff_visit_counts_nothing(client, auth, factory):
    built = build_course(factory, LAYOUT, code="TOT-PRV")
    auth.login(built.author)  # not a learner of the course: the visit records nothing, the page claims nothing
    page = _text(_main(client.get(f"/learn/TOT-PRV/unit/{built.units[0]}").get_data(as_text=True)))
    assert "Module: 0 of 2 done" in page


def test_outline_and_dashboard_say_start_continue_then_review(client, auth, factory):
    built = build_course(factory, LAYOUT, code="TOT-WAY")
    auth.login(_learner(factory, built))

    assert _way_in(client.get("/").get_data(as_text=True)) == ["Start"]
    assert _way_in(client.get("/learn/").get_data(as_text=True)) == ["Start"]
    assert _way_in(client.get("/learn/TOT-WAY/").get_data(as_text=True)) == ["Start: Isolation unit 1"]

    client.get(f"/learn/TOT-WAY/unit/{built.units[0]}")
    assert _way_in(client.get("/").get_data(as_text=True)) == ["Continue"]
    assert _way_in(client.get("/learn/TOT-WAY/").get_data(as_text=True)) == ["Continue: Isolation unit 1"]

    for unit in built.units:
        client.get(f"/learn/TOT-WAY/unit/{unit}")
    dashboard = client.get("/").get_data(as_text=True)
    outline = client.get("/learn/TOT-WAY/").get_data(as_text=True)
    assert _way_in(dashboard) == ["Review"]
    assert _way_in(outline) == ["Review: Plans unit 1"]
    for page in (dashboard, outline):
        assert "Course completed" in page and "100% complete" in page and "Continue" not in _text(_main(page))
