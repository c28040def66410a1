"""Signed handler URLs: an HMAC token binds the session user, the user whose state is used, the block
and the branch, for a time window.

Handler calls are authenticated by the token in the URL, not by a cookie, so a page of another site
cannot forge one (no CSRF) and a token copied from one user's page is refused in another's session.
Windows are two days; the current and previous windows are accepted (a token lives 2–4 days), and the
first of several configured keys signs while all of them verify (key rotation).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable

from flask import current_app

WINDOW_SECONDS = 2 * 24 * 3600


def _keys() -> tuple[bytes, ...]:
    config = current_app.config
    return _derive_keys(tuple(config.get("XBLOCK_HANDLER_TOKEN_KEYS") or ()), config["SECRET_KEY"])


@functools.lru_cache(maxsize=8)
def _derive_keys(configured: tuple[str, ...], secret: str) -> tuple[bytes, ...]:
    """Signing keys from the configuration, derived once (a page signs one token per block)."""
    if configured:
        return tuple(key.encode() for key in configured)
    return (hmac.new(secret.encode(), b"xblock-handler-token", hashlib.sha256).digest(),)


@functools.lru_cache(maxsize=16384)
def _sign(key: bytes, message: str) -> str:
    """Remembered: a page signs one token per block, and the same ones again on every reload until the
    window turns (a pure function of its arguments, so the cache can only save work)."""
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:32]


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
