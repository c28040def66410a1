"""Read helpers for institutions."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.db import db
from lms.institutions.models import Institution


def all_institutions() -> list[Institution]:
    return list(db.session.scalars(select(Institution).order_by(Institution.kind, Institution.name)))


def by_code(code: str) -> Institution | None:
    return db.session.scalar(select(Institution).where(func.lower(Institution.code) == code.strip().lower()))


def user_counts() -> dict[int, int]:
    from lms.accounts.models import User

    rows = db.session.execute(select(User.institution_id, func.count()).group_by(User.institution_id))
    return {institution_id: count for institution_id, count in rows if institution_id is not None}
