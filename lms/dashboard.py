"""The dashboard: one page per person, assembled from panels that each package registers.

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
from flask_login import current_user, login_required

bp = Blueprint("dashboard", __name__)


@dataclass(order=True)
class Panel:
    order: int
    key: str = field(compare=False)
    template: str = field(compare=False)
    when: Callable[[Any], bool] = field(compare=False)
    context: Callable[[Any], dict[str, Any]] | None = field(compare=False, default=None)


_panels: dict[str, Panel] = {}


def register_panel(key: str, template: str, when: Callable[[Any], bool], context=None, order: int = 50) -> None:
    _panels[key] = Panel(order, key, template, when, context)


def panels_for(user) -> list[tuple[Panel, dict[str, Any]]]:  # noqa: ANN001
    chosen = []
    for panel in sorted(_panels.values()):
        if panel.when(user):
            chosen.append((panel, panel.context(user) if panel.context else {}))
    return chosen


@bp.get("/")
@login_required
def index():
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
