"""Serving course files, to whoever may use the course, with ranges so videos seek on slow links.

``/courses/<code>/files/<sha256>/<name>`` (:func:`file_by_hash`) names its bytes: the draft's file in
previews, the published version's in learners' pages, cached for good. The older
``/courses/<code>/assets/<name>`` (:func:`asset`) keeps working: the draft's file for authors, the
published version's for everyone else. A learner gets a file of the published version only when a module
open to them refers to it, or no module does (``CourseContext.can_use_file``: files are gated with their
modules).

Every file is served as ``courses.file_types`` decides from its name (type, inline or download, a sandbox
CSP, ``nosniff``), and with one cache policy: ``private`` always, as only people who may use the course get
its files and a shared cache (a proxy, a CDN) would hand them to anyone without asking; ``max-age`` of a year
and ``immutable`` where the URL names the bytes, ``no-cache`` (check each time) where it names only the file.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, request, send_file
from flask_login import current_user

from courses import file_types, queries, version_files
from courses.assets import draft_file
from courses.models import Course, CourseAsset, CourseVersionAsset
from lms import storage
from lms.permissions import can
from lms.xblock_host.context import PUBLISHED

# This blueprint also carries the template folder of the whole courses package.
bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")
SHA256 = re.compile(r"[0-9a-f]{64}")
IMMUTABLE_MAX_AGE = 365 * 24 * 3600
BY_CONTENT_CACHE = f"private, max-age={IMMUTABLE_MAX_AGE}, immutable"
BY_NAME_CACHE = "private, no-cache"


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


def _send(found: CourseAsset | CourseVersionAsset, filename: str, cache_control: str):  # noqa: ANN202
    served = file_types.served_as(filename)
    response = send_file(
        storage.path(found.storage_key),
        mimetype=served.mimetype,  # never the type the uploader declared (stored in the row)
        download_name=filename.rsplit("/", 1)[-1],
        as_attachment=not served.inline or request.args.get("download") == "1",
        conditional=True,  # ranges (videos seek) and If-None-Match on the sha256
        etag=found.sha256,
    )
    # The whole header, not send_file's directives amended: one policy per URL, never public and private.
    response.headers["Cache-Control"] = cache_control
    response.headers.pop("Expires", None)
    file_types.security_headers(response.headers)
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
    return _send(found, filename, BY_CONTENT_CACHE)


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
    return _send(found, filename, BY_NAME_CACHE)
