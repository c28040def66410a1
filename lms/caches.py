"""Every process-wide cache of the LMS, in one place: what each holds, its key, its bound, and why it
cannot go stale. Each worker process has its own; nothing here is shared between processes or written
back. Per-request memory lives in ``lms.per_request``, not here.

The caches are cachetools LRU caches behind a lock (cachetools' own caches are not thread-safe). Where
entries vary in size the bound is in bytes (``getsizeof`` gives each entry's approximate size); where
they do not, in entries. A cache holds only values that are pure functions of their key: a published
course version never changes once committed (publishing writes a new version with a new id; ids are never
reused once committed: ``course_version`` is AUTOINCREMENT on SQLite and a sequence on PostgreSQL, and
publishing reads nothing of the version it writes into these caches), so neither does anything derived
from it.

Each cache: key → value; bound; why it cannot go stale.

* ``PUBLISHED_SNAPSHOTS``: version id → the frozen snapshot store; 64 MiB (JSON size); the version is
  immutable.
* ``PUBLISHED_STRUCTURES``: version id → the course structure (frozen); 16 MiB (estimate); derived from
  the snapshot.
* ``PUBLISHED_FILES``: version id → {file name: sha256}; 8 MiB; pinned when the version was published.
* ``PUBLISHED_FILE_REFERENCES``: version id → {file name: modules that refer to it}; 8 MiB; derived
  from the snapshot.
* ``ASSESSED_BLOCKS``: version id → its checklists and logbooks; 256 entries; derived from the snapshot.
* ``BLOCK_FRAGMENTS``: (version, usage key, view, locale) → the fragment of a view its block declares
  user-independent (our ``html``); 32 MiB (content size); the view reads only the version's authored,
  immutable fields. Each request gets a copy.
* ``PAGE_SKELETONS``: (app, page key, template, locale, script root, menu) → a unit page split at its
  holes; 32 MiB (HTML size); everything but the holes is a function of the key.
* ``SANITIZED_HTML``: authored HTML → sanitised HTML; 16 MiB; sanitising is a pure function.
* ``HANDLER_TOKEN_KEYS``: (configured keys, secret) → signing keys; 8 entries; a pure derivation.
* ``HANDLER_SIGNATURES``: (key, message) → HMAC; 16,384 entries; a pure function (no token is ever a
  key: checking a token compares afresh).
* ``SESSION_COOKIES``: (secret key, cookie text) → (signed at, the session's data); 4,096 entries; a
  verified signature stays valid for that key and text, and the session lifetime is checked again on
  every hit (``lms.sessions``); only sessions of immutable scalars are kept, copied for each request. It
  says nothing of whether the session's log-in is still alive: that is read from the database on every
  request (``lms.accounts.logins``), so a logged-out session stays logged out.
* ``SCRIPT_HASHES``: the text of a block's inline script → (its CSP hash source, the text's length)
  (``lms.csp``); 8 MiB (text size); a hash is a pure function of the text. Blocks inline the same
  package files on every page: a lookup costs a third of hashing them again (drag-and-drop-v2 inlines
  105 KB: 20 µs against 60 µs).
* ``RUNTIME_TAGS``: (script root, locale) → the runtime's script and style tags; 64 entries; URLs of
  static files and a translated string shipped with the code.
* ``STATIC_TAGS``: (script root, file name) → the ``<script>`` tag of a file of ``lms/static`` (the unit
  page's ``live.js``); 64 entries; the URL of a static file shipped with the code (28 µs a page saved).
* ``BLOCK_RESOURCES``: (block class, file name) → the package file's bytes, gzip-compressed bytes and
  fingerprint (``lms.xblock_host.resources``); 32 MiB (both sizes); an installed package's files do not
  change while a process runs (the same assumption as the installed types below). Blocks' pages name
  the same few files on every page: each is read and hashed once, not on every page and request.
* ``PACKAGE_SCRIPT_INDEX``: block class → {SHA-256: name} of the ``.js`` files of its package's
  ``public/``; 256 entries; installed files, as above.
* ``PACKAGE_SCRIPTS``: (block class, an inline script's text) → the name of the package file with
  exactly that text, or none; 8 MiB (text size); a pure function of the text and installed files. Lets
  ``lms.xblock_host.page`` link a package's inlined file (poll inlines 15 KB) instead of sending it in
  every page, at a lookup's cost instead of a hash's.
* ``CREDENTIAL_PROOFS``: the sha256 of a stored certificate's signed bytes → what those bytes establish by
  themselves (format, signature, issuer key: ``certificates.lookup``); 20,000 entries (a few hundred bytes
  each); the bytes are the key, and the trust only grows (a rotated key keeps verifying what it signed).
  Checking a proof costs milliseconds, the verification page must serve 40% of a bare "hello" (issue 22).

Not caches but loaded once per process and listed so nothing is hidden, each bounded by what is
installed: the installed XBlock types (``installed_types`` in ``lms.xblock_host.registry``: entry points
do not change while a process runs) and question types (``_registry`` in ``assessments.items``, from
entry points too), each block class's field routes (``_route`` in
``lms.xblock_host.kvs``: a class's fields do not change), and translation catalogues shipped with the
code (``_parsed`` and ``_wtforms_catalogue`` in ``lms.i18n``, ``_translations`` in
``lms.xblock_host.services``, per language and package), and the static files shipped with the code
(``folder`` in ``lms.static_assets``: ``lms/static`` and the runtime's files, read, hashed and compressed
at start-up, about 130 KB and as much again compressed). And the hot statements built per number of
parameters (``per_size`` in ``lms.hot_sql``: at most 64 sizes, a unit's number of blocks). Certificates load
their pinned JSON-LD contexts once (``_parsed`` in ``certificates.vc.contexts`` and the processed contexts in
``certificates.vc.canonical``, bounded by the files of its manifest) and their fonts once
(``register_for_pdf`` and ``for_image`` in ``certificates.rendering.fonts``: three fonts, at the few sizes
the PDF and the badge use).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Hashable
from typing import Any

import cachetools

MiB = 1024 * 1024
_MISSING = object()


class ProcessCache:
    """A named LRU cache safe to share between threads, with ``get_or_build``."""

    def __init__(self, name: str, maxsize: int, getsizeof: Callable[[Any], int] | None = None):
        self.name = name
        self._cache: cachetools.LRUCache = cachetools.LRUCache(maxsize, getsizeof=getsizeof)
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], Any]) -> Any:
        """The cached value, or ``build()``'s (built outside the lock: two threads may build the same
        entry at once, and either result is right, being a function of the key)."""
        with self._lock:
            value = self._cache.get(key, _MISSING)
        if value is _MISSING:
            value = build()
            with self._lock, contextlib.suppress(ValueError):  # larger than the whole cache: used, not kept
                self._cache[key] = value
        return value

    def get(self, key: Hashable) -> Any:
        """The cached value, or None."""
        with self._lock:
            return self._cache.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._cache[key] = value

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def __len__(self) -> int:
        return len(self._cache)


def _text_size(parts: Any) -> int:
    """Approximate bytes of a string or of a tuple of strings."""
    if isinstance(parts, str):
        return len(parts) + 50
    return sum(len(part) for part in parts) + 50


PUBLISHED_SNAPSHOTS = ProcessCache("published snapshots", 64 * MiB, getsizeof=lambda store: store.size)
PUBLISHED_STRUCTURES = ProcessCache("published structures", 16 * MiB, getsizeof=lambda structure: structure.size)
PUBLISHED_FILES = ProcessCache("published files", 8 * MiB, getsizeof=lambda files: 150 * len(files) + 50)
PUBLISHED_FILE_REFERENCES = ProcessCache(
    "published file references", 8 * MiB, getsizeof=lambda refs: 50 + sum(100 + 80 * len(m) for m in refs.values())
)
ASSESSED_BLOCKS = ProcessCache("assessed blocks", 256)
BLOCK_FRAGMENTS = ProcessCache(
    "block fragments",
    32 * MiB,
    getsizeof=lambda data: 200 + len(data.get("content") or "") + 200 * len(data["resources"]),
)
PAGE_SKELETONS = ProcessCache("page skeletons", 32 * MiB, getsizeof=_text_size)
SANITIZED_HTML = ProcessCache("sanitized HTML", 16 * MiB, getsizeof=_text_size)
HANDLER_TOKEN_KEYS = ProcessCache("handler token keys", 8)
HANDLER_SIGNATURES = ProcessCache("handler token signatures", 16_384)
RUNTIME_TAGS = ProcessCache("runtime tags", 64)
STATIC_TAGS = ProcessCache("static script tags", 64)
PACKAGE_SCRIPT_INDEX = ProcessCache("package script index", 256)
PACKAGE_SCRIPTS = ProcessCache("package scripts", 8 * MiB, getsizeof=lambda entry: entry[1] + 150)
BLOCK_RESOURCES = ProcessCache("block package files", 32 * MiB, getsizeof=lambda file: file.size() + 200)
SCRIPT_HASHES = ProcessCache("inline script hashes", 8 * MiB, getsizeof=lambda entry: entry[1] + 150)
SESSION_COOKIES = ProcessCache("session cookies", 4096)
CREDENTIAL_PROOFS = ProcessCache("credential proofs", 20_000)

ALL = (
    PUBLISHED_SNAPSHOTS,
    PUBLISHED_STRUCTURES,
    PUBLISHED_FILES,
    PUBLISHED_FILE_REFERENCES,
    ASSESSED_BLOCKS,
    BLOCK_FRAGMENTS,
    PAGE_SKELETONS,
    SANITIZED_HTML,
    HANDLER_TOKEN_KEYS,
    HANDLER_SIGNATURES,
    RUNTIME_TAGS,
    STATIC_TAGS,
    BLOCK_RESOURCES,
    PACKAGE_SCRIPT_INDEX,
    PACKAGE_SCRIPTS,
    SCRIPT_HASHES,
    SESSION_COOKIES,
    CREDENTIAL_PROOFS,
)
