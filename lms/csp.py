"""The Content-Security-Policy of every HTML response: what script a page of the LMS may run.

Authored content (a unit's HTML, a course file, anything an author or learner typed) never runs script in
the LMS's origin. Blocks sanitise what they show (our ``html`` does, with nh3), but a block that does not
must not be enough to take an admin's session over, so every page also refuses inline script:

* ``STRICT``, on every page without blocks: scripts only from the LMS's own files (``'self'``).
* :func:`block_page_policy`, on pages that show blocks (learners' units, the studio, its preview, the
  assessor's page): scripts from the LMS's files, plus exactly the inline scripts that installed block
  packages put in their fragments, each allowed by the SHA-256 of its text (:func:`allow_inline_script`,
  called by ``lms.xblock_host.page`` as it writes each one). An inline ``<script>`` or ``on…=`` attribute
  in authored HTML matches no hash and does not run; ``'unsafe-inline'`` is never sent.
  ``'unsafe-eval'`` is: installed blocks compile their templates at run time (``poll`` and ``survey``
  compile Handlebars templates with ``Function`` in the learner's view, ``drag-and-drop-v2`` in its
  editor). Eval runs only strings that a running script hands it, and only package scripts run; jQuery 3
  inserts the scripts of HTML it is given as script elements, which the policy refuses like any other.
* ``FILE``, on every course file response (``courses.file_types``): a sandbox with no script, in an origin
  of its own; files served as JavaScript would pass ``'self'``, so no course file is ever served with a
  script type (scripts, pages and unknown files are ``application/octet-stream`` downloads).

``'self'`` stays safe because nothing the LMS serves from its origin as JavaScript is authored: runtime
and block package files (``lms.xblock_host.views``), the studio's own script, the LMS's own (``lms/static``:
``live.js``), and course files never as JavaScript (``X-Content-Type-Options: nosniff`` is on every response).
"""

from __future__ import annotations

import base64
import hashlib

from lms import caches
from lms.per_request import request_state

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
_BLOCK_PAGE = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; media-src 'self' https:; font-src 'self' data:; "
    "frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
# A course file opened on its own (courses/file_types.py): sandboxed, no script, nothing from elsewhere.
FILE = (
    "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)

_HASHES = "script_hashes"


def script_source(text: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows an inline script of exactly this text."""
    return caches.SCRIPT_HASHES.get_or_build(text, lambda: _sha256_source(text))[0]


def _sha256_source(text: str) -> tuple[str, int]:
    """The source expression, and the text's length (what the cache entry costs: it keeps the text as key)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'", len(text)


def allow_inline_script(text: str) -> None:
    """Let this response's page run one inline script of exactly ``text`` (the element's content)."""
    hashes = request_state().setdefault(_HASHES, {})
    hashes.setdefault(script_source(text), None)  # a dict: sources in page order, each once


def block_page() -> None:
    """Mark this response as a page that shows blocks (its policy is :func:`block_page_policy`)."""
    request_state().setdefault(_HASHES, {})


def block_page_policy(sources: list[str] | tuple[str, ...] = ()) -> str:
    return _BLOCK_PAGE.format(hashes="".join(f" {source}" for source in sources))


def page_policy() -> str:
    """The policy of this request's HTML response."""
    hashes = request_state().get(_HASHES)
    return STRICT if hashes is None else block_page_policy(tuple(hashes))
