"""Small request helpers shared by every blueprint: safe redirects, pagination, the client address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from sqlalchemy import func, select

from lms.db import db


def safe_next(target: str | None, default_endpoint: str = "dashboard.index") -> str:
    """``target`` if it stays on this site, else the default page (no open redirects)."""
    if target:
        parts = urlsplit(target)
        same_site = (not parts.scheme and not parts.netloc) or (
            parts.scheme in {"http", "https"} and parts.netloc == request.host
        )
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if same_site and path.startswith("/") and not path.startswith("//") and "\\" not in path:
            return path
    return url_for(default_endpoint)


def client_ip() -> str:
    """The client's address, the one key of every per-client limit (log-in failures, reset mail, checks).

    ``request.remote_addr`` is the client's own address behind the configured ``PROXY_HOPS`` proxies
    (``create_app`` installs ProxyFix) and the connection's peer without any. Cut to the column's width: a
    misconfigured proxy may pass on a long header entry, which must not break the page.
    """
    return (request.remote_addr or "unknown")[:64]


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def url_for_page(self, number: int) -> str:
        # The view's own arguments win over a query argument of the same name (?cohort_id=…), which
        # would otherwise reach url_for twice.
        args = {**request.args.to_dict(), **(request.view_args or {}), "page": str(number)}
        return url_for(request.endpoint, **args)


def paginate(stmt, per_page: int | None = None, scalars: bool = True) -> Page:
    """Run ``stmt`` for the page named by ``?page=`` (two queries: the count and the rows)."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    try:
        number = max(1, int(request.args.get("page", 1)))
    except ValueError:
        number = 1
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    # Past the end shows the last page (and keeps a huge ?page= from overflowing the OFFSET).
    number = min(number, max(1, -(-(total or 0) // per_page)))
    paged = stmt.limit(per_page).offset((number - 1) * per_page)
    rows = db.session.scalars(paged).all() if scalars else db.session.execute(paged).all()
    return Page(items=list(rows), page=number, per_page=per_page, total=total or 0)
