"""A published version's files: recorded when the version is published, never changed afterwards.

The draft's files (``course_asset``) change whenever an author uploads or deletes one; what learners of a
published version download must not. Publishing copies the draft's file list into ``course_version_asset``
rows: filename → storage key, sha256, content type and size. The bytes themselves are not copied: storage
is content-addressed (``lms.storage``), so a row pins the exact bytes, and nothing deletes stored files.

A table rather than a map inside the version's JSON snapshot: serving one file looks up one indexed row
instead of loading the whole snapshot; the snapshot stays a block tree (``SnapshotStore`` reads it key by
key); and the storage keys a version holds are visible to SQL, so a future storage clean-up can keep every
key that a version or the draft still names. Versions published before this table existed were given the
draft's files of the day of the migration (the best truth there was).
"""

from __future__ import annotations

from sqlalchemy import insert, literal, select

from courses.models import CourseAsset, CourseVersion, CourseVersionAsset
from lms import caches
from lms.db import db


def record(version: CourseVersion) -> int:
    """Pin the draft's files to ``version`` (in the publishing transaction); returns how many."""
    draft = select(
        literal(version.id),
        CourseAsset.filename,
        CourseAsset.content_type,
        CourseAsset.size,
        CourseAsset.sha256,
        CourseAsset.storage_key,
    ).where(CourseAsset.course_id == version.course_id)
    columns = ["version_id", "filename", "content_type", "size", "sha256", "storage_key"]
    result = db.session.execute(insert(CourseVersionAsset).from_select(columns, draft))
    return result.rowcount


def files_of(version_id: int) -> list[CourseVersionAsset]:
    return list(
        db.session.scalars(
            select(CourseVersionAsset)
            .where(CourseVersionAsset.version_id == version_id)
            .order_by(CourseVersionAsset.filename)
        )
    )


def file_of(version_id: int, filename: str) -> CourseVersionAsset | None:
    return db.session.scalar(
        select(CourseVersionAsset).where(
            CourseVersionAsset.version_id == version_id, CourseVersionAsset.filename == filename
        )
    )


def hashes(version_id: int) -> dict[str, str]:
    """``{filename: sha256}`` of a version, for the URLs in its pages."""

    def load() -> dict[str, str]:
        rows = db.session.execute(
            select(CourseVersionAsset.filename, CourseVersionAsset.sha256).where(
                CourseVersionAsset.version_id == version_id
            )
        )
        return dict(rows.all())

    return caches.PUBLISHED_FILES.get_or_build(version_id, load)


def any_version_has(course_id: int, filename: str, sha256: str) -> CourseVersionAsset | None:
    """The file as some version of the course had it (authors may open any version's files)."""
    return db.session.scalar(
        select(CourseVersionAsset)
        .join(CourseVersion, CourseVersion.id == CourseVersionAsset.version_id)
        .where(
            CourseVersion.course_id == course_id,
            CourseVersionAsset.filename == filename,
            CourseVersionAsset.sha256 == sha256,
        )
        .limit(1)
    )
