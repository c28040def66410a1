"""Archive parts: what other packages add to a course archive, beside the course's own OLX.

A domain package keeps some of a course's content in tables of its own (the assessments package: the question
bank its assessment blocks draw from). Without it an exported course would arrive without that content, so the
package registers an :class:`ArchivePart` at app set-up (``register_archive_part``), and the exporter and the
importer call every registered part; ``courses`` never imports the package (the same seam as
``courses.gating.register_gate``). A part owns the files under its ``folder`` of the course folder
(``assessments/`` …): an import hands them to the part and does not keep them as unused files
(``courses.olx.kept``); an Open edX archive has none, and each part is then called with no files.

A part has three functions, matching the import's two phases (``courses.olx.importer``):

* ``export(course, branch) -> {path: bytes}``: its files (paths inside the course folder, under its folder);
  ``{}`` when it has nothing to carry. Raise :class:`~courses.olx.errors.OlxError` when it cannot.
* ``prepare(files, blocks) -> prepared``, in the plan phase (no transaction open, nothing written):
  ``files`` is ``{path: bytes}`` of its folder (maybe empty), ``blocks`` the planned ``xblock_field`` rows
  (read only here). It reads and checks everything, raising ``OlxError`` with the file and line of any
  problem, so that a bad part fails the import before anything is written. What it returns is opaque to
  the importer; its ``notes`` attribute, if any (a list of strings), is told to the author with the result.
* ``write(course_id, prepared, blocks)``, in the write phase, after the (hidden) course row exists and before
  its blocks' rows are written: writes the part's rows (services that flush). It is a generator: each
  ``yield`` ends a step, which the writer commits (keeping SQLite's write lock short, as for the course's own
  rows); it may change the ``value`` of ``blocks`` rows (say, to point them at the ids its rows got). An
  error fails the import, and the writer deletes the hidden course: rows a part writes must belong to the
  course (``ON DELETE CASCADE`` from ``course.id``) so that they go with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

Files = dict[str, bytes]
FieldRows = list[dict[str, Any]]


@dataclass(frozen=True)
class ArchivePart:
    name: str
    folder: str  # "assessments/": the files of the course folder this part owns
    export: Callable[[Any, str], Files]
    prepare: Callable[[Files, FieldRows], Any]
    write: Callable[[int, Any, FieldRows], Iterator[None]]


_parts: dict[str, ArchivePart] = {}


def register_archive_part(part: ArchivePart) -> None:
    if not part.folder.endswith("/") or part.folder.startswith(("/", "static/", "course/", "policies/")):
        raise ValueError(f"an archive part's folder must be its own ('name/'), not {part.folder!r}")
    _parts[part.name] = part


def unregister_archive_part(name: str) -> None:
    _parts.pop(name, None)


def archive_parts() -> list[ArchivePart]:
    """The registered parts, by name (the order they export, prepare and write in)."""
    return [_parts[name] for name in sorted(_parts)]


def owner_of(path: str) -> ArchivePart | None:
    return next((part for part in _parts.values() if path.startswith(part.folder)), None)


@dataclass
class PreparedPart:
    part: ArchivePart
    prepared: Any

    @property
    def notes(self) -> list[str]:
        return list(getattr(self.prepared, "notes", None) or [])
