"""Links that domain packages add to core pages: the main menu and a cohort's page.

The core renders these lists without knowing which packages filled them (courses adds "My courses",
"Studio" and a cohort's progress table; later packages add theirs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import url_for


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
_menu_order: list[tuple[str, _MenuEntry]] = []  # kept sorted: the menu is worked out on every page
_cohort_links: dict[str, Callable[[Any], Link | None]] = {}


def register_menu_item(key: str, label: Any, endpoint: str, when: Callable[[Any], bool], order: int = 50) -> None:
    _menu[key] = _MenuEntry(label, endpoint, when, order)
    _menu_order[:] = sorted(_menu.items(), key=lambda item: item[1].order)


def register_cohort_link(key: str, build: Callable[[Any], Link | None]) -> None:
    _cohort_links[key] = build


def visible_menu_keys(user: Any) -> tuple[str, ...]:
    """The keys of the menu entries ``user`` sees, in menu order (cheap: no URL, no translation)."""
    if not user.is_authenticated:
        return ()
    return tuple(key for key, entry in _menu_order if entry.when(user))


def menu_links(keys: tuple[str, ...]) -> list[Link]:
    """The links of these menu entries, translated into the request's language."""
    return [Link(str(_menu[key].label), url_for(_menu[key].endpoint)) for key in keys]


def cohort_links(cohort) -> list[Link]:  # noqa: ANN001
    return [link for build in _cohort_links.values() if (link := build(cohort)) is not None]
