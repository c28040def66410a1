"""Screenshots of the main pages at 360 px and 1280 px, for docs/screenshots/ (run by scripts/screenshots).

The same set-up as the browser journeys, so the pictures show what the tests check: a fresh instance
folder seeded with the demo and served as the README runs it (``serve_demo`` of tests/e2e/conftest.py:
``lms init-db``, ``lms seed-demo``, ``lms serve`` on a free port), and Debian's Chromium through Playwright
(``launch_chromium`` of tests/browser.py). Each picture is what the screen shows when the page has loaded
and its blocks have started (the viewport, not the whole page), in English whatever the demo person's own
language, named ``<page>-<width>.png``. The phone is emulated as one (touch, ``is_mobile``, two device
pixels to the CSS pixel: a 720 × 1480 picture); the laptop's picture is 1280 × 800.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.browser, tests.e2e.conftest and lms from this checkout

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from lms.demo import PEOPLE  # noqa: E402
from tests.browser import CHROMIUM, MISSING, launch_chromium  # noqa: E402
from tests.e2e.conftest import serve_demo  # noqa: E402

PERSON = {person.key: person for person in PEOPLE}
WIDTHS = {
    # A phone's screen has two device pixels or more to the CSS pixel: at 1 its picture is blurred.
    360: {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2},
    1280: {"viewport": {"width": 1280, "height": 800}},
}
BLOCKS_STARTED = "() => !document.querySelector('.xblock-v1[data-init]:not(.xblock-initialized):not(.xblock-failed)')"


def _first_link(page: Page, start: str, selector: str) -> str:
    page.goto(start)
    return page.locator(selector).first.get_attribute("href")


def _unit_with(block_type: str, course: str) -> Callable[[Page], str]:
    """The first unit of ``course`` that shows a block of ``block_type``, as its learner finds it."""

    def find(page: Page) -> str:
        page.goto(f"/learn/{course}/")
        for href in [link.get_attribute("href") for link in page.locator("main a[href*='/unit/']").all()]:
            page.goto(href)
            if page.locator(f".xblock-v1[data-block-type='{block_type}']").count():
                return href
        raise LookupError(f"no unit of {course} shows a {block_type} block")

    return find


def _editor_of(block_type: str, course: str) -> Callable[[Page], str]:
    """The studio's editor of the first ``block_type`` component of ``course``, found through its units."""

    def find(page: Page) -> str:
        page.goto(f"/studio/courses/{course}/")
        for href in [link.get_attribute("href") for link in page.locator("main a[href*='/unit/']").all()]:
            page.goto(href)
            editor = page.locator(f"main a[href*='type@{block_type}+'][href$='/edit']")
            if editor.count():
                return editor.first.get_attribute("href")
        raise LookupError(f"no {block_type} component in {course}")

    return find


@dataclass(frozen=True)
class Shot:
    name: str
    person: str | None  # None: a visitor, not logged in
    path: str | Callable[[Page], str]  # a path, or how to find it from the person's pages


SHOTS = [
    Shot("landing", None, "/"),
    Shot("dashboard", "learner", "/"),
    Shot("course-outline", "learner", "/learn/TOT-ELEC-101/"),
    Shot("hospital-unit", "learner", _unit_with("skill_checklist", "HOSP-NRP-201")),
    Shot("profile", "learner", "/profile"),
    Shot("studio-outline", "doctor", "/studio/courses/HOSP-NRP-201/"),
    Shot("component-editor", "doctor", _editor_of("skill_checklist", "HOSP-NRP-201")),  # the step editor
    Shot("assess-matrix", "assessor", lambda page: _first_link(page, "/assess/", "main a[href^='/assess/cohort/']")),
]


def _log_in(page: Page, key: str, base_url: str) -> None:
    person = PERSON[key]
    page.goto("/login")
    page.fill("input[name=email]", person.email)
    page.fill("input[name=password]", person.password)
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(f"{base_url}/")
    if page.locator("html").get_attribute("lang") != "en":
        page.select_option("#lang-select", "en")
        page.locator("form.lang-switch [type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def take(browser, base_url: str, out: Path, shots: list[Shot]) -> list[Path]:
    written = []
    for width, options in WIDTHS.items():
        pages: dict[str | None, Page] = {}
        for shot in shots:
            if shot.person not in pages:
                context = browser.new_context(base_url=base_url, **options)
                pages[shot.person] = context.new_page()
                if shot.person:
                    _log_in(pages[shot.person], shot.person, base_url)
            page = pages[shot.person]
            path = shot.path if isinstance(shot.path, str) else shot.path(page)
            page.goto(path, wait_until="networkidle")
            page.wait_for_function(BLOCKS_STARTED)
            page.evaluate("() => document.fonts.ready")
            target = out / f"{shot.name}-{width}.png"
            page.screenshot(path=str(target), animations="disabled", caret="hide")
            written.append(target)
        for page in pages.values():
            page.context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"only these pages (of: {', '.join(s.name for s in SHOTS)})")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder (docs/screenshots)")
    args = parser.parse_args(argv)
    unknown = set(args.names) - {shot.name for shot in SHOTS}
    if unknown:
        parser.error(f"unknown page(s): {', '.join(sorted(unknown))}")
    if not CHROMIUM.exists():
        print(f"scripts/screenshots {MISSING}", file=sys.stderr)
        return 1
    shots = [shot for shot in SHOTS if not args.names or shot.name in args.names]
    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="tot-lms-screenshots-") as instance,
        serve_demo(Path(instance)) as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        try:
            written = take(browser, server.url, args.out, shots)
        finally:
            browser.close()
    for path in written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
