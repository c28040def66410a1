"""Signed handler URLs: the token in a handler URL is an HMAC-SHA256 (cut to 128 bits) over
``purpose|window|acting user|state user|branch|usage key``, made with the server's key.

What a token binds, each checked on every call (``check``), any difference refusing the call:

- the acting user: the session user the page was rendered for. ``views.handler`` recomputes the token
  with the id of the user logged in *now*, so a token copied from one person's page is refused in
  another's session, and a page of another site cannot call a handler as the visitor (no CSRF through
  handler URLs: a cookie alone authorises nothing). Third-party callbacks (``purpose`` "thirdparty",
  for outside services that have no session) bind acting user 0 instead, and their usage part
  carries the handler name as well (``<usage key>|<handler>``);
- the state user: whose ``user_state`` the handler reads and writes (the learner, when an assessor
  acts for them), from the URL;
- the usage key: the one block;
- the branch: "draft" or "published" (a preview token cannot call the published block or the reverse);
- the purpose: "handler" or "thirdparty", first in the message, so neither kind of token passes for the
  other;
- the time window: two-day windows counted from the epoch; the current and the previous windows are
  accepted, so a token lives between 2 and 4 days;
- the key: the first of ``XBLOCK_HANDLER_TOKEN_KEYS`` signs, every listed key verifies, so a new key is
  put first, and the old one removed once its tokens have expired (at most 4 days later), without
  breaking open pages. Removing a key refuses at once every token it signed. Without that setting the
  key is derived from ``SECRET_KEY`` (an HMAC with a label of its own, never the secret itself), so
  changing the secret key also ends every handler URL.

The parts are unambiguous although joined by "|": the ids are integers (the state user's from an
``int`` URL converter), and although branch and usage key are checked only after the token, a call whose
branch is not "draft" or "published" or whose usage key is malformed (valid ones contain no "|",
``keys._PATTERN``) ends in a 404 whatever its token, so moving a "|" between them gains nothing.

What a token does not bind, and what covers it instead:

- the handler name and suffix of session tokens: one token is the signed prefix of all of a block's
  handlers (the browser runtime appends the name), so it lets its user call any handler of that block
  on that state. Which handlers exist is the block's business;
- the HTTP method, body and query: a call with a method other than GET, HEAD or OPTIONS is refused
  when its Origin is another site (``views._same_origin``);
- the log-in session: a token names a user, not a session, so it keeps working for that same user after
  logging out and in again, or on their other devices, until it expires; logging out revokes nothing,
  but nobody else can use it;
- permissions: a token is not a capability. Every call checks again that the user may use that block
  now (``can_use(user, usage_key)``: the course, and a module a gate may have locked since the page was
  shown) and, for another user's state, may act for that learner (``can_act_for``), so losing a role or
  a module closing takes effect at once. Third-party callbacks ask the same of their state user;
- the course version: "published" means whichever version is published when the call arrives;
- single use: a token is part of a page and may be replayed within its lifetime by whoever holds it.

The caches are safe because both cached functions are pure: ``_derive_keys`` maps the configured keys
and the secret to the signing keys, and ``_sign`` maps a key and a message to its HMAC. A cached answer
is always the one a fresh computation would give, so the cache can only save work: a changed key
(configuration or secret) is a different argument and a new entry, never a stale hit, and no validity
decision is cached (``check`` compares the presented token with ``hmac.compare_digest`` each time;
the token itself is never a cache key). Both caches are bounded LRUs: requests with made-up URLs (the
third-party route needs no log-in) can at worst evict useful entries, costing a recomputation, never
memory without bound or a wrong answer. They hold nothing a memory disclosure would not reveal through
the key itself, and they live in ``lms.caches`` (thread-safe). Each worker process keeps its own; tokens are
deterministic, so any worker verifies what any other signed.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable

from flask import current_app

from lms import caches

WINDOW_SECONDS = 2 * 24 * 3600


def _keys() -> tuple[bytes, ...]:
    config = current_app.config
    return _derive_keys(tuple(config.get("XBLOCK_HANDLER_TOKEN_KEYS") or ()), config["SECRET_KEY"])


def _derive_keys(configured: tuple[str, ...], secret: str) -> tuple[bytes, ...]:
    """Signing keys from the configuration, derived once (a page signs one token per block)."""

    def derive() -> tuple[bytes, ...]:
        if configured:
            return tuple(key.encode() for key in configured)
        return (hmac.new(secret.encode(), b"xblock-handler-token", hashlib.sha256).digest(),)

    return caches.HANDLER_TOKEN_KEYS.get_or_build((configured, secret), derive)


def _sign(key: bytes, message: str) -> str:
    """Remembered: a page signs one token per block, and the same ones again on every reload until the
    window turns (a pure function of its arguments, so the cache can only save work)."""
    return caches.HANDLER_SIGNATURES.get_or_build(
        (key, message), lambda: hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]
    )


def _message(purpose: str, acting_id: int, state_id: int, usage_key: str, branch: str, window: int) -> str:
    return f"{purpose}|{window}|{acting_id}|{state_id}|{branch}|{usage_key}"


def make(acting_id: int, state_id: int, usage_key: str, branch: str, purpose: str = "handler") -> str:
    return issuer(acting_id, state_id, branch, purpose)(usage_key)


def issuer(acting_id: int, state_id: int, branch: str, purpose: str = "handler") -> Callable[[str], str]:
    """``make`` for many blocks of one page: the key, the window and the message's fixed part are
    worked out once, and each block's token is then one (remembered) HMAC."""
    key = _keys()[0]
    window = int(time.time() // WINDOW_SECONDS)
    head = _message(purpose, acting_id, state_id, "", branch, window)
    return lambda usage_key: _sign(key, head + usage_key)


def check(token: str, acting_id: int, state_id: int, usage_key: str, branch: str, purpose: str = "handler") -> bool:
    window = int(time.time() // WINDOW_SECONDS)
    for key in _keys():
        for candidate in (window, window - 1):
            expected = _sign(key, _message(purpose, acting_id, state_id, usage_key, branch, candidate))
            if hmac.compare_digest(expected, token):
                return True
    return False
