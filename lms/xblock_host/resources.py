"""The files the XBlock host serves and the URLs pages name them by: the runtime's own (jQuery,
underscore, our runtime script and stylesheet, read at start-up) and block packages' ``public/`` files
(read, fingerprinted and compressed the first time a page names one, then kept in
``lms.caches.BLOCK_RESOURCES``: an installed package's files do not change while a process runs).

Every URL carries the file's content hash, so its answer is kept by browsers for a year
(``lms.static_assets``); a block package's upgrade changes the hash of each file it changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import inspect
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


def package_script(block_class: type, text: str) -> str | None:
    """The name (``public/…``) of the block package's JavaScript file whose content is exactly ``text``,
    if there is one: packages often inline their own files (``loader.load_unicode``)."""
    return caches.PACKAGE_SCRIPTS.get_or_build((block_class, text), lambda: _package_script(block_class, text))[0]


def _package_script(block_class: type, text: str) -> tuple[str | None, int]:
    """The file's name, and the text's length (what the cache entry costs: it keeps the text as key)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    scripts = caches.PACKAGE_SCRIPT_INDEX.get_or_build(block_class, lambda: _script_index(block_class))
    return scripts.get(digest), len(text)


def _script_index(block_class: type) -> dict[str, str]:
    """{SHA-256 of the content: name} of every .js file the block's package serves (its ``public/``)."""
    public_dir = getattr(block_class, "public_dir", "public")
    resources_dir = getattr(block_class, "resources_dir", None)
    module = inspect.getmodule(block_class)
    if resources_dir is None or module is None or not module.__package__:
        return {}
    try:
        root = importlib.resources.files(module.__package__).joinpath(resources_dir).joinpath(public_dir)
        found = {}
        stack = [(root, public_dir)]
        while stack:
            folder, name = stack.pop()
            for entry in folder.iterdir():
                relative = f"{name}/{entry.name}"
                if entry.is_dir():
                    stack.append((entry, relative))
                elif entry.name.endswith(".js") and "/." not in relative:
                    found.setdefault(hashlib.sha256(entry.read_bytes()).hexdigest(), relative)
    except (OSError, TypeError, ValueError):  # a package without that folder, or not on disk
        return {}
    return found


def block_file_url(block_type: str, block_class: type, uri: str) -> str:
    values = {"block_type": block_type, "uri": uri}
    with contextlib.suppress(*MISSING_FILE_ERRORS):  # then the URL answers 404, as it did unfingerprinted
        values["v"] = block_file(block_class, uri).version
    return url_for("xblock_host.block_resource", **values)
