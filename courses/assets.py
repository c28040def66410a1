"""Course files (images, videos, PDFs, caption files): upload, list, delete, serve.

Content refers to a file as ``/static/<filename>`` (the OLX convention); the ``replace_urls`` service
rewrites that to :func:`asset` below. Files are served to whoever may use the course (authors, learners,
instructors), with ranges so videos seek on slow links.
"""

from __future__ import annotations

import mimetypes
import re

from flask import Blueprint, abort, current_app, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from courses import queries
from courses.models import Course, CourseAsset
from lms import audit, storage
from lms.db import db, upsert
from lms.permissions import can

# This blueprint also carries the template folder of the whole courses package.
bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")

_ASSET_KEY = ["course_id", "filename"]
FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()/-]{0,254}$")


class AssetError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").strip().lstrip("/")
    if not FILENAME.match(name) or ".." in name.split("/") or "//" in name:
        raise AssetError(_("Use a file name of letters, digits, spaces, dots, dashes and underscores."))
    return name


def save_asset(course: Course, filename: str, stream, content_type: str | None = None) -> CourseAsset:  # noqa: ANN001
    filename = clean_filename(filename)
    key, sha, size = storage.save(stream)
    if size > current_app.config["ASSET_MAX_BYTES"]:
        raise AssetError(_("The file is too large."))
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    # Saving a name again replaces the file; one statement, so two uploads of one name at once keep one row.
    stored = {"content_type": content_type, "size": size, "sha256": sha, "storage_key": key}
    statement = upsert(CourseAsset, {"course_id": course.id, "filename": filename, **stored}, _ASSET_KEY, list(stored))
    asset = db.session.scalars(statement.returning(CourseAsset), execution_options={"populate_existing": True}).one()
    audit.record("asset.saved", "course", course.id, filename=filename, size=size)
    return asset


def delete_asset(asset: CourseAsset) -> None:
    audit.record("asset.deleted", "course", asset.course_id, filename=asset.filename)
    db.session.delete(asset)
    db.session.flush()


def assets_of(course: Course) -> list[CourseAsset]:
    return list(
        db.session.scalars(select(CourseAsset).where(CourseAsset.course_id == course.id).order_by(CourseAsset.filename))
    )


def may_read_assets(course: Course) -> bool:
    return can("course.edit", course) or (
        course.published_version_id is not None and (can("course.learn", course) or can("course.assess", course))
    )


@bp.get("/<code>/assets/<path:filename>")
def asset(code: str, filename: str):
    course = queries.by_code(code) or abort(404)
    if not current_user.is_authenticated:
        abort(401)
    if not may_read_assets(course):
        abort(403)
    found = db.session.scalar(
        select(CourseAsset).where(CourseAsset.course_id == course.id, CourseAsset.filename == filename)
    )
    if found is None:
        abort(404)
    response = send_file(
        storage.path(found.storage_key),
        mimetype=found.content_type,
        download_name=filename.rsplit("/", 1)[-1],
        as_attachment=request.args.get("download") == "1",
        conditional=True,
        etag=found.sha256,
        max_age=3600,
    )
    response.cache_control.private = True
    return response
