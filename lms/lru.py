"""One small thread-safe LRU mapping for the process-wide caches of immutable or explicitly keyed data
(published course versions, their structures and block fragments, the page header per menu)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock


class LruCache[V]:
    """At most ``size`` entries; the least recently used goes first. Safe to share between threads.

    ``get_or_build`` builds outside the lock: two threads may build the same entry at once, and the
    second result wins. Values in these caches are pure functions of their key, so either is right.
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        value = self.get(key)
        if value is None:
            value = build()
            self.put(key, value)
        return value
