"""Every page of every demo role fits a 360 px phone (issue 20, point 4).

Each role (admin, author, assessor, verifier, learner) logs in on an emulated phone and follows the links
of its pages, from the dashboard on, as a person would; on every page reached, the document is no wider
than the screen (``document.documentElement.scrollWidth <= 360``: nothing scrolls sideways, so no
Withdraw, Edit or Delete is pushed off-screen), and every table of the page's own content sits in a box
that scrolls it sideways, which keyboard users can reach (``tabindex=0``) and screen readers announce
(``role=region`` with a name). Pages with a table pass axe-core too. The pages the issue named are checked
to have been reached, and the studio outline's version table is reached with the Tab key and scrolled
with the arrow keys.

The journey runs on a demo server of its own: walking every link records progress and positions that the
other journeys' demo server must not carry.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, serve_demo

PERSON = {person.key: person for person in PEOPLE}
WIDTH = 360
PHONE = {"viewport": {"width": WIDTH, "height": 740}, "is_mobile": True, "has_touch": True}
ROLES = ["admin", "author", "assessor", "verifier", "learner.kigali"]  # learner.kigali: Kinyarwanda labels
PAGES_PER_ROLE = 80
# Links not to follow: files (downloads, media), exports, and what is not a page of the app.
NOT_PAGES = re.compile(r"\.(pdf|png|jpe?g|gif|svg|vtt|srt|mp4|webm|mp3|csv|zip|tar\.gz|json)$|/export|/static/|/api/")
# The pages the issue found wider than the screen, and the studio outline (its version table).
NAMED = {
    "institutions": re.compile(r"^/admin/institutions/$"),
    "a cohort": re.compile(r"^/cohorts/\d+$"),
    "course files": re.compile(r"^/studio/courses/[^/]+/files$"),
    "the assess matrix": re.compile(r"^/assess/$"),
    "an assessor's cohort": re.compile(r"^/assess/cohort/\d+$"),
    "the studio outline": re.compile(r"^/studio/courses/[^/]+/$"),
}

# Tables of the app's own pages (not those a block draws: what a unit shows is the phone unit journey's),
# and what is wrong with the box that scrolls each, if anything.
TABLE_PROBLEMS = """() => {
  const problems = [];
  for (const table of document.querySelectorAll('main table')) {
    if (table.closest('.unit-body, [data-usage]')) continue;  // a block's own content
    const label = table.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40);
    let box = table.parentElement;
    while (box && box !== document.body) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') break;
      box = box.parentElement;
    }
    if (!box || box === document.body) { problems.push(`table "${label}" is in no box that scrolls it`); continue; }
    const ids = (box.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const name = (box.getAttribute('aria-label') || ids.map(id => document.getElementById(id)?.textContent || '').join(' ')).trim();
    if (box.getAttribute('tabindex') !== '0') problems.push(`table "${label}": its scroll box has no tabindex=0`);
    if (box.getAttribute('role') !== 'region') problems.push(`table "${label}": its scroll box is not a region`);
    if (!name) problems.push(`table "${label}": its scroll box has no name`);
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("e2e-phone-layout")) as server:
        yield server


@pytest.fixture
def phone(browser, layout_server):
    contexts = []

    def open_phone(person):
        context = browser.new_context(base_url=layout_server.url, **PHONE)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", person.email)
        page.fill("input[name=password]", person.password)
        page.locator("main form [type=submit]").click()
        expect(page).to_have_url(f"{layout_server.url}/")
        return page

    yield open_phone
    for context in contexts:
        context.close()


def _links(page, origin: str) -> list[str]:
    found = []
    for href in page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or NOT_PAGES.search(parts.path):
            continue
        # One page of each list: other pages, orders and filters of it have the same layout.
        query = "" if re.search(r"(^|&)(page|sort|dir|q)=", parts.query) else parts.query
        found.append(parts.path + (f"?{query}" if query else ""))
    return found


def walk(page, origin: str, check) -> set[str]:
    """Visit the pages reachable from the dashboard (breadth first, at most PAGES_PER_ROLE), ``check``ing each."""
    seen: set[str] = set()
    queue = ["/"]
    while queue and len(seen) < PAGES_PER_ROLE:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        try:
            response = page.goto(path)
        except Exception as error:  # noqa: BLE001 - a link that turns out to be a download is not a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or response.status >= 400 or "text/html" not in response.headers.get("content-type", ""):
            continue
        check(path)
        queue.extend(link for link in _links(page, origin) if link not in seen)
    return seen


def test_no_page_of_any_role_scrolls_sideways_on_a_360px_phone(phone, layout_server, check_a11y):
    problems: list[str] = []
    reached: set[str] = set()
    for key in ROLES:
        page = phone(PERSON[key])

        def check(path: str, page=page, key=key) -> None:
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > WIDTH:
                problems.append(f"{key} {path}: the page is {width} px wide")
            problems.extend(f"{key} {path}: {problem}" for problem in page.evaluate(TABLE_PROBLEMS))
            if page.locator("main table").count():
                check_a11y(page)

        reached |= walk(page, layout_server.url, check)
    assert not problems, "\n".join(problems)
    missing = [name for name, pattern in NAMED.items() if not any(pattern.match(path) for path in reached)]
    assert not missing, f"the journey never reached {missing}"


def test_the_studio_version_table_is_reached_and_scrolled_with_the_keyboard(phone):
    page = phone(PERSON["author"])
    page.goto("/studio/courses/TOT-ELEC-101/")
    expect(page.locator("main table")).to_have_count(1)  # the versions
    holds_the_table = "() => !!document.activeElement.querySelector('table')"
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate(holds_the_table):
            break
    else:
        pytest.fail("the Tab key never reaches the version table")
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("role", "region")
    assert page.evaluate("() => document.activeElement.scrollWidth > document.activeElement.clientWidth"), (
        "the version table fits the phone: scrolling it proves nothing"
    )
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(focused).to_be_visible()
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
