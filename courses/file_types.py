"""What a course file is served as: its Content-Type, inline or as a download, and the headers every file
response carries. Decided here, on the server, from the file's name, never from what an uploader declared.

Course files come from authors' uploads and from OLX imports, and are served from the LMS's own origin, so a
file that a browser would run there is a script in our origin: an SVG or HTML page with ``<script>``, a
``.js`` file that a ``<script src>`` would accept under ``script-src 'self'``. Three rules keep every file
inert:

1. The type comes from :data:`INLINE` or :data:`DOWNLOAD` by extension; anything else is
   ``application/octet-stream``, a type no browser runs, renders or (with ``nosniff``) guesses about. A
   ``.js``, ``.css``, ``.html`` or ``.xml`` file is therefore never served with a type a browser executes
   or lays out as a page, and ``<script src>`` refuses it.
2. Only types a browser shows without running anything (images other than SVG, audio, video, captions,
   plain text) are sent inline; the rest are attachments, so opening one downloads it. SVG keeps its type
   because ``<img>`` needs it (an image load ignores Content-Disposition, and SVG in ``<img>`` runs no
   script) but is an attachment, so opening it on its own never renders it as a page. PDFs are
   attachments too: browsers' PDF viewers are plugins that a sandboxed document may not run.
3. :data:`FILE_CSP` (a ``sandbox`` with no scripts, nothing loaded from elsewhere) and ``nosniff`` go on
   every file response, so even a file a browser did render would run nothing in our origin. A CSP on a
   file only governs the file opened as a document: images and media shown inside pages are unaffected.

Nothing is refused at upload: OLX courses carry scripts, stylesheets and pages among their static files and
an export must give them back byte for byte, and authors share such files as downloads. They are stored and
served inertly.
"""

from __future__ import annotations

from typing import NamedTuple

from lms import csp

OCTET_STREAM = "application/octet-stream"

# Shown in place, and nothing in them runs: images (not SVG), audio, video, captions, plain text.
INLINE = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "bmp": "image/bmp",
    "ico": "image/vnd.microsoft.icon",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "mov": "video/quicktime",
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
    "oga": "audio/ogg",
    "ogg": "audio/ogg",
    "opus": "audio/ogg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "vtt": "text/vtt",
    "txt": "text/plain",
}
# Downloaded with their own type (so the learner's device opens them with the right program).
DOWNLOAD = {
    "svg": "image/svg+xml",  # for <img>; an SVG opened on its own is a document that runs script
    "pdf": "application/pdf",
    "srt": "text/plain",
    "csv": "text/csv",
    "rtf": "application/rtf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "epub": "application/epub+zip",
    "zip": "application/zip",
}

# The file alone in a tab: no script, no plugin, no form, an origin of its own, nothing loaded from
# elsewhere; its own image or media (an image or video opened directly) and inline styles of the browser's
# viewer still show. The policy itself lives with the others, in lms/csp.py.
FILE_CSP = csp.FILE


class ServedAs(NamedTuple):
    mimetype: str
    inline: bool


def served_as(filename: str) -> ServedAs:
    """How the file called ``filename`` is served (see the module's rules)."""
    name = filename.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in INLINE:
        return ServedAs(INLINE[extension], True)
    return ServedAs(DOWNLOAD.get(extension, OCTET_STREAM), False)


def security_headers(headers) -> None:  # noqa: ANN001 - werkzeug Headers
    """Set the headers every course-file response carries (not left to the app-wide defaults)."""
    headers["Content-Security-Policy"] = FILE_CSP
    headers["X-Content-Type-Options"] = "nosniff"
