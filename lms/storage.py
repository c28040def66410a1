"""File storage for uploads (course assets, imported static files): content-addressed, on the filesystem.

``save`` returns a key; ``open``/``path`` read it back. Files are stored once per content hash under the
instance folder's ``storage/``, so importing the same course twice does not double the disk use. Another
backend (S3-compatible object storage) can replace this module's functions behind the same three calls.

Nothing deletes a stored file, and nothing may while a row names its key: the draft's files
(``course_asset``), every published version's (``course_version_asset``, which learners download) and the
files an OLX import kept (``course_olx_file``). A clean-up of unused files must keep all of those keys.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app

CHUNK = 1024 * 1024


def root() -> Path:
    return Path(current_app.instance_path) / "storage"


def save(stream: BinaryIO) -> tuple[str, str, int]:
    """Store the stream's bytes; returns (key, sha256, size)."""
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as tmp:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                tmp.write(chunk)
        sha = digest.hexdigest()
        key = f"{sha[:2]}/{sha}"
        target = folder / key
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(tmp_name)
        else:
            os.replace(tmp_name, target)
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return key, sha, size


def save_bytes(data: bytes) -> tuple[str, str, int]:
    import io

    return save(io.BytesIO(data))


def path(key: str) -> Path:
    resolved = (root() / key).resolve()
    if root().resolve() not in resolved.parents:
        raise ValueError("storage key escapes the storage folder")
    return resolved


def open_(key: str) -> BinaryIO:
    return path(key).open("rb")
