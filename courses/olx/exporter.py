"""Exporting a course (its draft, or its published version) as an Open edX course archive.

The layout is Studio's, so Open edX and this LMS can both import it again::

    course/course.xml                          <course url_name="<run>" org=… course=…/>
    course/course/<run>.xml                    the course element, chapters as pointers
    course/{chapter,sequential,vertical,video}/<id>.xml
    course/html/<id>.xml + <id>.html           attributes + the HTML verbatim
    course/<type>/<id>.xml                     blocks this LMS cannot run that came as pointers
    course/static/<file>                       the course's files (the published version's, or the draft's)
    course/policies/<run>/policy.json          {"course/<run>": {…}}, values typed as they were imported
    course/policies/<run>/grading_policy.json
    course/about/…, info/…, tabs/…             kept as they came from an import (``courses.olx.kept``)
    course/<part>/…                            what other packages add (``courses.olx.parts``), e.g.
                                               assessments/questions.xml, the course's question bank

Other XBlocks are written inline in their unit with ``xblock-family``; see ``courses/olx/runtime.py``.
Attributes and elements an import did not understand come back from the blocks that kept them
(``courses/blocks/olx.py``).
"""

from __future__ import annotations

import io
import json
import tarfile
import tempfile
import time
from typing import IO, Any

from flask_babel import gettext as _
from lxml import etree

from courses import assets, version_files
from courses.context import course_context
from courses.models import Course
from courses.olx import kept, parts
from courses.olx.errors import OlxError
from courses.olx.pointers import BLOCK_TAG, policy_value
from courses.olx.runtime import ExportRuntime
from lms import storage
from lms.xblock_host.context import DRAFT, PUBLISHED
from lms.xblock_host.keys import slugify

TOP_FOLDER = "course"
DEFAULT_ORG = "tot-lms"
DEFAULT_RUN = "course"
_IDENTITY = ("url_name", "org", "course")


def policy_json_value(value: str) -> Any:
    """An attribute back as a policy.json value: JSON lists, objects and literals decoded, text kept."""
    if value in ("true", "false", "null") or value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def policy_entry(attributes: dict[str, str], imported: dict[str, Any]) -> dict[str, Any]:
    """The course's policy.json entry, names in order: a scalar the imported policy.json gave keeps its JSON
    type while the attribute still has that value (a number stays a number, the string "true" a string);
    everything else is :func:`policy_json_value` of the attribute, whose text keeps the keys of a JSON
    object in the order they came (sorting them would change the attribute a re-import reads)."""
    entry = {}
    for name in sorted(attributes):
        value = attributes[name]
        typed = imported.get(name)
        unchanged = name in imported and policy_value(typed) == value
        entry[name] = typed if unchanged and not isinstance(typed, (list, dict)) else policy_json_value(value)
    return entry


def course_files(course: Course, user, branch: str) -> dict[str, bytes]:  # noqa: ANN001
    """``{path in the course folder: bytes}`` for everything but the static files."""
    runtime = ExportRuntime(course_context(course, branch), user)
    root_block = runtime.get_block(course.root_key)
    identity = getattr(root_block, "olx_attributes", {}) or {}
    run = identity.get("url_name") or DEFAULT_RUN
    if not BLOCK_TAG.match(run) or not run.strip("."):  # it names a folder of the archive
        run = slugify(run)
    org = identity.get("org") or DEFAULT_ORG
    number = identity.get("course") or course.code
    node = runtime.export_root(course.root_key)
    for name in _IDENTITY:
        node.attrib.pop(name, None)
    # Files an import kept come first: what the course itself writes wins where a path is the same.
    files = {file.path: kept.read(file) for file in kept.kept_files(course)}
    files.update(runtime.files)
    for part in parts.archive_parts():  # the content other packages keep for the course (its question bank)
        files.update(part.export(course, branch))
    files[f"course/{run}.xml"] = _xml(node)
    files["course.xml"] = _xml(etree.Element("course", {"url_name": run, "org": org, "course": number}))
    imported_policy = getattr(root_block, "olx_policy", None) or {}
    policy = {f"course/{run}": policy_entry(dict(node.attrib), imported_policy)}
    files[f"policies/{run}/policy.json"] = _json(policy, sort_keys=False)  # policy_entry orders the names
    files[f"policies/{run}/grading_policy.json"] = _json(course.grading_policy or {})
    return files


def _xml(node) -> bytes:  # noqa: ANN001
    return etree.tostring(node, encoding="utf-8") + b"\n"


def _json(data: Any, sort_keys: bool = True) -> bytes:
    return (json.dumps(data, indent=4, sort_keys=sort_keys, ensure_ascii=False) + "\n").encode("utf-8")


def _add(tar: tarfile.TarFile, path: str, stream: IO[bytes], size: int, mtime: float) -> None:
    info = tarfile.TarInfo(f"{TOP_FOLDER}/{path}")
    info.size, info.mtime, info.mode = size, mtime, 0o644
    tar.addfile(info, stream)


def write_archive(course: Course, user, out: IO[bytes], published: bool = False) -> int:  # noqa: ANN001
    """Write the archive to ``out``; returns the number of files in it."""
    if published and course.published_version_id is None:
        raise OlxError(_("This course has not been published yet."))
    files = course_files(course, user, PUBLISHED if published else DRAFT)
    mtime = time.time()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for path in sorted(files):
            _add(tar, path, io.BytesIO(files[path]), len(files[path]), mtime)
        # A published version's own files, which the draft's may since have replaced or lost.
        course_assets = version_files.files_of(course.published_version_id) if published else assets.assets_of(course)
        for asset in course_assets:
            with storage.open_(asset.storage_key) as stream:
                _add(tar, f"static/{asset.filename}", stream, asset.size, mtime)
    return len(files) + len(course_assets)


def export_archive(course: Course, user, published: bool = False) -> IO[bytes]:  # noqa: ANN001
    """The archive in a temporary file (in memory while small), positioned at its start."""
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - the caller sends and closes it
    try:
        write_archive(course, user, out, published)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
