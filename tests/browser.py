"""The one headless browser the suite drives: Debian's Chromium through Playwright, its path and flags.

Every browser test (the journeys in ``tests/e2e``, the block and course-file tests) uses the one
session-scoped ``browser`` fixture of ``tests/conftest.py``, which launches it with ``launch_chromium``:
Playwright's sync API allows one ``sync_playwright()`` at a time in a process, so a test that started its
own failed whenever it ran after a journey (``tests/test_browser_fixture.py`` keeps it that way).
Playwright's own browser download is never used: the machines reach no browser CDN, and Debian's
``chromium`` package is what CI installs.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
MISSING = f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium); .ci/run installs it"
AXE_SOURCE = Path(__file__).resolve().parent / "e2e" / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No traffic to Google's update, sync or field-trial servers: the machines have no such network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright):  # noqa: ANN001, ANN201
    """A headless Chromium (a Playwright ``Browser``) from a started Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
