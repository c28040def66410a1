"""The files the XBlock host serves and the URLs pages name them by: the runtime's own (jQuery,
underscore, our runtime script and stylesheet, read at start-up) and block packages' ``public/`` files
(read, fingerprinted and compressed the first time a page names one, then kept in
``lms.caches.BLOCK_RESOURCES``: an installed package's files do not change while a process runs).

Every URL carries the file's content hash, so its answer is kept by browsers for a year
(``lms.static_assets``); a block package's upgrade changes the hash of each file it changes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from flask import url_for
from xblock.exceptions import DisallowedFileError

from lms import caches, static_assets
from lms.static_assets import StaticFile

RUNTIME_FILES = static_assets.folder(Path(__file__).resolve().parent / "static" / "xblock_host")
# What a block package's file name may fail with: outside public/, missing, a folder, a bad name.
MISSING_FILE_ERRORS = (DisallowedFileError, FileNotFoundError, IsADirectoryError, ValueError, OSError)


def runtime_url(filename: str) -> str:
    return static_assets.fingerprinted_url("xblock_host.runtime_resource", RUNTIME_FILES, filename)


def block_file(block_class: type, uri: str) -> StaticFile:
    """A file of the block's package; raises one of ``MISSING_FILE_ERRORS`` when it may not be served."""
    return caches.BLOCK_RESOURCES.get_or_build((block_class, uri), lambda: _read(block_class, uri))


def _read(block_class: type, uri: str) -> StaticFile:
    with block_class.open_local_resource(uri) as stream:  # XBlock's own rules: public/ only
        return StaticFile.of(uri, stream.read())


def block_file_url(block_type: str, block_class: type, uri: str) -> str:
    values = {"block_type": block_type, "uri": uri}
    with contextlib.suppress(*MISSING_FILE_ERRORS):  # then the URL answers 404, as it did unfingerprinted
        values["v"] = block_file(block_class, uri).version
    return url_for("xblock_host.block_resource", **values)
