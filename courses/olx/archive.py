"""Reading an OLX archive (``.tar.gz``) safely: nothing is ever extracted to a path taken from the archive.

The archive is read once, as a stream, and every member is checked before its bytes are kept: no absolute
names, no ``..``, no links or devices, at most ``OLX_MAX_MEMBERS`` members and ``OLX_MAX_BYTES`` bytes
(compressed and uncompressed). Each regular file is copied into a spooled temporary file (in memory while
small) keyed by its normalised name, so a hostile archive can neither write outside a folder nor exhaust
memory. The course folder is the archive root, or its single top folder, whichever holds ``course.xml``.
"""

from __future__ import annotations

import re
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from typing import IO

from flask_babel import gettext as _
from flask_babel import ngettext

from courses.olx.errors import OlxError

DEFAULT_MAX_MEMBERS = 20_000
SPOOL_BYTES = 1024 * 1024  # files larger than this go to a temporary file on disk
_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


class _CountingReader:
    """A read-only stream that refuses to deliver more than ``limit`` bytes (the compressed size)."""

    def __init__(self, stream: IO[bytes], limit: int):
        self.stream = stream
        self.limit = limit
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        if self.count > self.limit:
            raise OlxError(_("The archive is larger than the %(size)s allowed.", size=_megabytes(self.limit)))
        return data


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


@dataclass
class Archive:
    """The files of a course folder: ``{relative path: spooled file}``; close it when done."""

    files: dict[str, IO[bytes]] = field(default_factory=dict)
    read_paths: set[str] = field(default_factory=set)  # what the import has read: the rest is kept verbatim

    def read(self, path: str) -> bytes | None:
        handle = self.files.get(path)
        if handle is None:
            return None
        self.read_paths.add(path)
        handle.seek(0)
        return handle.read()

    def read_folder(self, folder: str) -> dict[str, bytes]:
        """``{path: bytes}`` of every file under ``folder`` (``"assessments/"``), marked as read."""
        return {path: self.read(path) for path in sorted(self.files) if path.startswith(folder)}

    def has(self, path: str) -> bool:
        return path in self.files

    def static_files(self) -> list[tuple[str, IO[bytes]]]:
        """(name under static/, file) for every course file, in name order."""
        found = []
        for path in sorted(self.files):
            if path.startswith("static/"):
                handle = self.files[path]
                handle.seek(0)
                found.append((path.removeprefix("static/"), handle))
        return found

    def unread_files(self) -> list[tuple[str, bytes]]:
        """(path, bytes) of every file outside ``static/`` that nothing has read yet, in path order: the
        parts of an export this LMS does not use (``about/``, ``info/``, ``tabs/``, ``policies/assets.json``,
        ``drafts/``, orphaned block files), which an import keeps so that an export writes them back."""
        kept = []
        for path in sorted(self.files):
            if path.startswith("static/") or path in self.read_paths:
                continue
            handle = self.files[path]
            handle.seek(0)
            kept.append((path, handle.read()))
        return kept

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()
        self.files.clear()


def safe_member_name(name: str) -> str:
    """The member's name, normalised; refuses absolute names and ``..`` (path traversal)."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise OlxError(_("The archive contains an absolute file name (%(name)s); it was not imported.", name=name))
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]
    if ".." in parts:
        raise OlxError(_("The archive contains a file name with '..' (%(name)s); it was not imported.", name=name))
    return "/".join(parts)


def _ignored(name: str) -> bool:
    # macOS archivers add resource forks; they are not part of the course.
    parts = name.split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] == ".DS_Store"


def _copy(source: IO[bytes], size: int) -> IO[bytes]:
    target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by Archive.close
    remaining = size
    while remaining > 0:
        chunk = source.read(min(_CHUNK, remaining))
        if not chunk:
            break
        target.write(chunk)
        remaining -= len(chunk)
    return target


def _read_members(stream: IO[bytes], max_bytes: int, max_members: int) -> dict[str, IO[bytes]]:
    entries: dict[str, IO[bytes]] = {}
    total = 0
    try:
        with tarfile.open(fileobj=_CountingReader(stream, max_bytes), mode="r|gz") as tar:
            for count, member in enumerate(tar, start=1):
                if count > max_members:
                    raise OlxError(
                        ngettext(
                            "The archive has more than %(num)d file.",
                            "The archive has more than %(num)d files.",
                            max_members,
                        )
                    )
                name = safe_member_name(member.name)
                if member.issym() or member.islnk():
                    raise OlxError(_("The archive contains a link (%(name)s); it was not imported.", name=name))
                if member.isdir() or not name:
                    continue
                if not member.isfile() or member.issparse():
                    raise OlxError(_("The archive contains a special file (%(name)s).", name=name))
                total += member.size
                if total > max_bytes:
                    limit = _megabytes(max_bytes)
                    raise OlxError(_("The archive unpacks to more than the %(size)s allowed.", size=limit))
                if _ignored(name):
                    continue
                source = tar.extractfile(member)
                if name in entries:
                    entries[name].close()
                entries[name] = _copy(source, member.size)
    except OlxError:
        _close_all(entries)
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        _close_all(entries)
        raise OlxError(_("This is not a .tar.gz archive (as Open edX Studio exports courses).")) from exc
    return entries


def _close_all(entries: dict[str, IO[bytes]]) -> None:
    for handle in entries.values():
        handle.close()


def _course_folder(names: list[str]) -> str:
    """'' when course.xml is at the root, else 'top/' for the one top folder holding it."""
    if "course.xml" in names:
        return ""
    tops = sorted({name.split("/", 1)[0] for name in names if name.count("/") == 1 and name.endswith("/course.xml")})
    if not tops:
        raise OlxError(_("The archive has no course.xml: it is not an Open edX course export."))
    if len(tops) > 1:
        folders = ", ".join(tops)
        raise OlxError(_("The archive holds several courses (%(folders)s); import one at a time.", folders=folders))
    return f"{tops[0]}/"


def read_archive(stream: IO[bytes], *, max_bytes: int, max_members: int = DEFAULT_MAX_MEMBERS) -> Archive:
    """Read and check a whole archive; raises :class:`OlxError` and keeps nothing if anything is wrong."""
    entries = _read_members(stream, max_bytes, max_members)
    try:
        prefix = _course_folder(list(entries))
    except OlxError:
        _close_all(entries)
        raise
    archive = Archive()
    for name, handle in entries.items():
        if name.startswith(prefix):
            archive.files[name[len(prefix) :]] = handle
        else:
            handle.close()
    return archive
