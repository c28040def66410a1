"""Which block types this installation runs: the ``xblock.v1`` entry points, limited by an allow-list.

Loading a class imports its package, so classes are loaded one at a time on first use (never all
entry points at once: ``XBlock.load_classes`` costs seconds). A type that is not installed, not allowed,
or fails to import is served by :class:`UnavailableBlock`, which keeps its content intact.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import entry_points

from xblock.core import XBlock
from xblock.plugin import PluginMissingError

from lms.xblock_host.unavailable import UnavailableBlock

log = logging.getLogger(__name__)

# The course structure itself must always load.
STRUCTURE_TYPES = frozenset({"course", "chapter", "sequential", "vertical"})


@cache
def installed_types() -> tuple[str, ...]:
    return tuple(sorted({ep.name for ep in entry_points(group="xblock.v1")}))


class BlockTypes:
    def __init__(self, allowlist: list[str] | None):
        self.allowlist = None if allowlist is None else frozenset(allowlist) | STRUCTURE_TYPES
        self._classes: dict[str, type] = {}

    def is_allowed(self, block_type: str) -> bool:
        return self.allowlist is None or block_type in self.allowlist

    def allowed_types(self) -> list[str]:
        return [name for name in installed_types() if self.is_allowed(name)]

    def load(self, block_type: str) -> type:
        """The class for ``block_type``, or UnavailableBlock."""
        cls = self._classes.get(block_type)
        if cls is None:
            cls = UnavailableBlock
            if self.is_allowed(block_type):
                try:
                    cls = XBlock.load_class(block_type)
                except PluginMissingError:
                    pass
                except Exception:  # a broken third-party package must not take the page down
                    log.exception("could not load XBlock type %r", block_type)
            self._classes[block_type] = cls
        return cls

    def is_runnable(self, block_type: str) -> bool:
        return self.load(block_type) is not UnavailableBlock
