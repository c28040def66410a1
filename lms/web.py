"""Small URL and request helpers shared by every blueprint: links that leave the site, safe redirects,
pagination, the client address, and the ``int`` URL converter every route's ids go through."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, request, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from lms.db import db


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of ``endpoint`` on the site's own address, ``BASE_URL`` (scheme, host, port and path
    prefix), for every link that leaves the site: mail, callbacks handed to other services.

    Never built from the request (``url_for(..., _external=True)`` takes the ``Host`` header, which the
    client writes, and a reset link in someone else's mail would then point wherever the client chose), so it
    is the same in a request, a job or a command, with no request at all.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


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


# Every id column is a 32-bit INTEGER on PostgreSQL (SQLite's hold up to 2**63 - 1): a larger number in a URL
# names no row, and passing it to the database would fail the request (an out-of-range error on PostgreSQL,
# an OverflowError from SQLite's driver above 2**63 - 1) instead of answering "not found".
ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route (``create_app`` installs it as ``int``): ASCII digits up to :data:`ID_MAX`.
    Anything else does not match the route, so the answer is a 404 (the API's error shape under ``/api/``),
    and the OpenAPI document gives the path parameter that maximum."""

    regex = r"[0-9]+"  # werkzeug's \d+ also takes other scripts' digits: one URL per resource

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = ID_MAX, signed=False):  # noqa: A002, ANN001
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        try:
            return super().to_python(value)
        except ValidationError:
            # Werkzeug has chosen the rule by then (no other is tried) and would answer 405 to a POST whose
            # path also has a GET rule; the resource does not exist, whatever the method.
            raise NotFound() from None


def refuse_nul_in_url() -> None:
    """Answer 400 to a path or query string with a NUL character (``%00``) in it, before any view sees it.

    No URL of ours has one, and PostgreSQL cannot store or even compare text holding NUL: a course code, a
    search or a ``next`` link with one would fail the request with a 500. Form fields are refused by
    ``lms.forms.Form`` (an error beside the field), request bodies of the API by its schemas and services.
    """
    if "\x00" in request.path or any(
        "\x00" in name or any("\x00" in value for value in values) for name, values in request.args.lists()
    ):
        abort(400, "The address contains a NUL character (%00).")


# Far past any real list, and small enough that (page - 1) * page size still fits a 64-bit OFFSET: a larger
# ?page= would make the database (or SQLite's driver) fail instead of answering with an empty or last page.
LAST_PAGE_NUMBER = 10**9


def paginate(stmt: Select, per_page: int | None = None) -> Pagination:
    """The page of ``stmt``'s rows (ORM objects) named by ``?page=``, through Flask-SQLAlchemy's
    ``db.paginate`` (a count and the rows). A missing or malformed number shows the first page and a
    number past the end the last one, so an old or edited link still lands on a page."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    number = min(max(1, request.args.get("page", 1, type=int)), LAST_PAGE_NUMBER)
    page = db.paginate(stmt, page=number, per_page=per_page, max_per_page=None, error_out=False)
    if page.page > page.pages > 0:
        page = db.paginate(stmt, page=page.pages, per_page=per_page, max_per_page=None, error_out=False)
    return page


@dataclass
class ListPage:
    """One page of a list built in Python, with what ``_macros.pagination`` reads."""

    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_page(rows: list, per_page: int) -> ListPage:
    """The page ``?page=`` names; a malformed number shows the first page, one past the end the last."""
    pages = max(1, math.ceil(len(rows) / per_page))
    number = min(max(1, request.args.get("page", 1, type=int)), LAST_PAGE_NUMBER, pages)
    return ListPage(rows[(number - 1) * per_page : number * per_page], number, pages, len(rows))


def page_url(number: int) -> str:
    """This page's URL showing page ``number`` of its list, keeping the other query arguments (the
    pagination macro's links), repeated ones too (a report's ``?cohort=3&cohort=4``). The view's own
    arguments win over a query argument of the same name (?cohort_id=…), which would otherwise reach url_for
    twice."""
    args = {**request.args.to_dict(flat=False), **(request.view_args or {}), "page": str(number)}
    return url_for(request.endpoint, **args)
