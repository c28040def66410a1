"""Links other packages add to a course's studio page (the question bank …), so courses imports none of them.

A package registers ``(endpoint, label)`` once, in its ``init_app``; the outline shows a button per link,
after the studio's own (settings, authors, files, export), each built with ``url_for(endpoint, code=…)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CoursePage:
    endpoint: str  # takes the course's code as ``code``
    label: Any  # a lazy gettext string
    order: int = 100


_PAGES: dict[str, CoursePage] = {}


def register_course_page(endpoint: str, label: Any, order: int = 100) -> None:
    """Add (or replace, registering twice is harmless) a link on every course's studio page."""
    _PAGES[endpoint] = CoursePage(endpoint, label, order)


def course_pages() -> list[CoursePage]:
    return sorted(_PAGES.values(), key=lambda page: (page.order, page.endpoint))
