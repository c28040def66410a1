"""Every page of every demo role, on a 360 px phone and a 1280 px laptop (issue 20, "Done means").

Each role of the demo (``ROLES``: the programme admin, the two authors — a TVET trainer-of-trainers and a
hospital doctor —, the assessor, the verifier, a TVET learner and a hospital nurse, and a visitor who is
not logged in) opens the site at each width, the six who have accounts logged in. Its pages are found as
a person finds them: from ``/`` (the dashboard, or the landing page), following every link of every page
the role reaches inside the site (and the address of its GET forms, such as the verify box), fetched with
the role's own cookies. The demo has no student account apart from learners: a TVET student and a
trainer are both learners, and see the same pages. They are then grouped by what makes a page different, the route with its ids
and course codes taken out plus the kinds of blocks the page shows (``page_kind``): one course, one
cohort, one person, one editor per block type, one unit of each mix of blocks. The first page of each
group is opened in Chromium, and on it:

* the menu with Log out (Log in for the visitor) is on screen (at 360 px behind the Menu button, which is
  opened), and so is the language switcher;
* nothing scrolls sideways, with the menu closed or open (``scrollWidth <= clientWidth``);
* every table of the page's own content scrolls inside a focusable, named region (the phone layout of
  issue 20, point 4), so Withdraw, Edit or Delete are never off screen;
* it is in the person's language (the demo's people speak English, French and Kinyarwanda);
* every block on the page started (no ``.xblock-failed``);
* axe-core finds no WCAG 2.1 A/AA violation (with the menu open, so its links are checked too).

The pages each role reaches are also held to what the README's table of demo accounts says it sees (the
nurse the hospital curriculum only, the TVET author the TVET course's studio only…: ``ROLES``).
Problems are gathered over the whole journey and reported together. At the end the role uses the menu:
it opens Profile from it, then logs out from it, and its session is over (the visitor opens Log in).

Page weight is not checked here: ``test_page_weight_journey`` weighs every page a learner reaches (the
dashboard, My courses, both outlines and every unit of both demo courses), first and repeat visit, and
the staff pages are not on a learner's weak connection path.

The journeys run on a demo server of their own: opening every unit records positions and progress that
the other journeys' demo server must not carry.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, format_violations, serve_demo

PERSON = {person.key: person for person in PEOPLE}
WIDTHS = {
    360: {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True},
    1280: {"viewport": {"width": 1280, "height": 800}},
}
# Links not to follow: files (downloads, media), exports, and what is not a page of the app.
NOT_PAGES = re.compile(r"\.(pdf|png|jpe?g|gif|svg|vtt|srt|mp4|webm|mp3|csv|zip|tar\.gz|json)$|/export|/static/|/api/")
# Listing parameters (other pages, orders and filters of one list) do not change the layout.
LISTING = re.compile(r"(^|&)(page|sort|dir|q)=")
PER_ROUTE = 25  # pages fetched of one route (see discover)
UNCAPPED = (
    "/learn/<code>/unit/",
    "/studio/courses/<code>/unit/",
    "/studio/courses/<code>/preview/",
)  # units: blocks make kinds
VARIANTS_PER_ROUTE = 3  # kinds one route makes with its query strings
MAX_PAGES = 700  # a runaway crawl (a link that makes links) fails instead of running for ever

# What each role must find, so that a crawl that finds less (a lost link, a log-in that failed) fails, and
# what the README's table of demo accounts says each one sees: patterns of the pages it opens (one of each
# kind), of the pages it reaches (all of them, ``reaches``), of pages it must never reach (``never``), and
# the block types shown on the pages it opens.
STAFF_ONLY = [r"^/studio/", r"^/assess/", r"^/cohorts/", r"^/admin/"]
ROLES = {
    "admin": {  # people, invitations, institutions, cohorts, outbox; every course's studio
        "pages": [
            r"^/admin/users$",
            r"^/admin/users/\d+$",
            r"^/admin/invitations$",
            r"^/admin/outbox$",
            r"^/admin/institutions/$",
            r"^/cohorts/\d+$",
            r"^/cohorts/\d+/progress$",
            r"^/studio/courses/[^/]+/$",
            r"^/studio/courses/[^/]+/files$",
            r"^/assess/cohort/\d+$",
            r"^/verify$",
        ],
        "reaches": [r"^/studio/courses/TOT-ELEC-101/$", r"^/studio/courses/HOSP-NRP-201/$"],
        "never": [],
        "blocks": {"skill_checklist", "procedure_log", "poll", "survey", "done", "video", "html", "resource"},
    },
    "author": {  # owns the TVET course: its studio, the community blocks' editors, its cohorts
        "pages": [
            r"^/studio/courses/TOT-ELEC-101/$",
            r"^/studio/courses/TOT-ELEC-101/unit/",
            r"^/studio/courses/TOT-ELEC-101/preview/",
            r"^/studio/courses/TOT-ELEC-101/files$",
            r"^/studio/courses/TOT-ELEC-101/settings$",
            r"^/studio/courses/TOT-ELEC-101/authors$",
            r"type@html\+.*/edit$",
            r"type@poll\+.*/edit$",
            r"type@survey\+.*/edit$",
            r"type@done\+.*/edit$",
            r"type@video\+.*/edit$",
            r"^/studio/new$",
            r"^/studio/import$",
            r"^/cohorts/\d+/edit$",
            r"^/assess/cohort/\d+$",
        ],
        "reaches": [],
        "never": [r"^/studio/courses/HOSP-NRP-201/", r"^/admin/"],
        "blocks": {"poll", "survey", "done", "video", "html", "resource"},
    },
    "doctor": {  # owns the hospital curriculum: the skill checklist's and logbook's editors, sign-off
        "pages": [
            r"^/studio/courses/HOSP-NRP-201/$",
            r"type@skill_checklist\+.*/edit$",
            r"type@procedure_log\+.*/edit$",
            r"^/assess/$",
            r"^/assess/cohort/\d+/learner/\d+/",
        ],
        "reaches": [],
        "never": [r"^/studio/courses/TOT-ELEC-101/", r"^/admin/"],
        "blocks": {"skill_checklist", "procedure_log", "html", "resource"},
    },
    "assessor": {  # signs off checklists and verifies logbooks of the CHUK cohort
        "pages": [r"^/assess/$", r"^/assess/cohort/\d+$", r"^/assess/cohort/\d+/learner/\d+/", r"^/cohorts/\d+$"],
        "reaches": [],
        "never": [r"^/studio/", r"^/admin/", r"^/cohorts/\d+/edit$"],
        "blocks": {"skill_checklist", "procedure_log"},
    },
    "verifier": {"pages": [r"^/$", r"^/profile$", r"^/verify$"], "reaches": [], "never": STAFF_ONLY, "blocks": set()},
    "learner": {  # a TVET trainer at IPRC Huye, enrolled in both demo courses
        "pages": [r"^/learn/$", r"^/learn/[^/]+/$", r"^/learn/[^/]+/unit/", r"^/profile$"],
        "reaches": [r"^/learn/TOT-ELEC-101/unit/", r"^/learn/HOSP-NRP-201/unit/"],
        "never": STAFF_ONLY,
        "blocks": {"html", "video", "resource", "poll", "done", "survey", "skill_checklist", "procedure_log"},
    },
    "nurse": {  # a nurse at CHUK, in Kinyarwanda: the hospital curriculum only
        "pages": [r"^/learn/HOSP-NRP-201/$", r"^/learn/HOSP-NRP-201/unit/", r"^/profile$"],
        "reaches": [],
        "never": [*STAFF_ONLY, r"^/learn/TOT-ELEC-101/"],
        "blocks": {"html", "resource", "skill_checklist", "procedure_log"},
    },
    "visitor": {  # not logged in: the landing page, log-in, password reset, the verify box
        "pages": [r"^/$", r"^/login$", r"^/password/forgot$", r"^/verify$"],
        "reaches": [],
        "never": [*STAFF_ONLY, r"^/learn/", r"^/profile"],
        "blocks": set(),
    },
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
# The page as it loaded: how wide it is, and its blocks that failed to start.
PAGE_FACTS = """() => ({
  lang: document.documentElement.lang,
  wide: document.documentElement.scrollWidth,
  fits: document.documentElement.clientWidth,
  failed: [...document.querySelectorAll('.xblock-failed')].map(block => block.dataset.blockType),
  language: (() => {
    const button = document.querySelector('form.lang-switch [type=submit]');
    const box = button && button.checkVisibility() ? button.getBoundingClientRect() : null;
    return box && box.width ? {left: box.left, right: box.right} : null;
  })(),
})"""
# The header's menu: whether its Menu button, its nav and the nav's Log out are shown, and where (a box
# that is null when the element is absent or not rendered), and how wide the page is now.
MENU_FACTS = """() => {
  const place = (element) => {
    if (!element || !element.checkVisibility({visibilityProperty: true})) return null;
    const box = element.getBoundingClientRect();
    return box.width && box.height ? {left: box.left, right: box.right} : null;
  };
  return {
    summary: place(document.querySelector('details.menu > summary')),
    nav: place(document.querySelector('nav.site-nav')),
    logout: place(document.querySelector("nav.site-nav form[action='/logout'] button[type=submit]")),
    login: place(document.querySelector("nav.site-nav a[href='/login']")),
    wide: document.documentElement.scrollWidth,
    fits: document.documentElement.clientWidth,
  };
}"""
BLOCKS_STARTED = "() => !document.querySelector('.xblock-v1[data-init]:not(.xblock-initialized):not(.xblock-failed)')"


class _PageLinks(HTMLParser):
    """The links of a page (``<a href>``, the action of a GET form) and the block types it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.blocks: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form" and (attributes.get("method") or "get").lower() == "get" and attributes.get("action"):
            self.links.append(attributes["action"])
        if attributes.get("data-block-type"):
            self.blocks.add(attributes["data-block-type"])


def route(path: str) -> str:
    """The route of a page without what names one course, person, cohort or block among others of its kind.

    A component editor keeps its block type (each type has an editor of its own); a unit's route keeps
    nothing of its key, the blocks it shows tell its kind (``page_kind``)."""
    parts = urlsplit(path)
    shape = re.sub(r"^/(learn|studio/courses)/[^/]+", r"/\1/<code>", parts.path)
    if shape.endswith("/edit"):
        shape = re.sub(r"block-v1:[^/]+\+type@([^+/]+)\+block@[^/]+", r"<\1>", shape)
    shape = re.sub(r"block-v1:[^/]+", "<block>", shape)
    shape = re.sub(r"/\d+(?=/|$)", "/<id>", shape)
    return shape + (f"?{parts.query}" if parts.query else "")


def page_kind(path: str, blocks: set[str]) -> tuple[str, tuple[str, ...]]:
    return route(path), tuple(sorted(blocks))


def discover(context, origin: str) -> tuple[dict[tuple, tuple[str, set[str]]], set[str]]:
    """Every page the role reaches from ``/`` by links: ({page_kind: (first path, blocks)}, every path).

    Fetched over HTTP with the browser context's cookies (fast, no rendering); pages of one kind after the
    first are still fetched, for the links only they hold (the second course's editors, say), but at most
    ``PER_ROUTE`` of each route but units (``UNCAPPED``): the demo's tens of learners, attempts and questions would otherwise make
    hundreds of pages of the same few kinds. Query strings (a table's sort orders, filters) make at most
    ``VARIANTS_PER_ROUTE`` kinds of one route."""
    kinds: dict[tuple, tuple[str, set[str]]] = {}
    reached: set[str] = set()
    seen: set[str] = set()
    fetched: dict[str, int] = {}
    queue = ["/"]
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        shape = route(path).split("?", 1)[0]
        if fetched.get(shape, 0) >= PER_ROUTE and not shape.startswith(UNCAPPED):
            continue
        fetched[shape] = fetched.get(shape, 0) + 1
        seen.add(path)
        assert len(seen) <= MAX_PAGES, f"more than {MAX_PAGES} pages: is a link making links?\n{sorted(seen)}"
        response = context.request.get(origin + path)
        if not response.ok or "text/html" not in response.headers.get("content-type", ""):
            continue
        final = urlsplit(response.url)
        landed = final.path + (f"?{final.query}" if final.query else "")
        parser = _PageLinks()
        parser.feed(response.text())
        reached.add(landed)
        kind = page_kind(landed, parser.blocks)
        path_only = kind[0].split("?", 1)[0]
        variants = sum(1 for known in kinds if "?" in known[0] and known[0].split("?", 1)[0] == path_only)
        if "?" not in kind[0] or variants < VARIANTS_PER_ROUTE:
            kinds.setdefault(kind, (landed, parser.blocks))
        for href in parser.links:
            parts = urlsplit(urljoin(origin + landed, href))
            if f"{parts.scheme}://{parts.netloc}" != origin or NOT_PAGES.search(parts.path):
                continue
            query = "" if LISTING.search(parts.query) else parts.query
            link = parts.path + (f"?{query}" if query else "")
            if link not in seen:
                queue.append(link)
    return kinds, reached


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("e2e-role-journeys")) as server:
        yield server


@pytest.fixture(scope="module")
def discovered() -> dict[str, dict]:
    """Each role's pages, found once and used at both widths (the server answers the same at any width)."""
    return {}


@pytest.fixture
def open_as(browser, journey_server, axe_source):
    def open_page(person, width: int):
        """A page at ``width`` px, logged in as ``person`` (None: a visitor), on the dashboard or landing page."""
        context = browser.new_context(base_url=journey_server.url, **WIDTHS[width])
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        # axe-core in every document as it starts (through DevTools, like ``axe_violations``'s own
        # injection, which the page's CSP does not govern): half the time of injecting it after each load.
        context.add_init_script(script=axe_source)
        page = context.new_page()
        if person is None:
            page.goto("/")
            return page
        page.goto("/login")
        page.fill("input[name=email]", person.email)
        page.fill("input[name=password]", person.password)
        page.locator("main form [type=submit]").click()
        expect(page).to_have_url(f"{journey_server.url}/")
        return page

    return open_page


def open_menu(page, phone: bool) -> None:
    """Show the header's nav: at 360 px by pressing Menu (a <details>), wider it is in the bar already."""
    summary = page.locator("details.menu > summary")
    if phone:
        if page.locator("details.menu[open]").count() == 0:
            summary.click()
    else:
        expect(summary).to_be_hidden()
    expect(page.locator("nav.site-nav")).to_be_visible()


def page_problems(page, width: int, person) -> list[str]:
    """What is wrong with the page as loaded and with its menu (opened by its Menu button on a phone)."""
    problems = []
    logged_in = person is not None
    facts = page.evaluate(PAGE_FACTS)
    language = person.language if logged_in else "en"  # a visitor: the browser's language (en-US)
    if facts["lang"] != language:
        problems.append(f"the page is in {facts['lang']!r}, not in the person's language {language!r}")
    if facts["failed"]:
        problems.append(f"blocks failed to start: {facts['failed']}")
    if facts["wide"] > facts["fits"]:
        problems.append(f"the page scrolls sideways ({facts['wide']} px in {facts['fits']} px)")
    problems += page.evaluate(TABLE_PROBLEMS)

    def on_screen(box) -> bool:
        return box is not None and box["left"] >= 0 and box["right"] <= width

    if not on_screen(facts["language"]):
        problems.append(f"the language switcher is not on screen ({facts['language']})")

    if width < 768:
        summary = page.evaluate(MENU_FACTS)["summary"]
        if not on_screen(summary):
            return [*problems, f"the Menu button is not on screen ({summary})"]
        page.locator("details.menu > summary").click()
    menu = page.evaluate(MENU_FACTS)
    if width >= 768 and menu["summary"] is not None:
        problems.append("a Menu button is shown on a wide screen")
    if menu["nav"] is None:
        problems.append("the menu is not shown")
    elif logged_in and not on_screen(menu["logout"]):
        problems.append(f"Log out is not on screen in the menu ({menu['logout']})")
    elif not logged_in and not on_screen(menu["login"]):
        problems.append(f"Log in is not on screen in the menu ({menu['login']})")
    if menu["wide"] > menu["fits"]:
        problems.append(f"the page scrolls sideways with the menu open ({menu['wide']} px in {menu['fits']} px)")
    return problems


@pytest.mark.parametrize("width", sorted(WIDTHS), ids=lambda width: f"{width}px")
@pytest.mark.parametrize("key", list(ROLES))
def test_every_page_of_a_role_has_its_menu_fits_the_screen_and_passes_axe(
    key, width, open_as, discovered, journey_server, axe_violations
):
    person = PERSON.get(key)  # None: the visitor
    page = open_as(person, width)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    if key not in discovered:
        discovered[key] = discover(page.context, journey_server.url)
    kinds, reached = discovered[key]

    problems: list[str] = []
    visited: list[str] = []
    seen_blocks: set[str] = set()
    for path, blocks in sorted(kinds.values()):
        response = page.goto(path)
        assert response is not None and response.ok, f"{key}: {path} answered {response and response.status}"
        if blocks:
            page.wait_for_function(BLOCKS_STARTED)
        visited.append(path)
        seen_blocks |= blocks

        problems += [f"{path}: {problem}" for problem in page_problems(page, width, person)]
        violations = axe_violations(page)  # with the menu open: its links are checked too
        if violations:
            problems.append(f"{path}: axe-core:\n{format_violations(violations)}")

    listing = "\n  ".join(visited)
    assert not problems, f"{key} at {width} px, {len(visited)} pages:\n" + "\n".join(problems)
    assert not errors, "\n".join(errors)
    expected = ROLES[key]
    missing = [pattern for pattern in expected["pages"] if not any(re.search(pattern, p) for p in visited)]
    assert not missing, f"{key} never reached {missing}; visited:\n  {listing}"
    missing = [pattern for pattern in expected["reaches"] if not any(re.search(pattern, p) for p in reached)]
    assert not missing, f"{key} never reached {missing}; reached:\n  " + "\n  ".join(sorted(reached))
    wrong = sorted(p for p in reached if any(re.search(pattern, p) for pattern in expected["never"]))
    assert not wrong, f"{key} reached pages that are not theirs: {wrong}"
    assert expected["blocks"] <= seen_blocks, f"{key} never saw {expected['blocks'] - seen_blocks}"
    print(f"{key} at {width} px: {len(visited)} pages\n  {listing}")  # shown with -s

    # The menu works: Profile through it, then Log out through it, and the session is over.
    page.goto("/")
    open_menu(page, width < 768)
    if person is None:
        page.locator("nav.site-nav a[href='/login']").click()
        expect(page).to_have_url(f"{journey_server.url}/login")
        return
    page.locator("nav.site-nav a[href='/profile']").click()
    expect(page).to_have_url(f"{journey_server.url}/profile")
    open_menu(page, width < 768)
    page.locator("nav.site-nav form[action='/logout'] button[type=submit]").click()
    expect(page).to_have_url(f"{journey_server.url}/login")
    page.goto("/profile")
    expect(page).to_have_url(f"{journey_server.url}/login?next=/profile")


def test_the_studio_version_table_is_reached_and_scrolled_with_the_keyboard(open_as):
    page = open_as(PERSON["author"], 360)
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
