"""Static files under long-lived, fingerprinted URLs, sent gzip-compressed to browsers that accept it.

Owns how a static file is answered: the LMS's own files (``lms/static``: the stylesheet, the favicon),
the XBlock runtime's files (``lms/xblock_host/static``) and the files of block packages (their answers are
built here, their URLs in ``lms.xblock_host``).

A URL carries the file's content hash (``?v=`` and 12 hex digits of its SHA-256). Asked with the file's
current hash, the answer is cached for a year and never revalidated (``immutable``): a repeat visit asks
the server for nothing but the page. A new release changes the hash, so pages link to the new file at once.
Asked without a hash or with another (a page cached before an upgrade), the answer is the current file,
revalidated on each use (``no-cache`` and an ETag: a 304 of a few hundred bytes).

The LMS's and the runtime's files are read, hashed and compressed once per process, when the app is made
(about 130 KB, a few milliseconds): no request hashes or compresses them. A block package's file is read,
hashed and compressed the first time a page names it, then kept (``lms.caches.BLOCK_RESOURCES``).
Compressing HTML pages is another matter, decided in ``lms.compression``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request, url_for

YEAR = 365 * 24 * 3600
# Below this a gzip header and the Vary it needs cost about what they save.
MIN_COMPRESSED_BYTES = 512
# Compressed already: gzip would make them larger.
_INCOMPRESSIBLE = ("image/png", "image/jpeg", "image/gif", "image/webp", "font/woff", "font/woff2", "video/", "audio/")


@dataclass(frozen=True)
class StaticFile:
    data: bytes
    gzipped: bytes | None  # None when compressing does not pay
    mimetype: str
    version: str  # the fingerprint in the file's URL

    @classmethod
    def of(cls, name: str, data: bytes) -> StaticFile:
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        gzipped = None
        if len(data) >= MIN_COMPRESSED_BYTES and not mimetype.startswith(_INCOMPRESSIBLE):
            # mtime=0: the same bytes in every process, so every worker's ETag matches.
            squeezed = gzip.compress(data, compresslevel=9, mtime=0)
            gzipped = squeezed if len(squeezed) < len(data) else None
        return cls(data, gzipped, mimetype, hashlib.sha256(data).hexdigest()[:12])

    def size(self) -> int:
        return len(self.data) + len(self.gzipped or b"")

    def response(self) -> Response:
        """This file as the answer to the current request (200, or 304 when the browser's copy is current)."""
        use_gzip = self.gzipped is not None and request.accept_encodings["gzip"] > 0
        response = Response(self.gzipped if use_gzip else self.data, mimetype=self.mimetype)
        if self.gzipped is not None:
            response.vary.add("Accept-Encoding")
        if use_gzip:
            response.content_encoding = "gzip"
        response.set_etag(f"{self.version}-gz" if use_gzip else self.version)
        response.cache_control.public = True
        if request.args.get("v") == self.version:
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response.make_conditional(request)


@functools.cache
def folder(root: Path) -> StaticFolder:
    """The folder's files, read once per process (every app a process makes shares them)."""
    return StaticFolder(root)


class StaticFolder:
    """Every file under ``root``, read once: its answers and the fingerprints for its URLs."""

    def __init__(self, root: Path):
        self.files = {
            path.relative_to(root).as_posix(): StaticFile.of(path.name, path.read_bytes())
            for path in sorted(root.rglob("*"))
            if path.is_file()
        }

    def version(self, filename: str) -> str | None:
        found = self.files.get(filename)
        return found.version if found else None

    def response(self, filename: str) -> Response:
        found = self.files.get(filename)
        if found is None:
            abort(404)
        return found.response()


LMS_STATIC = Path(__file__).resolve().parent / "static"


def init_app(app: Flask) -> None:
    """Serve ``lms/static`` at ``/static/`` (instead of Flask's own view, which neither fingerprints nor
    compresses); templates link its files with ``static_url(filename)``."""
    files = folder(LMS_STATIC)  # read now, at start-up, not on a request
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=files.response)
    app.jinja_env.globals["static_url"] = static_url


def static_url(filename: str) -> str:
    """The fingerprinted URL of a file of ``lms/static`` (templates call it too)."""
    return fingerprinted_url("static", folder(LMS_STATIC), filename)


def fingerprinted_url(endpoint: str, folder: StaticFolder, filename: str, **values: str) -> str:
    """``url_for(endpoint, filename=…)`` with the file's fingerprint, so the answer may be kept a year."""
    version = folder.version(filename)
    if version is not None:
        values["v"] = version
    return url_for(endpoint, filename=filename, **values)
