"""The one headless browser the suite drives: Debian's Chromium through Playwright.

The browser journeys (``tests/e2e``) and the in-process block tests (``tests/blocks``) launch it the same
way, from here. Playwright's own browser download is never used: the machines reach no browser CDN, and
Debian's ``chromium`` package is what CI installs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
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


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Chromium (a Playwright ``Browser``), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
