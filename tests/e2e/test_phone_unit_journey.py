"""A learner reads a published course on a phone: every unit page of the demo ToT course (text, files, a
video with captions, a poll, a survey, a "done" button) at 360 CSS px wide, with JavaScript and without.

On each page: nothing makes the page scroll sideways, no text is cut off (outside the screen or clipped
by a box that hides its overflow), the course outline link and the previous/next links are on screen and
reachable with the keyboard, and axe-core passes. The learner goes through the course by its "Next" links
and back by its "Previous" links; without JavaScript the links still work (they are plain links) and
the content is there, except inside the blocks that draw themselves with their own script.

The phone is emulated as a phone (``is_mobile``): a page without its viewport meta tag is laid out
980 px wide and fails here.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from lms.demo import PEOPLE

PERSON = {person.key: person for person in PEOPLE}
WIDTH = 360
PHONE = {"viewport": {"width": WIDTH, "height": 740}, "is_mobile": True, "has_touch": True}
COURSE = "TOT-ELEC-101"
# Community blocks whose whole student view is drawn by their own JavaScript: without it they show nothing
# (the design's "usable without JavaScript except inside blocks that need it").
DRAWN_BY_SCRIPT = {"poll", "survey"}

# Every rendered line of text must lie inside the screen (unless it sits in a box that scrolls, like a
# wide table's wrapper), and no line may straddle the edge of a box that hides its overflow: half a word
# shown is text cut off. A line wholly outside such a box is hidden on purpose (the "done" switch's other
# label), as is text in a 1 px screen-reader-only box, the visually hidden link labels and the skip link.
CUT_OFF_TEXT = """(width) => {
  const slack = 1;
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || element.closest('.visually-hidden, .skip-link, script, style, template, noscript')) continue;
    // Not rendered: display none, visibility hidden, or inside a closed <details> (content-visibility).
    if (!element.checkVisibility({visibilityProperty: true})) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0 && r.height > 0);
    const boxes = [];
    for (let box = element; box && box !== document.body; box = box.parentElement) boxes.push(box);
    // The screen-reader-only pattern: a box of 1 px (or less) that hides its overflow.
    const srOnly = boxes.some(box => {
      const style = getComputedStyle(box), edge = box.getBoundingClientRect();
      return [style.overflowX, style.overflowY].some(o => o !== 'visible') && (edge.width <= 1 || edge.height <= 1);
    });
    if (srOnly) continue;
    let scrolls = false;
    for (const box of boxes) {
      const style = getComputedStyle(box);
      const overflows = [style.overflowX, style.overflowY];
      if (overflows.some(o => o === 'auto' || o === 'scroll')) { scrolls = true; continue; }
      if (!overflows.some(o => o === 'hidden' || o === 'clip')) continue;
      const edge = box.getBoundingClientRect();
      for (const r of rects) {
        const outside = r.right <= edge.left || r.left >= edge.right || r.bottom <= edge.top || r.top >= edge.bottom;
        const inside = r.left >= edge.left - slack && r.right <= edge.right + slack
          && r.top >= edge.top - slack && r.bottom <= edge.bottom + slack;
        if (!outside && !inside) {
          problems.push(`"${text.slice(0, 40)}" clipped by <${box.tagName.toLowerCase()} class="${box.className}">`);
        }
      }
    }
    if (scrolls) continue;
    for (const r of rects) {
      if (r.left < -slack || r.right > width + slack) {
        problems.push(`"${text.slice(0, 40)}" off screen (${Math.round(r.left)}..${Math.round(r.right)} px)`);
      }
    }
  }
  return [...new Set(problems)];
}"""


def unit_links(page) -> list[str]:
    page.goto(f"/learn/{COURSE}/")
    links = [link.get_attribute("href") for link in page.locator("ol.units a").all()]
    assert len(links) >= 3, f"the demo course {COURSE} has units to walk through"
    return links


def assert_fits_the_phone(page) -> None:
    scroll_width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert scroll_width <= WIDTH, f"{page.url} scrolls sideways: {scroll_width} px wide"
    # A phone widens its layout viewport to fit a page that is too wide, or to 980 px for a page without
    # the viewport meta tag: then the page is shown shrunk, and its scroll width looks fine.
    layout_width = page.evaluate("() => window.innerWidth")
    assert layout_width == WIDTH, f"{page.url} is laid out {layout_width} px wide on a {WIDTH} px phone"
    cut_off = page.evaluate(CUT_OFF_TEXT, WIDTH)
    assert cut_off == [], f"text cut off on {page.url}:\n" + "\n".join(cut_off)


def assert_on_screen(locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH and box["y"] >= 0, box


def navigation(page, index: int, count: int) -> dict:
    """The unit's navigation, checked to be on screen: the outline link, and previous/next where they apply."""
    links = {"outline": page.locator(f"nav.breadcrumb a[href='/learn/{COURSE}/']")}
    prev, following = page.locator(".unit-nav a[rel=prev]"), page.locator(".unit-nav a[rel=next]")
    if index > 0:
        links["prev"] = prev
    else:
        expect(prev).to_have_count(0)
    if index < count - 1:
        links["next"] = following
    else:
        expect(following).to_have_count(0)
        links["back"] = page.locator(f".unit-nav a[href='/learn/{COURSE}/']")
    for link in links.values():
        assert_on_screen(link)
    return links


def assert_reachable_by_keyboard(page, links: dict) -> None:
    """Tabbing from the top of the page reaches every navigation link."""
    wanted = {name: link.element_handle() for name, link in links.items()}
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached: set[str] = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        for name, handle in wanted.items():
            if handle.evaluate("element => element === document.activeElement"):
                reached.add(name)
        if reached == set(wanted):
            return
    raise AssertionError(f"{page.url}: Tab never reaches {sorted(set(wanted) - reached)}")


def check_a11y_as_seen_without_scripts(page, axe_page, check_a11y) -> None:
    """axe-core on what a page with JavaScript off shows. axe itself needs scripts (its timers never fire
    in a context whose scripts are disabled), so the page's document as the script-less browser built it
    is served again, under the same address, to ``axe_page`` (a phone context with JavaScript) with a
    policy that blocks every script of the page: axe, run through the DevTools protocol, is the only
    script there."""
    url, document = page.url, page.content()

    def serve(route) -> None:
        route.fulfill(
            status=200,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": "script-src 'none'"},
            body=document,
        )

    axe_page.route(url, serve)
    try:
        axe_page.goto(url)
        expect(axe_page.locator(".xblock-initialized")).to_have_count(0)  # no script of the page ran
        check_a11y(axe_page)
    finally:
        axe_page.unroute(url, serve)


def test_learner_reads_every_unit_on_a_360px_phone(new_context, login, check_a11y, demo_server):
    learner = PERSON["learner.kigali"]  # Kinyarwanda: the longest labels
    page = new_context(**PHONE).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, learner.email, learner.password)
    units = unit_links(page)
    seen_types: set[str] = set()

    page.goto(units[0])
    for index, href in enumerate(units):
        expect(page).to_have_url(f"{demo_server.url}{href}")
        page.wait_for_load_state("load")
        blocks = page.locator(".unit-components > .xblock-v1")
        for block in blocks.all():
            if block.get_attribute("data-init"):
                expect(block).to_have_class(re.compile("xblock-initialized"))
            expect(block).to_be_visible()
            assert block.inner_text().strip(), f"{block.get_attribute('data-block-type')} shows nothing on {href}"
            seen_types.add(block.get_attribute("data-block-type"))
        assert_fits_the_phone(page)
        links = navigation(page, index, len(units))
        assert_reachable_by_keyboard(page, links)
        check_a11y(page)
        if "next" in links:
            links["next"].click()

    # The last unit leads back to the outline, and the outline fits the phone too.
    links["back"].click()
    expect(page).to_have_url(f"{demo_server.url}/learn/{COURSE}/")
    assert_fits_the_phone(page)
    assert errors == []
    assert {"html", "video", "poll"} <= seen_types, seen_types


def test_unit_pages_work_on_a_phone_without_javascript(new_context, login, check_a11y, demo_server):
    learner = PERSON["learner.musanze"]  # French
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    login(page, learner.email, learner.password)
    axe_page = new_context(**PHONE).new_page()
    units = unit_links(page)

    page.goto(units[0])
    for index, href in enumerate(units):
        expect(page).to_have_url(f"{demo_server.url}{href}")
        expect(page.locator("main h1")).to_be_visible()
        for block in page.locator(".unit-components > .xblock-v1").all():
            if block.get_attribute("data-block-type") in DRAWN_BY_SCRIPT:
                continue
            expect(block).to_be_visible()
            assert block.inner_text().strip(), f"{block.get_attribute('data-block-type')} shows nothing on {href}"
        assert page.locator(".unit-components video").count() == page.locator("[data-block-type=video]").count()
        assert_fits_the_phone(page)
        links = navigation(page, index, len(units))
        check_a11y_as_seen_without_scripts(page, axe_page, check_a11y)
        if "next" in links:
            links["next"].click()  # a plain link: the browser follows it without any script

    # … and back to the first unit by the "Previous" links.
    for href in reversed(units[:-1]):
        page.locator(".unit-nav a[rel=prev]").click()
        expect(page).to_have_url(f"{demo_server.url}{href}")
    page.locator(f"nav.breadcrumb a[href='/learn/{COURSE}/']").click()
    expect(page).to_have_url(f"{demo_server.url}/learn/{COURSE}/")
