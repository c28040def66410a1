"""Panels other packages add to a course's outline (certificates: what the certificate still needs, or the
certificate earned), so that courses imports none of them.

A package registers ``(key, template, context)`` once, from its ``init_app``. ``context(user, course)`` builds
the panel's values for the learner on the page, or returns None to leave the panel out (a course without
certificates). The outline renders each as a ``<section>`` with ``ctx`` and ``panel_id``, the way the
dashboard renders its panels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(order=True, frozen=True)
class OutlinePanel:
    order: int
    key: str
    template: str = field(compare=False)
    context: Callable[[Any, Any], dict[str, Any] | None] = field(compare=False)


_panels: dict[str, OutlinePanel] = {}


def register_outline_panel(
    key: str, template: str, context: Callable[[Any, Any], dict[str, Any] | None], order: int = 50
) -> None:
    """Add (or replace: registering twice is harmless) a panel on every course's outline."""
    _panels[key] = OutlinePanel(order, key, template, context)


def panels_for(user, course) -> list[tuple[OutlinePanel, dict[str, Any]]]:  # noqa: ANN001
    chosen = []
    for panel in sorted(_panels.values()):
        context = panel.context(user, course)
        if context is not None:
            chosen.append((panel, context))
    return chosen
