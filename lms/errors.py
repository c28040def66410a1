"""Error responses: an HTML page for people, a JSON body for ``/api/`` callers, a log-in redirect for 401."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

API_PREFIX = "/api/"


def wants_json() -> bool:
    return request.path.startswith(API_PREFIX)


def api_error_body(status: int, name: str, message: str, errors=None) -> dict:
    """The one error shape of the JSON API: ``{"code", "status", "message"[, "errors"]}``."""
    body = {"code": status, "status": name, "message": message}
    if errors:
        body["errors"] = errors
    return body


def _handle_http_exception(error: HTTPException):
    status = error.code or 500
    if wants_json():
        # flask-smorest's abort(status, message=…, errors=…) and webargs' validation errors keep their
        # details in ``error.data``.
        data = getattr(error, "data", None)
        data = data if isinstance(data, dict) else {}
        errors = data.get("errors") or data.get("messages")
        message = data.get("message") or error.description or error.name
        response = jsonify(api_error_body(status, error.name, message, errors))
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="tot-lms"'
        return response
    if status == 401:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if status in (405,) and hasattr(error, "get_response"):
        return error.get_response()
    messages = {
        400: _("The request could not be understood."),
        403: _("You do not have permission to open this page."),
        404: _("This page does not exist."),
        413: _("The file is too large."),
        409: _("This cannot be done in the current state of things. Reload the page and try again."),
        429: _("Too many requests. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Try again; if it keeps happening, tell your programme contact."),
    }
    message = messages.get(status) or (_("This cannot be done here.") if 400 <= status < 500 else messages[500])
    # A view that says why (abort(403, description=…)) has its words shown under the heading; werkzeug's
    # own English descriptions are not.
    detail = error.description if error.description != type(error).description and status < 500 else None
    return render_template("error.html", status=status, message=message, detail=detail), status


def _handle_deep_json(error: RecursionError):
    """A request body nested past Python's recursion limit (``[[[[…`` ten thousand deep, 10 KB) is the
    client's bad input when the JSON parser is where the recursion ran out; anywhere else it is our bug."""
    trace, innermost = error.__traceback__, ""
    while trace is not None:
        innermost = trace.tb_frame.f_globals.get("__name__", "")
        trace = trace.tb_next
    if innermost == "json" or innermost.startswith("json."):
        return _handle_http_exception(BadRequest(_("The request's JSON is nested too deeply.")))
    raise error


def _handle_unexpected(error: Exception):
    from flask import current_app

    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return _handle_http_exception(InternalServerError(original_exception=error))


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _handle_http_exception)
    app.register_error_handler(RecursionError, _handle_deep_json)
    if not app.debug and not app.testing:
        app.register_error_handler(Exception, _handle_unexpected)
