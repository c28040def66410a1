"""Phase 1 of an OLX import: everything that reads, parses and can fail, with no transaction open.

:func:`prepare` reads and checks the archive (``archive``), inlines the course into one XML tree and checks
every file name (``pointers``), checks the course code (one short read, ended at once), parses every block
with an :class:`~courses.olx.runtime.ImportRuntime` whose field store is in memory, and keeps the static
files and the files this LMS does not use in ``lms.storage`` (content-addressed, outside the database:
bytes nothing names are harmless). The files of other packages' archive parts (``courses.olx.parts``: the
question bank) go to each part's ``prepare``, which checks them as well. What it returns, an
:class:`ImportPlan`, is every row the import will write; ``courses.olx.writer`` writes it in short
transactions. Nothing here writes to the database, and nothing holds a transaction while it works: on
SQLite, readers and other writers go on meanwhile.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _

from courses import assets, services
from courses.olx import kept
from courses.olx.archive import DEFAULT_MAX_MEMBERS, Archive, read_archive
from courses.olx.errors import OlxError
from courses.olx.parts import PreparedPart, archive_parts
from courses.olx.pointers import CourseTree, build_tree
from courses.olx.runtime import ImportAuthor, ImportRuntime
from lms.db import db

_CODE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
TITLE_MAX = 200


@dataclass
class ImportPlan:
    """A parsed course, ready to be written: the course row's values and every row that belongs to it."""

    code: str
    title: str
    language: str
    description: str
    grading_policy: dict[str, Any] | None
    author: ImportAuthor
    field_rows: list[dict[str, Any]]  # xblock_field rows of the draft
    assets: list[assets.StoredFile]  # course_asset rows (the bytes are stored already)
    kept_files: list[dict[str, Any]]  # course_olx_file rows (the bytes are stored already)
    blocks: int
    unavailable: dict[str, int] = field(default_factory=dict)  # block type -> count kept but not runnable
    parts: list[PreparedPart] = field(default_factory=list)  # other packages' content, checked

    @property
    def notes(self) -> list[str]:
        """What the parts tell the author (questions brought into the bank, blocks that need a look)."""
        return [note for prepared in self.parts for note in prepared.notes]


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
    """Every static file must become an asset: check names and sizes before anything is kept."""
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


def check_code(code: str) -> None:
    """Whether ``code`` may name the new course, said before the slow part (the writer checks again, where
    it counts). One short read, ended at once: in a job or a command it would hold SQLite's write lock."""
    try:
        services.check_new_code(code)
    except services.CourseError as error:
        raise OlxError(f"{error.message} ({code})", error.field) from error
    finally:
        db.session.commit()


def prepare(stream: IO[bytes], author: ImportAuthor, code: str | None = None) -> ImportPlan:
    """Read, check and parse the archive read from ``stream``; raises :class:`OlxError` naming file and line.

    Call it with no transaction open that must stay open: it ends the one its code check reads in.
    """
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
        part_files = [(part, archive.read_folder(part.folder)) for part in archive_parts()]
        unused = archive.unread_files()  # after the tree is built: everything it read is in use
        code = (code or "").strip() or course_code(tree)
        check_code(code)
        title = (tree.root.get("display_name") or "").strip() or " ".join(filter(None, (tree.org, tree.number))) or code
        title = title[:TITLE_MAX].strip()
        runtime = ImportRuntime(code, author)
        runtime.start_root(title)
        runtime.import_tree(tree.root)
        root = runtime.get_block(runtime.context.root_key)
        # Where an export writes course.xml and policies/<run>/ from (see exporter).
        identity = {"url_name": tree.run, "org": tree.org, "course": tree.number}
        root.olx_attributes = {**root.olx_attributes, **{k: v for k, v in identity.items() if v}}
        root.olx_policy = tree.course_policy
        root.save()
        field_rows = runtime.planned.rows()
        prepared_parts = [PreparedPart(part, part.prepare(files, field_rows)) for part, files in part_files]
        # Everything is checked: only now are the files kept (a refused archive leaves no bytes behind).
        stored = []
        for filename, handle in static_files:
            try:
                stored.append(assets.store_file(filename, handle))
            except assets.AssetError as error:
                raise OlxError(f"static/{filename}: {error.message}") from error
        kept_rows = kept.store(unused)
    finally:
        archive.close()
    return ImportPlan(
        code=code,
        title=title,
        language=_language(tree),
        description=kept.description_from(unused),
        grading_policy=tree.grading_policy,
        author=author,
        field_rows=field_rows,
        assets=stored,
        kept_files=kept_rows,
        blocks=len(runtime.created),
        unavailable=dict(runtime.unavailable),
        parts=prepared_parts,
    )
