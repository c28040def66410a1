"""Browser journeys: the real product in its own process, driven by Debian's Chromium through Playwright.

What this conftest owns:

- the ``e2e`` marker on every test in this folder, and skipping them all (with the reason) on a machine
  without ``/usr/bin/chromium``, so the README's ``./dev test`` passes there too;
- ``demo_server`` (through ``serve_demo``, which a journey may use for a server of other settings): the
  app exactly as the README runs it — ``lms init-db``, ``lms seed-demo``, then
  ``lms serve`` (gunicorn) on a free localhost port — against a fresh SQLite file in a temporary instance
  folder, whatever database the rest of the suite uses (``LMS_TEST_DATABASE_URL`` is for the in-process
  tests; the journeys test the product a person installs);
- ``new_context`` / ``page`` (a fresh context per test, so no cookie or cache leaks from one journey into
  the next) on the suite's one ``browser`` (tests/conftest.py, shared with every other browser test);
- ``login``, ``check_a11y`` (axe-core, WCAG 2.1 A/AA; ``KNOWN_VIOLATIONS`` lists the reported ones) and
  ``page_weight``, the helpers the journeys share.

The browser itself, its path and its flags are ``tests/browser.py``'s.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser import AXE_SOURCE, CHROMIUM, MISSING

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERVER_START_SECONDS = 60
DEFAULT_TIMEOUT_MS = 15_000


def _skip_reason() -> str | None:
    # Playwright itself is a declared test dependency; only the browser is a machine package.
    if not CHROMIUM.exists():
        return f"browser journeys {MISSING}"
    return None


def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test under tests/e2e as ``e2e``, and skip them all when no browser can run."""
    reason = _skip_reason()
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        item.add_marker(pytest.mark.e2e)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def clean_database():
    """Override the suite's per-test table wipe: journeys never touch the in-process test database."""
    yield


# --- the server ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoServer:
    url: str
    instance: Path
    log: Path

    @property
    def database(self) -> Path:
        return self.instance / "lms.sqlite3"

    def query(self, sql: str, *params) -> list[tuple]:
        """Read the server's database directly (read-only), to compare what a page shows with the data."""
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_environment(instance: Path, base_url: str) -> dict[str, str]:
    # Drop every LMS_* variable of the calling shell (a developer's LMS_DATABASE_URL, CI's test database…):
    # the journeys run the product with its defaults, on its own SQLite file.
    env = {name: value for name, value in os.environ.items() if not name.startswith("LMS_")}
    env.update(
        LMS_INSTANCE_PATH=str(instance),
        LMS_ENV="development",
        LMS_SECRET_KEY="e2e-secret-key-not-for-production",
        LMS_BASE_URL=base_url,
        # Every browser of every journey is one client here (127.0.0.1), and the role journeys' crawl opens
        # tens of certificate pages a minute: the per-client limit on checks (tested in tests/certificates and
        # tests/test_rate_limits.py) would answer 429 to the crawl, so it is lifted for this server.
        LMS_VERIFY_MAX_PER_IP=str(10**6),
        PYTHONUNBUFFERED="1",
        # The server runs this checkout's code, as the tests do: `lms` is a console script, whose import path
        # is the environment's, and an editable install there may point at another checkout (a git worktree
        # sharing one .venv ran the main checkout's server under the worktree's tests).
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPOSITORY), env.get("PYTHONPATH")])),
    )
    return env


def _lms(*args: str, env: dict[str, str]) -> None:
    command = [str(Path(sys.executable).parent / "lms"), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"`lms {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}", pytrace=False)


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`lms serve` exited with {process.returncode}:\n{log.read_text()[-4000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"`lms serve` not healthy after {SERVER_START_SECONDS} s:\n{log.read_text()[-4000:]}", pytrace=False)


def _stop(process: subprocess.Popen) -> None:
    """Stop gunicorn's master and workers: the server was started in a process group of its own."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextlib.contextmanager
def serve_demo(instance: Path, **settings: str) -> Iterator[DemoServer]:
    """The README's three commands in ``instance``, with ``LMS_*`` ``settings`` on top of the defaults (as
    an admin would set them in the server's environment); the server is stopped on exit."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**_server_environment(instance, url), **settings}
    _lms("init-db", env=env)
    _lms("seed-demo", env=env)
    log = instance / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "lms"), "serve", "--host", "127.0.0.1", "--port", str(port)]
            + ["--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_healthy(url, process, log)
        yield DemoServer(url=url, instance=instance, log=log)
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[DemoServer]:
    with serve_demo(tmp_path_factory.mktemp("e2e-instance")) as server:
        yield server


# --- the browser --------------------------------------------------------------------------------------------


@pytest.fixture
def new_context(browser, demo_server) -> Iterator[Callable]:
    """Open fresh browser contexts (empty cookies and cache) on the demo server; all closed after the test."""
    contexts = []

    def open_context(**options):
        context = browser.new_context(base_url=demo_server.url, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# --- helpers the journeys share -----------------------------------------------------------------------------


@pytest.fixture
def login(demo_server) -> Callable:
    """``login(page, email, password, check=None)``: log in through /login like a person and land on the
    dashboard; ``check`` (e.g. ``check_a11y``) is run on the login page first."""
    from playwright.sync_api import expect

    def do_login(page, email: str, password: str, check=None) -> None:
        page.goto("/login")
        if check:
            check(page)
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        # The header holds the language form's button too: submit the login form in <main>.
        page.locator("main form [type=submit]").click()
        expect(page).to_have_url(f"{demo_server.url}/")

    return do_login


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


# Violations already reported against pages this folder does not own: {(path, axe rule id): reason}. The
# journeys still check every other rule on those pages (and every rule elsewhere);
# test_core_journey.test_public_page_accessibility turns each entry into an xfail that turns into a pass by
# itself once the page is fixed.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


@pytest.fixture
def known_violations() -> dict[tuple[str, str], str]:
    return KNOWN_VIOLATIONS


@pytest.fixture
def axe_violations(axe_source) -> Callable:
    """``axe_violations(page)``: axe-core's WCAG 2.1 A/AA violations on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's strict CSP (script-src 'self') does not
    govern, so nothing about the app is relaxed for the check.
    """

    def run(page) -> list[dict]:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(f"() => {{ {axe_source}\n}}")
        results = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
        return results["violations"]

    return run


@pytest.fixture
def check_a11y(axe_violations) -> Callable:
    """``check_a11y(page)``: fail on any WCAG 2.1 A/AA violation, except those listed in KNOWN_VIOLATIONS."""

    def check(page) -> None:
        path = urlsplit(page.url).path
        violations = [v for v in axe_violations(page) if (path, v["id"]) not in KNOWN_VIOLATIONS]
        if violations:
            pytest.fail(f"accessibility violations on {page.url}:\n{format_violations(violations)}", pytrace=False)

    return check


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"][:10]:
            summary = " ".join(line.strip() for line in node.get("failureSummary", "").splitlines()[1:])
            lines.append(f"    {json.dumps(node['target'])}: {summary}")
    return "\n".join(lines)


WEIGHED_TYPES = {"document", "stylesheet", "script", "image", "font", "media"}


@pytest.fixture
def page_weight() -> Callable:
    """``page_weight(page, path)``: load ``path`` and return (total bytes, [(url, bytes)]) of what came over the wire.

    Counts response headers and bodies of the document and every stylesheet, script, image, font and media
    file it loads, as Chromium saw them; call it on a context with an empty cache to weigh a first visit.
    """

    def weigh(page, path: str) -> tuple[int, list[tuple[str, int]]]:
        finished = []

        def record(request) -> None:
            finished.append(request)

        page.on("requestfinished", record)
        # networkidle: late loads (a favicon, a lazy image) are finished and counted too.
        page.goto(path, wait_until="networkidle")
        page.remove_listener("requestfinished", record)
        items = []
        for request in finished:
            if request.resource_type not in WEIGHED_TYPES:
                continue
            sizes = request.sizes()
            items.append((request.url, sizes["responseHeadersSize"] + sizes["responseBodySize"]))
        return sum(size for _, size in items), items

    return weigh
