"""What every learner page of the demo costs over the wire, as Chromium counts it (issue 20, point 5).

The demo learner's pages — the dashboard, My courses, each course's outline and every unit of both demo
courses — are found by following the links a learner sees. Each page is loaded twice in a browser context
of its own (the learner's cookies, an empty cache): the first visit, then, after leaving the page, the
repeat visit. Bytes are Chromium's own count of what arrived from the network for each request, headers
included (DevTools' ``Network.loadingFinished``'s ``encodedDataLength``; a file served from the cache
counts 0).

Budgets (KB = 1,024 bytes):

* a unit of text only (no block with JavaScript): 30 KB on a first visit;
* any unit: 150 KB on a first visit before media (the video itself and course files: what an author
  chose to show, counted apart);
* any page: 10 KB on a repeat visit.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from lms.demo import PEOPLE

PERSON = {person.key: person for person in PEOPLE}
KB = 1024
TEXT_UNIT_FIRST_VISIT = 30 * KB
UNIT_FIRST_VISIT = 150 * KB
REPEAT_VISIT = 10 * KB


def is_media(url: str, resource_type: str) -> bool:
    """The media an author put in a unit: the video and its captions, course files (a poster, a PDF)."""
    return resource_type in {"Media", "TextTrack"} or "/files/" in urlsplit(url).path


class Transfers:
    """Every request of a page and the bytes that came over the network for it, through DevTools."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.requests: dict[str, dict] = {}
        self.session.on("Network.requestWillBeSent", self._sent)
        self.session.on("Network.responseReceived", self._received)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.send("Network.enable")

    def _sent(self, event) -> None:
        self.requests[event["requestId"]] = {"url": event["request"]["url"], "type": event.get("type", ""), "bytes": 0}

    def _received(self, event) -> None:
        entry = self.requests.setdefault(event["requestId"], {"url": event["response"]["url"], "bytes": 0})
        entry["type"] = event.get("type", entry.get("type", ""))
        entry["status"] = event["response"]["status"]

    def _finished(self, event) -> None:
        if event["requestId"] in self.requests:
            self.requests[event["requestId"]]["bytes"] = int(event["encodedDataLength"])

    def visit(self, page, path: str) -> list[dict]:
        self.requests.clear()
        page.goto(path, wait_until="networkidle")
        return [dict(entry) for entry in self.requests.values()]


def total(requests: list[dict], *, before_media: bool = False) -> int:
    return sum(r["bytes"] for r in requests if not (before_media and is_media(r["url"], r.get("type", ""))))


def listing(requests: list[dict]) -> str:
    return "\n".join(f"  {r['bytes']:>8} B  {r.get('type', ''):<10} {r['url']}" for r in requests)


def learner_pages(page) -> list[str]:
    """Every page a learner reaches by links from the dashboard: My courses, outlines, units."""
    found, queue = [], ["/"]
    while queue:
        path = queue.pop(0)
        if path in found:
            continue
        page.goto(path)
        found.append(path)
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        for link in links:
            parts = urlsplit(link)
            if parts.netloc != urlsplit(page.url).netloc or not parts.path.startswith("/learn/"):
                continue
            # /resume answers with a redirect to a unit the walk reaches anyway; /files/ are course files.
            if parts.path.endswith("/resume") or "/files/" in parts.path:
                continue
            if parts.path not in found and parts.path not in queue:
                queue.append(parts.path)
    return found


@pytest.fixture
def learner_state(new_context, login) -> dict:
    page = new_context().new_page()
    learner = PERSON["learner"]
    login(page, learner.email, learner.password)
    return page.context.storage_state()


def test_every_learner_page_keeps_its_weight_budget(new_context, learner_state):
    walker = new_context(storage_state=learner_state).new_page()
    pages = learner_pages(walker)
    units = [path for path in pages if "/unit/" in path]
    assert len(units) >= 9, pages  # every unit of both demo courses (4 and 6)

    report, over = [], []
    text_units = 0
    for path in pages:
        context = new_context(storage_state=learner_state)  # the learner's cookies, an empty cache
        page = context.new_page()
        transfers = Transfers(page)
        first = transfers.visit(page, path)
        assert any(r.get("status") == 200 and urlsplit(r["url"]).path == path for r in first), listing(first)
        has_block_script = page.locator(".xblock-v1[data-init]").count() > 0
        page.goto("about:blank")
        repeat = transfers.visit(page, path)
        context.close()

        first_bytes, repeat_bytes = total(first, before_media=True), total(repeat)
        kind = "page"
        if "/unit/" in path:
            kind = "text unit" if not has_block_script else "unit"
            text_units += kind == "text unit"
            budget = TEXT_UNIT_FIRST_VISIT if kind == "text unit" else UNIT_FIRST_VISIT
            if first_bytes > budget:
                over.append(f"{path}: first visit {first_bytes} B > {budget} B ({kind})\n{listing(first)}")
        if repeat_bytes > REPEAT_VISIT:
            over.append(f"{path}: repeat visit {repeat_bytes} B > {REPEAT_VISIT} B\n{listing(repeat)}")
        report.append(f"{first_bytes:>8} B first, {repeat_bytes:>6} B repeat  {kind:<9} {path}")

    print("\n".join(report))  # the measured weights, shown with -s
    assert text_units >= 3, "\n".join(report)  # the budget for text-only units was applied
    assert not over, "\n\n".join(over) + "\n\nall pages:\n" + "\n".join(report)
