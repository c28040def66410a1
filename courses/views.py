"""Serving course files, to whoever may use the course, with ranges so videos seek on slow links.

``/courses/<code>/files/<sha256>/<name>`` (:func:`file_by_hash`) names its bytes: the draft's file in
previews, the published version's in learners' pages, cached for good. The older
``/courses/<code>/assets/<name>`` (:func:`asset`) keeps working: the draft's file for authors, the
published version's for everyone else. A learner gets a file of the published version only when a module
open to them refers to it, or no module does (``CourseContext.can_use_file``: files are gated with their
modules).

Course files are authored, so none runs script in the LMS's origin (``lms.csp``): a file a browser would
open as a document that can hold script (HTML, XML, SVG) comes with a sandboxing policy, in an origin of
its own and with no script at all; a file of a JavaScript type is served as plain text, so that no
``<script src>`` (which the pages' ``'self'`` would allow) can run it.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, request, send_file
from flask_login import current_user

from courses import queries, version_files
from courses.assets import draft_file
from courses.models import Course, CourseAsset, CourseVersionAsset
from lms import csp, storage
from lms.permissions import can
from lms.xblock_host.context import PUBLISHED

# This blueprint also carries the template folder of the whole courses package.
bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")
SHA256 = re.compile(r"[0-9a-f]{64}")
IMMUTABLE_MAX_AGE = 365 * 24 * 3600


def _readable_course(code: str, filename: str) -> Course:
    """The course, when the current user may fetch its file ``filename``: course staff any, others the
    published version's files their course context lets them use."""
    course = queries.by_code(code) or abort(404)
    if not current_user.is_authenticated:
        abort(401)
    if can("course.edit", course):
        return course
    if course.published_version_id is None:
        abort(403)
    from courses.context import course_context  # the context module builds on this one (draft_hashes)

    if not course_context(course, PUBLISHED).can_use_file(current_user, filename):
        abort(403)
    return course


# The JavaScript MIME type essences of the WHATWG MIME Sniffing standard (§ 4.6).
JAVASCRIPT_TYPES = frozenset(
    {
        "application/ecmascript", "application/javascript", "application/x-ecmascript", "application/x-javascript",
        "text/ecmascript", "text/javascript", "text/javascript1.0", "text/javascript1.1", "text/javascript1.2",
        "text/javascript1.3", "text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
        "text/x-ecmascript", "text/x-javascript",
    }
)  # fmt: skip
DOCUMENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/xml", "application/xml", "text/xsl"})


def _served_type(content_type: str) -> tuple[str, bool]:
    """The type to serve a stored file as (it was chosen by the uploader's browser), and whether it needs
    the sandbox."""
    essence = content_type.split(";", 1)[0].strip().lower()
    if essence in JAVASCRIPT_TYPES or essence.endswith(("+javascript", "/javascript")):
        return "text/plain", False
    return content_type, essence in DOCUMENT_TYPES or essence.endswith("+xml")


def _send(found: CourseAsset | CourseVersionAsset, filename: str, max_age: int):  # noqa: ANN202
    mimetype, sandboxed = _served_type(found.content_type)
    response = send_file(
        storage.path(found.storage_key),
        mimetype=mimetype,
        download_name=filename.rsplit("/", 1)[-1],
        as_attachment=request.args.get("download") == "1",
        conditional=True,  # ranges (videos seek) and If-None-Match on the sha256
        etag=found.sha256,
        max_age=max_age,
    )
    # Only people who may use the course get its files: no shared cache may keep them.
    response.cache_control.public = False
    response.cache_control.private = True
    if sandboxed:
        response.headers["Content-Security-Policy"] = csp.FILE
    return response


@bp.get("/<code>/files/<sha256>/<path:filename>")
def file_by_hash(code: str, sha256: str, filename: str):
    """A file by content: the URL names the bytes, so browsers keep it for good (``immutable``).

    Learners get only the files of the course's published version; authors also the draft's and any
    earlier version's (previews and the studio link here).
    """
    if not SHA256.fullmatch(sha256):
        abort(404)
    course = _readable_course(code, filename)
    found: CourseAsset | CourseVersionAsset | None = None
    if course.published_version_id is not None:
        found = version_files.file_of(course.published_version_id, filename)
    if can("course.edit", course) and (found is None or found.sha256 != sha256):
        found = draft_file(course.id, filename)
        if found is None or found.sha256 != sha256:
            found = version_files.any_version_has(course.id, filename, sha256)
    if found is None or found.sha256 != sha256:
        abort(404)
    response = _send(found, filename, IMMUTABLE_MAX_AGE)
    response.cache_control.immutable = True
    return response


@bp.get("/<code>/assets/<path:filename>")
def asset(code: str, filename: str):
    """A file by name (links from before content-addressed URLs, files content names but no version has).

    Authors get the draft's file, everyone else the published version's. The answer differs between them
    and changes with each upload or publication, so browsers check it again each time (a cheap 304).
    """
    course = _readable_course(code, filename)
    if can("course.edit", course):
        found = draft_file(course.id, filename)
    else:
        found = version_files.file_of(course.published_version_id, filename)
    if found is None:
        abort(404)
    response = _send(found, filename, 0)
    response.cache_control.no_cache = True
    return response
