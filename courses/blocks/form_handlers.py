"""Block handlers that accept a JSON body from JavaScript or a plain HTML form without it.

Our blocks work without JavaScript: the same handler takes a JSON body (and answers JSON) or a form post
(and answers with a redirect back to the page, or a short page saying what went wrong). Plain XBlock and
WebOb: blocks using it run unchanged in the xblock-sdk workbench and in Open edX.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from markupsafe import escape
from webob import Response
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError


class HandlerError(JsonHandlerError):
    """A refused handler call: a status, a message for the person, and the form field at fault if any."""

    def __init__(self, status_code: int, message: str, field: str | None = None):
        super().__init__(status_code, message)
        self.field = field


def whole_number(value) -> int | None:  # noqa: ANN001
    """A level or a scale position sent as a form field or in JSON ("3", 3), or None for anything else: a
    list, text, or a JSON number too large for an int (1e999 is infinity to Python's JSON reader)."""
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def _wants_json(request) -> bool:  # noqa: ANN001
    return request.content_type == "application/json" or "application/json" in (request.accept.header_value or "")


# A JSON escape of a UTF-16 surrogate: a pair makes one character, but one alone decodes to a string that cannot
# be written as UTF-8, so a page showing it fails (a learner's essay breaking their assessor's grading page).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _read_data(request, _, lists: tuple[str, ...] | Callable[[str], bool] = ()) -> dict:  # noqa: ANN001
    if request.content_type == "application/json":
        body = request.body
        try:
            data = json.loads(body.decode("utf-8") or "{}")
            if _SURROGATE_ESCAPE.search(body):  # "\ud800" alone is valid JSON, and text no page can then show
                json.dumps(data, ensure_ascii=False).encode("utf-8")
        except (ValueError, RecursionError) as exc:  # RecursionError: nested past the parser's depth
            raise HandlerError(400, _("The request was not valid JSON.")) from exc
        if not isinstance(data, dict):
            raise HandlerError(400, _("The request was not a JSON object."))
        return data
    as_list = lists if callable(lists) else lists.__contains__
    return {name: request.POST.getall(name) if as_list(name) else request.POST.get(name) for name in request.POST}


def _same_origin_referer(request) -> str | None:  # noqa: ANN001
    referer = request.referer or ""
    parts = urlsplit(referer)
    if parts.scheme in ("http", "https") and parts.netloc == request.host:
        return referer.split("#", 1)[0]
    return None


def _html_page(title: str, message: str, back: str | None, back_label: str, status: int) -> Response:
    link = f'<p><a href="{escape(back)}">{escape(back_label)}</a></p>' if back else ""
    body = (
        f'<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{escape(title)}</title></head><body><main><h1>{escape(title)}</h1>"
        f'<p role="alert">{escape(message)}</p>{link}</main></body></html>'
    )
    return Response(body=body.encode("utf-8"), status=status, content_type="text/html", charset="utf-8")


def form_handler(func=None, *, lists: tuple[str, ...] | Callable[[str], bool] = ()):  # noqa: ANN001, ANN201
    """A POST handler fed by JavaScript (a JSON body, a JSON answer) or by a plain HTML form without it
    (then the answer is a redirect back to the page, or a short page saying what went wrong).

    ``func(self, data, suffix)`` returns a dict (with a ``message``) or raises :class:`HandlerError`. Form
    fields named in ``lists`` (or for which it answers True) are read as lists (checkboxes); the others as
    their one value. A result with a ``redirect`` sends the form's browser there instead of back to the
    page it came from; one with an ``anchor``, to that element of the page instead of the block.
    """
    if func is None:
        return functools.partial(form_handler, lists=lists)

    @XBlock.handler
    @functools.wraps(func)
    def wrapper(self, request, suffix=""):  # noqa: ANN001
        wants_json = _wants_json(request)
        _ = self.ugettext
        try:
            if request.method != "POST":
                raise HandlerError(405, _("Send this with POST."))
            result = func(self, _read_data(request, _, lists), suffix)
        except JsonHandlerError as err:
            if wants_json:
                body = {"error": err.message}
                if getattr(err, "field", None):
                    body["field"] = err.field
                return Response(
                    json.dumps(body), status=err.status_code, content_type="application/json", charset="utf-8"
                )
            back = _same_origin_referer(request)
            return _html_page(_("Not saved"), err.message, back, _("Go back"), err.status_code)
        if wants_json:
            return Response(json.dumps(result), content_type="application/json", charset="utf-8")
        back = result.get("redirect") or _same_origin_referer(request)
        if back:
            return Response(status=303, location=f"{back}#{result.get('anchor') or self.dom_id}")
        return _html_page(_("Saved"), result.get("message", ""), None, "", 200)

    return wrapper
