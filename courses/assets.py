"""Course files of the draft (images, videos, PDFs, caption files): upload, list, delete.

Content refers to a file as ``/static/<filename>`` (the OLX convention); the ``replace_urls`` service
rewrites that through ``CourseContext.asset_url`` to a content-addressed URL (``courses.views``): the
draft's file in previews, the published version's (``courses.version_files``) in learners' pages, so
replacing or deleting a draft file never changes what a published page shows. Stored bytes are never
deleted (see ``lms.storage``): deleting a draft file removes its row. These services flush and never
commit; serving the files is ``courses.views``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from courses import file_types
from courses.models import Course, CourseAsset
from lms import audit, storage
from lms.clock import utcnow
from lms.db import db
from lms.sql import upsert

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


@dataclass(frozen=True)
class StoredFile:
    """A course file's bytes in ``lms.storage``, and what its ``course_asset`` row will say of them."""

    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str


def store_file(filename: str, stream) -> StoredFile:  # noqa: ANN001
    """Keep the stream's bytes as a course file would be kept, without writing to the database (an OLX import
    stores its files before it opens a transaction).

    The row records the type the file is served with (``courses.file_types``, from its name): what an
    uploader declares is never used. Serving decides from the name again, so rows written before this rule
    (with a declared type) are served the same way."""
    filename = clean_filename(filename)
    key, sha, size = storage.save(stream)
    if size > current_app.config["ASSET_MAX_BYTES"]:
        raise AssetError(_("The file is too large."))
    return StoredFile(filename, file_types.served_as(filename).mimetype, size, sha, key)


def save_asset(course: Course, filename: str, stream) -> CourseAsset:  # noqa: ANN001
    """Store ``stream`` as the draft's file ``filename`` (replacing one of that name); flushes."""
    stored = store_file(filename, stream)
    # Saving a name again replaces the file; one statement, so two uploads of one name at once keep one row.
    values = {
        "content_type": stored.content_type, "size": stored.size, "sha256": stored.sha256,
        "storage_key": stored.storage_key,
    }  # fmt: skip
    statement = upsert(
        CourseAsset, {"course_id": course.id, "filename": stored.filename, **values}, _ASSET_KEY, list(values)
    )
    asset = db.session.scalars(statement.returning(CourseAsset), execution_options={"populate_existing": True}).one()
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
