"""The files of an Open edX export that this LMS does not use, kept as they came (:class:`CourseOlxFile`).

An export carries more than the block tree: the course's marketing pages (``about/overview.html``,
``about/short_description.html``, ``about/effort.html``…), its updates and handouts (``info/``), static
tab pages (``tabs/``), asset metadata (``policies/assets.json``), unpublished changes (``drafts/``) and
block files nothing points to. The import keeps each of them byte for byte (the bytes in ``lms.storage``)
and the export writes them back, so a round trip through tot-lms loses nothing. The one thing read from
them is the course description, from ``about/short_description.html`` or ``about/overview.html``.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html
from sqlalchemy import select

from courses.models import Course
from courses.olx.models import CourseOlxFile
from lms import storage
from lms.db import db

DESCRIPTION_MAX = 2000
_SPACES = re.compile(r"\s+")
# Where Open edX keeps a course's description: the short one first, then the long overview page.
_DESCRIPTION_SOURCES = ("about/short_description.html", "about/overview.html")
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure"),
        *("footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre"),
        *("section", "table", "td", "th", "tr", "ul"),
    }
)


def store(files: list[tuple[str, bytes]]) -> list[dict]:
    """Keep the bytes of ``(path, bytes)`` files in ``lms.storage``; returns their ``course_olx_file`` rows
    without the course (the import writes them once the course exists: ``courses.olx.writer``)."""
    rows = []
    for path, data in files:
        key, _sha, size = storage.save_bytes(data)
        rows.append({"path": path, "size": size, "storage_key": key})
    return rows


def kept_files(course: Course) -> list[CourseOlxFile]:
    return list(
        db.session.scalars(
            select(CourseOlxFile).where(CourseOlxFile.course_id == course.id).order_by(CourseOlxFile.path)
        )
    )


def read(kept: CourseOlxFile) -> bytes:
    with storage.open_(kept.storage_key) as stream:
        return stream.read()


def description_from(files: list[tuple[str, bytes]]) -> str:
    """The course description as plain text from the export's about pages, or '' when it has none."""
    by_path = dict(files)
    for path in _DESCRIPTION_SOURCES:
        data = by_path.get(path)
        if not data or not data.strip():
            continue
        try:
            text = _plain_text(lxml_html.fromstring(data.decode("utf-8-sig", errors="replace")))
        except (etree.ParserError, ValueError):
            continue  # an about page we cannot read as HTML is still kept; it just gives no description
        text = _SPACES.sub(" ", text).strip()
        if text:
            return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rstrip() + "…"
    return ""


def _plain_text(root) -> str:  # noqa: ANN001 - an lxml.html element
    """The element's text with a space where a block element ends (``text_content`` runs them together),
    without the code of scripts and styles (overview pages of Open edX often carry some)."""
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = " " + (element.tail or "")
    return root.text_content()
