"""Compressing the LMS's pages: HTML and JSON answers are gzip-compressed in the app when the browser
accepts it and ``COMPRESS_PAGES`` is on (``LMS_COMPRESS_PAGES``, on by default).

Why in the app at all: the phones this LMS is for pay for every byte, and ``lms serve`` (or gunicorn
alone) has nothing in front of it to compress. A unit page of 4–8 KB becomes 1.7–2.7 KB for 40–120 µs
of one worker's time; a page that inlines a community block's scripts (poll: 38 KB) 10 KB for about a
millisecond. Behind a reverse proxy that compresses (README, Deployment: nginx's ``gzip``), set
``LMS_COMPRESS_PAGES=0`` and the proxy does it in its own processes; were it left on, nginx passes an
answer that is compressed already on unchanged, so nothing is compressed twice.

Static files are not compressed here: ``lms.static_assets`` compresses each once per process. Answers a
view streams, files it sends (course files) and answers of 1 KB or less are left as they are.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

COMPRESSED_TYPES = frozenset({"text/html", "application/json"})
# Below this a gzip header and the Vary it needs cost about what they save.
MIN_BYTES = 1024
# zlib's level 5: within 2 % of level 6's size on our pages, a quarter faster on the large ones.
LEVEL = 5


def init_app(app: Flask) -> None:
    if app.config["COMPRESS_PAGES"]:
        app.after_request(compress)


def compress(response: Response) -> Response:
    if response.direct_passthrough or response.is_streamed:
        return response
    # A small answer first (a handler's JSON, after every click): never compressed, so it needs no Vary either
    # (what it sends does not depend on Accept-Encoding), and its headers are not parsed for nothing.
    if len(response.get_data()) <= MIN_BYTES:
        return response
    if (
        response.mimetype not in COMPRESSED_TYPES
        or "Content-Encoding" in response.headers
        or response.status_code in (204, 206, 304)
    ):
        return response
    # A shared cache must not hand a compressed answer to others. Set as a plain header when it is the first
    # Vary (most answers): werkzeug's parsed HeaderSet costs more than the rest of this function.
    if "Vary" in response.headers:
        response.vary.add("Accept-Encoding")
    else:
        response.headers["Vary"] = "Accept-Encoding"
    if "gzip" not in request.headers.get("Accept-Encoding", "").lower() or request.accept_encodings["gzip"] <= 0:
        return response  # the header is parsed only when it names gzip at all
    data = response.get_data()
    response.set_data(gzip.compress(data, compresslevel=LEVEL, mtime=0))
    response.content_encoding = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:  # the compressed bytes are not the ones the strong ETag named
        response.set_etag(etag, weak=True)
    return response
