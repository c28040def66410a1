"""Read helpers for accounts."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from lms.accounts.models import User, UserRole


def search_users(query: str | None = None, role: str | None = None) -> Select:
    """Users whose name or e-mail contains ``query``, holding ``role`` if given, ordered by name."""
    stmt = select(User).order_by(func.lower(User.name), User.id)
    if query:
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(User.name).like(like), User.email.like(like)))
    if role:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    return stmt
