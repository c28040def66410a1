"""HTTP routes of the XBlock host: block handlers (signed) and block/runtime resources (cached).

A handler URL is ``/xblock/<branch>/<usage>/handler/<state user>/<token>/<handler>/<suffix>``. The token
must have been issued to the logged-in user for that state user, block and branch; the learning context
must let that user use that block now (``can_use(user, usage_key)``: a token outlives the page, and the
block may have been closed to the user since) and act for the state user, when they differ. A third-party
callback asks the same of its state user. Handlers are exempt
from the CSRF cookie check because the token already proves the request comes from our page; unsafe
methods must in addition come from our origin when the browser says where they come from.

A handler call's body is read into memory whole (the block gets a webob request), so it is bounded by
``XBLOCK_HANDLER_MAX_BYTES`` (1 MiB): a larger declared length is refused with 413 before a byte is read,
and a body without a length (chunked) is read at most one byte past the limit, then refused. The app-wide
``MAX_CONTENT_LENGTH`` is sized for course-file and OLX uploads, which stream to disk.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import webob
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request
from flask_babel import format_decimal
from flask_babel import gettext as _
from xblock.exceptions import NoSuchHandlerError, NoSuchUsage

from lms.accounts.session_user import request_user
from lms.db import db
from lms.extensions import csrf
from lms.request_transaction import SAFE_METHODS
from lms.xblock_host import context as contexts
from lms.xblock_host import events, resources, tokens
from lms.xblock_host.keys import InvalidKey, UsageKey
from lms.xblock_host.kvs import ReadOnlyContent
from lms.xblock_host.runtime import LmsRuntime, shared_field_names
from lms.xblock_host.services import ours
from lms.xblock_host.unavailable import UnavailableBlock

bp = Blueprint("xblock_host", __name__, url_prefix="/xblock")
csrf.exempt(bp)

HANDLER_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    if not origin:
        return True  # same-origin GETs and older browsers send none; the token still binds the request
    return urlsplit(origin).netloc == request.host


@bp.route("/<branch>/<usage_key>/handler/<int:state_user_id>/<token>/")
def handler_root(branch, usage_key, state_user_id, token):  # noqa: ARG001
    abort(404)  # only a prefix for handler URLs


@bp.route(
    "/<branch>/<usage_key>/handler/<int:state_user_id>/<token>/<handler>/",
    methods=HANDLER_METHODS,
    defaults={"suffix": ""},
)
@bp.route("/<branch>/<usage_key>/handler/<int:state_user_id>/<token>/<handler>/<path:suffix>", methods=HANDLER_METHODS)
def handler(branch: str, usage_key: str, state_user_id: int, token: str, handler: str, suffix: str):
    # Built before the first statement: on SQLite a handler call's transaction holds the write lock from its
    # first statement to its commit, and the block's request needs no database.
    webob_request = _webob_request()
    user = request_user()
    if not user.is_authenticated:
        abort(401)
    if not tokens.check(token, user.id, state_user_id, usage_key, branch):
        abort(403, "This handler link was not issued to you, or it has expired. Reload the page.")
    if request.method not in SAFE_METHODS and not _same_origin():
        abort(403, "Cross-site handler calls are refused.")
    context = _context_for(usage_key, branch)
    if not context.can_use(user, usage_key):
        return _refused(context.refusal(user, usage_key))
    if state_user_id != user.id and not context.can_act_for(user, state_user_id):
        abort(403)
    return _call_handler(LmsRuntime(context, user, state_user_id), usage_key, handler, suffix, webob_request)


@bp.route(
    "/<branch>/<usage_key>/callback/<int:state_user_id>/<token>/<handler>/",
    methods=HANDLER_METHODS,
    defaults={"suffix": ""},
)
@bp.route("/<branch>/<usage_key>/callback/<int:state_user_id>/<token>/<handler>/<path:suffix>", methods=HANDLER_METHODS)
def thirdparty_handler(branch: str, usage_key: str, state_user_id: int, token: str, handler: str, suffix: str):
    """Handlers a block exposes to outside services (``thirdparty=True``): no session, a handler-bound token."""
    if not tokens.check(token, 0, state_user_id, f"{usage_key}|{handler}", branch, "thirdparty"):
        abort(403)
    from lms.accounts.models import User

    user = db.session.get(User, state_user_id)
    if user is None or not user.is_active:
        abort(404)
    context = _context_for(usage_key, branch)
    # The token says an outside service may call; whether the learner may still use the block is asked now.
    if not context.can_use(user, usage_key):
        return _refused(context.refusal(user, usage_key))
    return _call_handler(LmsRuntime(context, user, state_user_id), usage_key, handler, suffix, _webob_request())


def _refused(message: str) -> tuple[str, int]:
    """A 403 that says why (the block's context words it: a locked module, no access to the course)."""
    return render_template("error.html", status=403, message=message), 403


def _bounded_body(limit: int) -> bytes:
    """The request's body, refused with 413 when it is longer than ``limit`` bytes."""
    length = request.content_length
    if length is not None:
        if length > limit:  # refused before a byte is read: a header and a comparison on the hot path
            abort(_too_large(limit))
        return request.get_data(cache=True)
    # No length (a chunked body the server ends): read one byte past the limit to know. Werkzeug's own
    # request.max_content_length would silently cut such a body at the limit, and the block would get half.
    stream, body = request.stream, bytearray()
    while len(body) <= limit and (chunk := stream.read(limit + 1 - len(body))):
        body += chunk
    if len(body) > limit:
        abort(_too_large(limit))
    return bytes(body)


def _too_large(limit: int) -> Response:
    """413, saying how much a block accepts."""
    size = format_decimal(round(limit / (1024 * 1024), 2))
    return _handler_error(413, _("Too much data for this block: it accepts at most %(size)s MB.", size=size))


def _handler_error(status: int, message: str) -> Response:
    """A handler call refused before or around the block: as JSON ``{"error": …}`` (what blocks' scripts
    read) unless the caller asked for a page (a form posted without JavaScript)."""
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return Response(render_template("error.html", status=status, message=message), status=status)
    response = jsonify(error=message)
    response.status_code = status
    return response


def _context_for(usage_key: str, branch: str):
    try:
        key = UsageKey(usage_key)
    except InvalidKey:
        abort(404)
    context = contexts.resolve(key.context_key, branch)
    if context is None:
        abort(404)
    return context


def _serialise_state_changes(block_type: str, usage_key: str, state_user_id: int) -> None:
    """Make concurrent handler calls on the same state take turns, so no update is lost.

    Shared state (user_state_summary: poll tallies, votes) is changed by every user's calls; one user's
    state can be changed by two people at once (a learner adding a logbook entry while an assessor
    verifies another). On SQLite the write transaction (BEGIN IMMEDIATE) already serialises all
    writers; PostgreSQL takes a transaction-scoped advisory lock before the block reads its fields.
    """
    if db.engine.dialect.name != "postgresql":
        return
    cls = current_app.extensions["xblock_types"].load(block_type)
    key = usage_key if shared_field_names(cls) else f"{usage_key}|{state_user_id}"
    from sqlalchemy import func, select

    db.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))


def _call_handler(
    runtime: LmsRuntime, usage_key: str, handler_name: str, suffix: str, webob_request: webob.Request
) -> Response:
    key = UsageKey(usage_key)
    if request.method not in SAFE_METHODS:
        _serialise_state_changes(key.block_type, usage_key, runtime.state_user_id)
    try:
        runtime.prefetch_user_state([key], lazily=True)
        block = runtime.get_block(key)
        if isinstance(block, UnavailableBlock):
            abort(404)
    except NoSuchUsage:
        abort(404)
    try:
        result = runtime.handle(block, handler_name, webob_request, suffix)
    except NoSuchHandlerError:
        abort(404)
    except ReadOnlyContent:
        abort(409, "This handler tried to change published course content.")
    except events.EventRefused as refused:
        current_app.logger.warning(
            "%s handler %r of %s: event refused: %s", key.block_type, handler_name, usage_key, refused
        )
        return _malformed_request()
    except ImportError as error:  # a feature of the block that needs a package this server lacks (poll's
        if not raised_by_outside_code(error):  # CSV export needs celery): nothing the caller can fix
            raise
        current_app.logger.warning(
            "%s handler %r needs what is not installed", key.block_type, handler_name, exc_info=error
        )
        return _handler_error(501, _("This feature of the block is not available on this server."))
    except MALFORMED_REQUEST_ERRORS as error:
        if not raised_by_outside_code(error):
            raise
        current_app.logger.warning(
            "%s handler %r of %s could not use the request (answered 400)",
            key.block_type,
            handler_name,
            usage_key,
            exc_info=error,
        )
        return _malformed_request()
    headers = [(name, value) for name, value in result.headerlist if name.lower() != "content-length"]
    return Response(result.body, status=result.status, headers=headers)


# What a community block's handler raises when a request body is not what it expects: a JSON array or a
# string where it indexes an object (TypeError), a null it calls a method on (AttributeError), a missing key
# (KeyError), a value it cannot convert (ValueError), JSON nested past Python's recursion limit while it is
# parsed (RecursionError).
MALFORMED_REQUEST_ERRORS = (ValueError, TypeError, LookupError, AttributeError, RecursionError)


def raised_by_outside_code(error: BaseException) -> bool:
    """Whether ``error`` was raised by code that is not ours (a community block, a library it called), with
    none of our code between that block and the raise.

    Only then is a handler's error taken for the client's malformed request. Our own blocks check their
    input and refuse it with a status (``HandlerError``): an error raised in them is a bug and stays a 500,
    as does one raised by the runtime, a service or the database layer a block called.
    """
    frames = []
    trace = error.__traceback__
    while trace is not None:
        frames.append(ours(trace.tb_frame.f_globals.get("__name__", "")))
        trace = trace.tb_next
    # The first frames are this view and the runtime (ours); then XBlock's dispatch and the block's code.
    if all(frames):
        return False
    return not any(frames[frames.index(False) :])


def _malformed_request() -> Response:
    return _handler_error(400, _("The block could not use this request. Reload the page and try again."))


def _webob_request() -> webob.Request:
    body = _bounded_body(current_app.config["XBLOCK_HANDLER_MAX_BYTES"])
    environ = dict(request.environ)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return webob.Request(environ)


@bp.route("/resource/<block_type>/<path:uri>")
def block_resource(block_type: str, uri: str):
    """A file from a block's package (``public/`` only, per XBlock's own rules), kept a year by browsers
    when asked by its fingerprinted URL (``lms.static_assets``)."""
    cls = current_app.extensions["xblock_types"].load(block_type)
    if cls is UnavailableBlock:
        abort(404)
    try:
        found = resources.block_file(cls, uri)
    except resources.MISSING_FILE_ERRORS:
        abort(404)
    return found.response()


@bp.route("/runtime/<path:filename>")
def runtime_resource(filename: str):
    """Files the runtime offers every block (``runtime.resource_url``): jQuery, underscore, our JS."""
    return resources.RUNTIME_FILES.response(filename)
