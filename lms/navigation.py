"""Links that domain packages add to core pages: the main menu and a cohort's page.

The core renders these lists without knowing which packages filled them (courses adds "My courses",
"Studio" and a cohort's progress table; later packages add theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class _MenuEntry:
    label: Any  # a lazy string, translated when rendered
    endpoint: str
    when: Callable[[Any], bool]
    order: int


_menu: dict[str, _MenuEntry] = {}
_cohort_links: dict[str, Callable[[Any], Link | None]] = {}


def register_menu_item(key: str, label: Any, endpoint: str, when: Callable[[Any], bool], order: int = 50) -> None:
    _menu[key] = _MenuEntry(label, endpoint, when, order)


def register_cohort_link(key: str, build: Callable[[Any], Link | None]) -> None:
    _cohort_links[key] = build


def nav_items() -> list[Link]:
    if not current_user.is_authenticated:
        return []
    entries = sorted(_menu.values(), key=lambda entry: entry.order)
    return [Link(str(e.label), url_for(e.endpoint)) for e in entries if e.when(current_user)]


def cohort_links(cohort) -> list[Link]:  # noqa: ANN001
    return [link for build in _cohort_links.values() if (link := build(cohort)) is not None]
