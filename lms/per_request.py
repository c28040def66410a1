"""Request-scoped state: caches and flags that must not outlive the request that made them."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request


def request_state() -> dict[str, Any]:
    """A dict that lives exactly as long as the current request.

    Per-request caches and flags belong here rather than on ``flask.g``: ``g`` belongs to the application
    context, which Flask reuses for requests made while one is already pushed (a test client inside a
    test, a request made from a CLI command), so values on ``g`` would leak from one request to the next.
    Outside a request it returns a fresh dict each time (nothing is remembered).
    """
    if not has_request_context():
        return {}
    current = request._get_current_object()  # noqa: SLF001 - the request object itself, not the proxy
    state = current.__dict__.get("_lms_state")
    if state is None:
        state = current.__dict__["_lms_state"] = {}
    return state
