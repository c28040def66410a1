"""The instructor's assessment pages in a real browser (Debian's headless Chromium) at phone and laptop widths:
axe-core finds no WCAG 2.1 A/AA violation on any of them, errors and confirmation steps included. Each page is
fetched from the test app and loaded with the site's own style sheet inline (contrast is part of the check).
Skipped where no Chromium is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments import bank, grading
from lms.db import db
from tests.assessments.instructor_world import build_world
from tests.browser import AXE_SOURCE, CHROMIUM, MISSING

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)]
CSS = (Path(__file__).resolve().parents[2] / "lms" / "static" / "lms.css").read_text(encoding="utf-8")


def _pages(client, auth, factory) -> dict[str, str]:
    world = build_world(factory)
    alice, bruno = world.learners_a
    alice_pre = world.take(alice, "pre", right=1)
    bruno_pre = world.take(bruno, "pre", right=2)
    world.take(bruno, "post", submit=False)
    question = next(q for q in world.choice_questions if any(a.version.question_id == q.id for a in alice_pre.answers))
    definition = dict(question.current_version.definition)
    definition["choices"] = [{**c, "fraction": 1 - c["fraction"]} for c in definition["choices"]]
    bank.save_question(question, definition)
    grading.grade_answer(world.essay_answer(bruno_pre), 1, "Fair", world.users["owner"].id)
    db.session.commit()
    a = world.cohort_a.id
    essay = world.essay_answer(alice_pre)
    auth.login(world.users["owner"])
    get = lambda url, **kw: client.get(url, **kw).get_data(as_text=True)  # noqa: E731
    post = lambda url, data: client.post(url, data=data).get_data(as_text=True)  # noqa: E731
    grant = f"/assessments/cohorts/{a}/learners/{alice.id}/accommodations"
    return {
        "index": get("/assessments/"),
        "attempts": get(f"/assessments/cohorts/{a}/attempts"),
        "attempts filtered to nothing": get(f"/assessments/cohorts/{a}/attempts?status=in_progress&assessment=x"),
        "learner": get(f"/assessments/cohorts/{a}/learners/{bruno.id}"),
        "accommodation errors": post(grant, {"assessment": world.keys["pre"], "extra_minutes": "x", "reason": ""}),
        "accommodation confirmation": post(
            grant, {"assessment": world.keys["pre"], "extra_attempts": "1", "reason": "Ill on the day"}
        ),
        "attempt": get(f"/assessments/attempts/{alice_pre.id}"),
        "grading queue": get("/assessments/grading"),
        "grading page": get(f"/assessments/grading/{essay.id}"),
        "grading error": post(f"/assessments/grading/{essay.id}", {"score": "9", "seen": ""}),
        "corrected questions": get(f"/assessments/courses/{world.course.code}/regrade"),
        "regrade plan": get(f"/assessments/questions/{question.id}/regrade"),
        "regrade done": client.post(f"/assessments/questions/{question.id}/regrade").get_data(as_text=True),
    }


def test_every_instructor_page_passes_axe_at_phone_and_laptop_widths(browser, client, auth, factory):
    pages = _pages(client, auth, factory)
    axe = AXE_SOURCE.read_text(encoding="utf-8")
    failures = {}
    for width in (360, 1280):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        for name, html in pages.items():
            assert "<main" in html, name
            page.set_content(html.replace("</head>", f"<style>{CSS}</style></head>", 1))
            page.evaluate(axe)
            result = page.evaluate(
                """async () => await axe.run(document, {runOnly: {type: 'tag',
                    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"""
            )
            found = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
            if found:
                failures[(name, width)] = found
        context.close()
    assert failures == {}
