"""Which block types this installation runs: the ``xblock.v1`` entry points, limited by an allow-list.

With no allow-list (``LMS_XBLOCK_ALLOWLIST`` unset) every installed type runs except the xblock-sdk's
sample and debugging blocks (:data:`SAMPLE_PACKAGES`): they exist to show the XBlock API, not to carry
courses, and several turn authored text into code. ``html_demo`` puts its authored HTML on the page as it
is (a ``<script>`` in a unit ran in the browser of every admin who opened it); ``problem_demo`` runs the
Python of its authored ``<script>`` on the server (``xblock.run_script``); ``textinput_demo`` and
``equality_demo`` write learners' answers and authored text into the page unescaped; ``debugchild``,
``allscopes_demo`` and ``attempts_scoreboard_demo`` are for debugging. Such a type runs only when an admin
names it in the allow-list. ``thumbs`` is the one sample kept (:data:`ORDINARY_SAMPLES`): it shows two
counters, has no authored field, and the suite and the benchmarks use it as an ordinary installed block.

Loading a class imports its package, so classes are loaded one at a time on first use (never all
entry points at once: ``XBlock.load_classes`` costs seconds). A type that is not installed, not allowed,
or fails to import is served by :class:`UnavailableBlock`, which keeps its content intact.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.metadata import entry_points
from types import MappingProxyType

from xblock.core import XBlock
from xblock.plugin import PluginMissingError

from lms.xblock_host.unavailable import UnavailableBlock

log = logging.getLogger(__name__)

# The course structure itself must always load.
STRUCTURE_TYPES = frozenset({"course", "chapter", "sequential", "vertical"})
# The xblock-sdk's packages of samples (``sample_xblocks``) and of the workbench's debugging blocks: every
# type they register is off unless the allow-list names it, including samples a later sdk adds.
SAMPLE_PACKAGES = frozenset({"sample_xblocks", "workbench"})
ORDINARY_SAMPLES = frozenset({"thumbs"})


@cache
def installed_types() -> MappingProxyType[str, bool]:
    """Each installed type's name → whether it is a sample or debugging block (off by default)."""
    samples: dict[str, bool] = {}
    for point in entry_points(group="xblock.v1"):
        package = point.value.split(":", 1)[0].split(".", 1)[0]
        sample = package in SAMPLE_PACKAGES and point.name not in ORDINARY_SAMPLES
        # Two packages registering one name: the type is a sample if either is one (the cautious answer).
        samples[point.name] = samples.get(point.name, False) or sample
    return MappingProxyType(dict(sorted(samples.items())))


class BlockTypes:
    """The allowed types: with an allow-list exactly those it names (and the structure), else every
    installed type but the samples."""

    def __init__(self, allowlist: list[str] | None):
        self.allowlist = None if allowlist is None else frozenset(allowlist) | STRUCTURE_TYPES
        self._classes: dict[str, type] = {}

    def is_allowed(self, block_type: str) -> bool:
        """Only a name that loads the type it names: XBlock's loader lowercases the name it is given, so a
        tag ``Problem_Demo`` would load ``problem_demo`` past a check that never heard of it."""
        if block_type != block_type.lower():
            return False
        if self.allowlist is None:
            return not installed_types().get(block_type, False)
        return block_type in self.allowlist

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
