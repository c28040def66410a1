"""The rate limit of the public verification endpoints (the pages by code and by upload, the JSON API), kept in
each worker process's memory rather than in the database.

Why not ``lms.rate_limits`` (a row per counted event, shared by every worker): the verification page must serve
at least 40% of a bare Flask "hello" (issue 22), and a SQLite write per request caps it near 25%. Counting
in memory costs microseconds. What it gives up: workers do not share counts, so each process allows its
share of ``VERIFY_MAX_PER_IP`` (divided by ``SERVE_WORKERS``, at least one), and a client whose requests the
server spreads over the workers gets the configured total; a restart forgets the counts, which a limit meant
to stop enumeration (codes carry 60 random bits) can afford.

The window slides: a client may make ``limit`` checks in any ``VERIFY_WINDOW_SECONDS`` seconds. Memory is
bounded: at most ``MAX_CLIENTS`` addresses are tracked, the least recently seen forgotten first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from flask import current_app

MAX_CLIENTS = 50_000
EXTENSION = "certificates.verify_limiter"


class SlidingWindow:
    """At most ``limit`` events per key in any ``window`` seconds, in this process."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()  # gunicorn's threaded workers share a process

    def use(self, key: str) -> int:
        """Count one event for ``key`` and answer 0, or answer the seconds to wait and count nothing (a refused
        request does not lengthen the wait)."""
        now = self.clock()
        with self._lock:
            events = self._events.pop(key, None) or deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            self._events[key] = events  # most recently seen last
            if len(events) >= self.limit:
                return max(1, math.ceil(events[0] + self.window - now))
            events.append(now)
            while len(self._events) > MAX_CLIENTS:
                self._events.popitem(last=False)
            return 0


def limiter() -> SlidingWindow:
    """This process's limiter for the app, built from its settings on first use and again when they change."""
    config = current_app.config
    share = max(1, int(config["VERIFY_MAX_PER_IP"]) // max(1, int(config["SERVE_WORKERS"])))
    window = float(config["VERIFY_WINDOW_SECONDS"])
    found = current_app.extensions.get(EXTENSION)
    if found is None or (found.limit, found.window) != (share, window):
        found = current_app.extensions[EXTENSION] = SlidingWindow(share, window)
    return found


def reset() -> None:
    """Forget every count (tests start each from a clean slate, as a restarted worker does)."""
    current_app.extensions.pop(EXTENSION, None)


def retry_after(client: str) -> int:
    """Count one check by ``client``; 0 if allowed, else the seconds to wait."""
    return limiter().use(client)
