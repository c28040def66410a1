"""Which modules of a published version refer to which course files, so files are gated with their modules.

A learner may fetch a file of the published version only when a module open to them refers to it, or when
no module does (course-wide files: referred to by the course block alone, or by nothing the scan can see).
References are found by the rule the ``replace_urls`` service rewrites them with
(``lms.xblock_host.services.static_references``): ``/static/<name>`` quoted, or in a CSS ``url(…)``, in any
authored field value of any block of the module, down to strings inside lists and dicts; a value that is a
whole reference (a video's address, a resource's ``url``) counts too, since blocks pass those through
``replace_urls`` quoted (``courses.blocks.video``).

Worked out once per version, which never changes (``lms.caches.PUBLISHED_FILE_REFERENCES``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

from courses.structure import Structure
from lms import caches
from lms.xblock_host.services import static_references


def modules_referencing(version_id: int, snapshot: Mapping[str, Mapping[str, Any]], structure: Structure):
    """``{file name: keys of the modules that refer to it}`` for a published version (cached)."""
    return caches.PUBLISHED_FILE_REFERENCES.get_or_build(
        version_id, lambda: MappingProxyType(scan(snapshot, structure))
    )


def scan(snapshot: Mapping[str, Mapping[str, Any]], structure: Structure) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for block_key, module in structure.module_of_block.items():
        for name in _names(snapshot[block_key].get("fields") or {}):
            found[name].add(module.key)
    return {name: frozenset(modules) for name, modules in found.items()}


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from static_references(value)
        if value.startswith("/static/"):
            yield from static_references(f'"{value}"')
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _names(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _names(item)
