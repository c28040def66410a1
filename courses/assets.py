"""Course files (images, videos, PDFs, caption files): the draft's upload, list, delete; serving.

Content refers to a file as ``/static/<filename>`` (the OLX convention); the ``replace_urls`` service
rewrites that through ``CourseContext.asset_url`` to :func:`file_by_hash`, ``/courses/<code>/files/<sha256>/
<name>``: the draft's file in previews, the published version's file (``courses.version_files``) in learners'
pages. A URL names its bytes, so replacing or deleting the draft's file never changes what a published page
shows, and no cache can mix a draft's bytes with a version's. The older ``/courses/<code>/assets/<name>``
(:func:`asset`) keeps working: the draft's file for authors, the published version's for everyone else.
Files are served to whoever may use the course (authors, learners, instructors), with ranges so videos seek
on slow links. Stored bytes are never deleted (see ``lms.storage``): deleting a draft file removes its row.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from courses import queries, version_files
from courses.models import Course, CourseAsset, CourseVersionAsset
from lms import audit, storage
from lms.clock import utcnow
from lms.db import db
from lms.permissions import can

# This blueprint also carries the template folder of the whole courses package.
bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")

FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()/-]{0,254}$")
SHA256 = re.compile(r"[0-9a-f]{64}")
IMMUTABLE_MAX_AGE = 365 * 24 * 3600


class AssetError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").strip().lstrip("/")
    if not FILENAME.match(name) or ".." in name.split("/") or "//" in name:
        raise AssetError(_("Use a file name of letters, digits, spaces, dots, dashes and underscores."))
    return name


@dataclass(frozen=True)
class StoredFile:
    """A course file's bytes in ``lms.storage``, and what its ``course_asset`` row will say of them."""

    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str


def store_file(filename: str, stream, content_type: str | None = None) -> StoredFile:  # noqa: ANN001
    """Keep the stream's bytes as a course file would be kept, without writing to the database (an OLX import
    stores its files before it opens a transaction)."""
    filename = clean_filename(filename)
    key, sha, size = storage.save(stream)
    if size > current_app.config["ASSET_MAX_BYTES"]:
        raise AssetError(_("The file is too large."))
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return StoredFile(filename, content_type, size, sha, key)


def save_asset(course: Course, filename: str, stream, content_type: str | None = None) -> CourseAsset:  # noqa: ANN001
    stored = store_file(filename, stream, content_type)
    asset = db.session.scalar(
        select(CourseAsset).where(CourseAsset.course_id == course.id, CourseAsset.filename == stored.filename)
    )
    if asset is None:
        asset = CourseAsset(course_id=course.id, filename=stored.filename)
        db.session.add(asset)
    asset.content_type, asset.size = stored.content_type, stored.size
    asset.sha256, asset.storage_key = stored.sha256, stored.storage_key
    course.draft_changed_at = utcnow()  # learners get the file at the next publication
    db.session.flush()
    audit.record("asset.saved", "course", course.id, filename=stored.filename, size=stored.size)
    return asset


def delete_asset(course: Course, asset: CourseAsset) -> None:
    """Remove the file from the draft; published versions keep theirs (and the stored bytes stay)."""
    audit.record("asset.deleted", "course", course.id, filename=asset.filename)
    db.session.delete(asset)
    course.draft_changed_at = utcnow()
    db.session.flush()


def assets_of(course: Course) -> list[CourseAsset]:
    return list(
        db.session.scalars(select(CourseAsset).where(CourseAsset.course_id == course.id).order_by(CourseAsset.filename))
    )


def draft_hashes(course_id: int) -> dict[str, str]:
    """``{filename: sha256}`` of the draft's files, for the URLs in draft previews."""
    rows = db.session.execute(
        select(CourseAsset.filename, CourseAsset.sha256).where(CourseAsset.course_id == course_id)
    )
    return dict(rows.all())


def draft_file(course_id: int, filename: str) -> CourseAsset | None:
    return db.session.scalar(
        select(CourseAsset).where(CourseAsset.course_id == course_id, CourseAsset.filename == filename)
    )


def may_read_assets(course: Course) -> bool:
    return can("course.edit", course) or (
        course.published_version_id is not None and (can("course.learn", course) or can("course.assess", course))
    )


def _readable_course(code: str) -> Course:
    course = queries.by_code(code) or abort(404)
    if not current_user.is_authenticated:
        abort(401)
    if not may_read_assets(course):
        abort(403)
    return course


def _send(found: CourseAsset | CourseVersionAsset, filename: str, max_age: int):  # noqa: ANN202
    response = send_file(
        storage.path(found.storage_key),
        mimetype=found.content_type,
        download_name=filename.rsplit("/", 1)[-1],
        as_attachment=request.args.get("download") == "1",
        conditional=True,  # ranges (videos seek) and If-None-Match on the sha256
        etag=found.sha256,
        max_age=max_age,
    )
    # Only people who may use the course get its files: no shared cache may keep them.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


@bp.get("/<code>/files/<sha256>/<path:filename>")
def file_by_hash(code: str, sha256: str, filename: str):
    """A file by content: the URL names the bytes, so browsers keep it for good (``immutable``).

    Learners get only the files of the course's published version; authors also the draft's and any
    earlier version's (previews and the studio link here).
    """
    if not SHA256.fullmatch(sha256):
        abort(404)
    course = _readable_course(code)
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
    course = _readable_course(code)
    if can("course.edit", course):
        found = draft_file(course.id, filename)
    else:
        found = version_files.file_of(course.published_version_id, filename)
    if found is None:
        abort(404)
    response = _send(found, filename, 0)
    response.cache_control.no_cache = True
    return response
