"""Importing an Open edX course export (``.tar.gz``) as a new tot-lms course, all or nothing.

Order matters for "all or nothing": the archive is read and checked (``archive``), the whole course is
inlined into one XML tree and every file name is checked (``pointers``) *before* anything is written.
Then the course is created, the tree is parsed by a draft runtime of that course, the static files
become course assets, and the files nothing read are kept for export (``kept``). Like every service this
one only flushes: the caller commits on success and rolls back on :class:`OlxError` (the CLI command, or
the studio's import job, which runs it in a savepoint: ``jobs``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from courses import assets, services
from courses.context import course_context
from courses.models import Course
from courses.olx import kept
from courses.olx.archive import DEFAULT_MAX_MEMBERS, Archive, read_archive
from courses.olx.errors import OlxError
from courses.olx.pointers import CourseTree, build_tree
from courses.olx.runtime import ImportRuntime
from lms import audit
from lms.db import db
from lms.xblock_host.context import DRAFT

_CODE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
TITLE_MAX = 200


@dataclass
class ImportResult:
    course: Course
    blocks: int
    files: int
    unavailable: dict[str, int] = field(default_factory=dict)  # block type -> count kept but not runnable
    kept: int = 0  # files of the export this LMS does not use, kept for export (courses.olx.kept)


def course_code(tree: CourseTree) -> str:
    """``org-course-run`` reduced to the course code pattern (letters, digits, '.', '-', '_'; ≤ 40)."""
    parts = [part for part in (tree.org, tree.number, tree.run) if part]
    ascii_text = unicodedata.normalize("NFKD", "-".join(parts)).encode("ascii", "ignore").decode()
    code = re.sub(r"-{2,}", "-", _CODE_UNSAFE.sub("-", ascii_text))
    code = code.lstrip("._-")[:40].rstrip("._-")
    if len(code) < 2:
        raise OlxError(_("The export names no usable course code; give one."), "code")
    return code


def _check_static_files(archive: Archive) -> list[tuple[str, IO[bytes]]]:
    """Every static file must become an asset: check names and sizes before anything is written."""
    limit = current_app.config["ASSET_MAX_BYTES"]
    checked = []
    for name, handle in archive.static_files():
        try:
            filename = assets.clean_filename(name)
        except assets.AssetError as error:
            raise OlxError(f"static/{name}: {error.message}") from error
        handle.seek(0, 2)
        if handle.tell() > limit:
            raise OlxError(_("static/%(name)s: the file is too large.", name=name))
        handle.seek(0)
        checked.append((filename, handle))
    return checked


def _language(tree: CourseTree) -> str:
    language = (tree.root.get("language") or "").split("-")[0].lower()
    return language if language in current_app.config["LANGUAGES"] else current_app.config["DEFAULT_LANGUAGE"]


def _create_course(tree: CourseTree, author, code: str | None, description: str) -> Course:  # noqa: ANN001
    code = (code or "").strip() or course_code(tree)
    title = (tree.root.get("display_name") or "").strip() or " ".join(filter(None, (tree.org, tree.number))) or code
    try:
        return services.create_course(
            code=code, title=title[:TITLE_MAX], owner=author, language=_language(tree), description=description
        )
    except services.CourseError as error:
        raise OlxError(f"{error.message} ({code})", error.field) from error


def import_archive(stream: IO[bytes], author, code: str | None = None) -> ImportResult:  # noqa: ANN001
    """Import the archive read from ``stream`` as a new course owned by ``author``."""
    config = current_app.config
    archive = read_archive(
        stream,
        max_bytes=config["OLX_MAX_BYTES"],
        max_members=config.get("OLX_MAX_MEMBERS", DEFAULT_MAX_MEMBERS),
    )
    try:
        types = current_app.extensions["xblock_types"]
        tree = build_tree(archive, types.is_runnable)
        static_files = _check_static_files(archive)
        unused = archive.unread_files()  # after the tree is built: everything it read is in use
        course = _create_course(tree, author, code, kept.description_from(unused))
        course.grading_policy = tree.grading_policy
        runtime = ImportRuntime(course_context(course, DRAFT), author)
        runtime.import_tree(tree.root)
        root = runtime.get_block(course.root_key)
        # Where an export writes course.xml and policies/<run>/ from (see exporter).
        identity = {"url_name": tree.run, "org": tree.org, "course": tree.number}
        root.olx_attributes = {**root.olx_attributes, **{k: v for k, v in identity.items() if v}}
        root.olx_policy = tree.course_policy
        root.save()
        for filename, handle in static_files:
            assets.save_asset(course, filename, handle)
        kept.keep(course, unused)
        db.session.flush()
    finally:
        archive.close()
    audit.record(
        "course.imported",
        "course",
        course.id,
        actor=author,
        blocks=len(runtime.created),
        files=len(static_files),
        kept=len(unused),
    )
    return ImportResult(
        course=course,
        blocks=len(runtime.created),
        files=len(static_files),
        unavailable=dict(runtime.unavailable),
        kept=len(unused),
    )
