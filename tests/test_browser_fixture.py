"""Browser tests pass in any order: Playwright's sync API allows one ``sync_playwright()`` at a time per
process, so the suite starts Playwright in exactly one place, the session-scoped ``browser`` fixture of
``tests/conftest.py``, and every browser test asks for that fixture. (A block test that started its own
after a journey had left the shared one open failed with "using Playwright Sync API inside the asyncio
loop".)"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
STARTERS = {"sync_playwright", "async_playwright", "launch_chromium", "chromium.launch", "chromium"}
# The fixture starts Playwright and launches through tests/browser.py; nothing else does either.
ALLOWED = {"conftest.py": ["launch_chromium", "sync_playwright"], "browser.py": ["chromium.launch"]}


def _called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.attr if isinstance(func.value, ast.Attribute) else getattr(func.value, "id", "")
        return f"{owner}.{func.attr}"
    return ""


def _starts(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = (_called_name(node) for node in ast.walk(tree) if isinstance(node, ast.Call))
    return sorted(name for name in names if name in STARTERS)


def test_playwright_is_started_only_by_the_one_browser_fixture():
    found = {}
    for path in sorted(TESTS.rglob("*.py")):
        if "vendor" in path.parts:
            continue
        if starts := _starts(path):
            found[str(path.relative_to(TESTS))] = starts
    assert found == ALLOWED


def test_no_browser_test_defines_a_browser_of_its_own():
    for path in sorted(TESTS.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path == TESTS / "conftest.py" or "vendor" in path.parts or not ("CHROMIUM" in text or "playwright" in text):
            continue
        tree = ast.parse(text)
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert "browser" not in defined, f"{path.relative_to(TESTS)} defines a browser fixture of its own"
