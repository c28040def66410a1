"""The dashboard: one page per person, assembled from panels that each package registers; and, at the
same address, the landing page a visitor who is not logged in sees (what the site is, how to log in, and
the public panels packages register, such as certificates' verify box).

A panel is a template plus a function that builds its context; ``when`` decides whom it is for. The core
registers the admin and instructor panels; the domain packages (``lms.domains``) register theirs from their
``init_app`` with their own templates — courses "my courses", certificates the verify box — without the
core importing or linking to any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

bp = Blueprint("dashboard", __name__)


@dataclass(order=True)
class Panel:
    order: int
    key: str = field(compare=False)
    template: str = field(compare=False)
    when: Callable[[Any], bool] = field(compare=False)
    context: Callable[[Any], dict[str, Any]] | None = field(compare=False, default=None)


_panels: dict[str, Panel] = {}
_public_panels: dict[str, Panel] = {}


def register_panel(key: str, template: str, when: Callable[[Any], bool], context=None, order: int = 50) -> None:
    """``context(user)`` builds the panel's values; it may return None to leave the panel out after all
    (a learner's panel with nothing in it, on the dashboard of someone who is not a learner)."""
    _panels[key] = Panel(order, key, template, when, context)


def register_public_panel(key: str, template: str, order: int = 50) -> None:
    """A panel of the landing page, for visitors who are not logged in (no context: it is the same for all)."""
    _public_panels[key] = Panel(order, key, template, lambda _user: True)


def panels_for(user) -> list[tuple[Panel, dict[str, Any]]]:  # noqa: ANN001
    chosen = []
    for panel in sorted(_panels.values()):
        if panel.when(user):
            context = panel.context(user) if panel.context else {}
            if context is not None:
                chosen.append((panel, context))
    return chosen


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        panels = [(panel, {}) for panel in sorted(_public_panels.values())]
        return render_template("landing.html", panels=panels)
    return render_template("dashboard.html", panels=panels_for(current_user))


def _admin_context(_user) -> dict[str, Any]:
    from sqlalchemy import func, select

    from lms.accounts.models import User
    from lms.cohorts.models import Cohort
    from lms.db import db
    from lms.institutions.models import Institution

    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return {"users": count(User), "cohorts": count(Cohort), "institutions": count(Institution)}


def _instructor_context(user) -> dict[str, Any]:  # noqa: ANN001
    from lms.cohorts import queries
    from lms.db import db

    cohorts = db.session.scalars(queries.visible_cohorts(user).limit(10)).all()
    return {"cohorts": cohorts, "counts": queries.enrollment_counts([c.id for c in cohorts])}


def register_core_panels() -> None:
    from lms.permissions import can

    register_panel("admin", "dashboard/admin.html", lambda u: u.is_admin, _admin_context, order=10)
    register_panel(
        "cohorts", "dashboard/cohorts.html", lambda u: can("cohort.list", user=u), _instructor_context, order=30
    )
