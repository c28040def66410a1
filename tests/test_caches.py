"""``lms.caches``: every process cache lives there, bounded, and a published version's data is shared
without being changeable."""

from __future__ import annotations

import re
from pathlib import Path

from lms import caches

ROOT = Path(__file__).resolve().parent.parent
# Loaded once per process and bounded by what is installed; lms/caches.py's docstring names each.
ONCE_PER_PROCESS = {
    ("lms/xblock_host/registry.py", "installed_types"),
    ("lms/xblock_host/kvs.py", "_route"),
    ("lms/i18n.py", "_parsed"),
    ("lms/i18n.py", "_wtforms_catalogue"),
    ("lms/xblock_host/services.py", "_translations"),
    ("lms/static_assets.py", "folder"),
    ("assessments/items/__init__.py", "_registry"),
    ("certificates/rendering/fonts.py", "register_for_pdf"),
    ("certificates/rendering/fonts.py", "for_image"),
}


def test_no_module_keeps_a_process_cache_of_its_own():
    found = set()
    for package in ("lms", "courses", "assessments", "certificates"):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "lms/caches.py":
                continue
            text = path.read_text()
            for match in re.finditer(r"@(?:functools\.)?(?:lru_cache|cache)\b[^\n]*\n(?:@[^\n]*\n)*def (\w+)", text):
                found.add((relative, match.group(1)))
            if re.search(r"^\s*(import cachetools|from cachetools)", text, re.M):
                found.add((relative, "cachetools"))
    assert found <= ONCE_PER_PROCESS
    for _path, name in ONCE_PER_PROCESS:
        assert f"``{name}``" in caches.__doc__
    assert "``per_size``" in caches.__doc__  # a cache made by a function (lms.hot_sql)


def test_every_cache_is_documented_and_bounded():
    for cache in caches.ALL:
        constant = next(name for name, value in vars(caches).items() if value is cache)
        assert f"``{constant}``" in caches.__doc__
        assert cache._cache.maxsize > 0  # noqa: SLF001 - the bound itself


def test_entries_are_bounded_by_size_and_too_large_ones_are_used_not_kept():
    cache = caches.ProcessCache("test", 100, getsizeof=len)
    assert cache.get_or_build("a", lambda: "x" * 60) == "x" * 60
    assert cache.get_or_build("b", lambda: "y" * 60) == "y" * 60  # evicts "a": 120 > 100 bytes
    assert len(cache) == 1
    built = []
    assert cache.get_or_build("huge", lambda: built.append(1) or "z" * 500) == "z" * 500
    assert cache.get_or_build("huge", lambda: built.append(1) or "z" * 500) == "z" * 500
    assert built == [1, 1]  # never kept: built each time
    assert cache.get_or_build("b", lambda: "other") == "y" * 60
