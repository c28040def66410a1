"""The JSON API base under ``/api/v1``: token authentication, one error shape, a generated OpenAPI document.

Each package declares its endpoints on an :func:`api_blueprint` with flask-smorest (marshmallow schemas
for arguments and responses), so ``/api/v1/openapi.json`` is generated from the code that serves it.
Callers authenticate with a personal access token (``Authorization: Bearer tot_…``) created on the
profile page; session cookies are ignored here, so the API needs no CSRF token.
"""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from flask import Flask, abort, g
from flask_smorest import Api, Blueprint
from flask_smorest.pagination import PaginationMetadataSchema

from lms.accounts.tokens import user_for_api_token
from lms.extensions import csrf

API_PREFIX = "/api/v1"


class UtcDateTime(ma.fields.DateTime):
    """A stored time as RFC 3339 with its zone (``…+00:00``), as OpenAPI's ``date-time`` requires: the database
    keeps UTC without a zone (``lms.clock.utcnow``), which marshmallow would write without an offset."""

    def _serialize(self, value, attr, obj, **kwargs):  # noqa: ANN001, ANN202
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A smorest blueprint whose every endpoint requires a valid personal access token."""
    bp = Blueprint(name, import_name, description=description)
    bp.before_request(authenticate_token)
    return bp


def authenticate_token() -> None:
    from flask import request

    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        abort(401, "Send a personal access token: 'Authorization: Bearer <token>' (create one on your profile page).")
    user = user_for_api_token(raw.strip())
    if user is None:
        abort(401, "The token is unknown, revoked, or its account is inactive.")
    # Flask-Login reads the request's user from here; nothing is written to the session.
    g._login_user = user


class _Api(Api):
    def _register_error_handlers(self) -> None:
        # lms.errors answers every HTTP error: JSON under /api/, a page (or the log-in redirect) elsewhere.
        # flask-smorest's own handler would replace it app-wide and answer the pages' 401/403/404 in JSON.
        pass

    def _register_pagination_header(self) -> None:
        # X-Pagination holds the metadata as JSON. smorest documents it with an object schema, which for a
        # header means OpenAPI's "simple" style (k,v,k,v): a client generated from the document would
        # misread it. A header's `content` says how it is really serialised.
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata (a JSON object).",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )


def init_app(app: Flask) -> Api:
    """Set up the API for ``app``; packages then :func:`mount` their blueprints on it."""
    app.config.update(
        API_TITLE="tot-lms API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Courses, cohorts and enrollments of tot-lms. Authenticate with a personal access token."
            },
            "security": [{"bearerAuth": []}],
        },
    )
    api = _Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A personal access token (tot_…)."}
    )
    app.extensions["lms_api"] = api
    return api


def mount(app: Flask, bp: Blueprint, url_prefix: str) -> None:
    """Serve ``bp``'s endpoints below ``/api/v1<url_prefix>`` and describe them in the OpenAPI document."""
    csrf.exempt(bp)
    app.extensions["lms_api"].register_blueprint(bp, url_prefix=API_PREFIX + url_prefix)
