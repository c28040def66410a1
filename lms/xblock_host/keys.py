"""Usage keys: ``block-v1:<context>+type@<block_type>+block@<block_id>``.

A usage key is a ``str`` (so it is a dict key, a JSON value and a database column as it is) that also
answers ``block_type``, ``block_id`` and ``context_key`` — what XBlock ≥ 6.1 reads from
``scope_ids.usage_id`` (``display_name_with_default`` uses ``block_id``). A definition is never shared
between usages here, so the definition id is the usage key itself.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "block-v1:"
_PATTERN = re.compile(
    r"^block-v1:(?P<ctx>[A-Za-z0-9._-]+)\+type@(?P<type>[A-Za-z0-9._-]+)\+block@(?P<id>[A-Za-z0-9._-]+)$"
)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class InvalidKey(ValueError):
    pass


class UsageKey(str):
    __slots__ = ("context_key", "block_type", "block_id")

    context_key: str
    block_type: str
    block_id: str

    def __new__(cls, value: str) -> UsageKey:
        if isinstance(value, UsageKey):
            return value
        match = _PATTERN.match(value)
        if match is None:
            raise InvalidKey(f"not a usage key: {value!r}")
        key = super().__new__(cls, value)
        key.context_key, key.block_type, key.block_id = match.group("ctx", "type", "id")
        return key

    @classmethod
    def make(cls, context_key: str, block_type: str, block_id: str) -> UsageKey:
        return cls(f"{PREFIX}{context_key}+type@{block_type}+block@{block_id}")

    # The definition and the usage are the same thing here.
    @property
    def definition_key(self) -> UsageKey:
        return self

    def __reduce__(self):
        return (UsageKey, (str(self),))


def parse(value: str) -> UsageKey:
    return UsageKey(value)


def is_usage_key(value: str) -> bool:
    return bool(_PATTERN.match(value or ""))


def slugify(value: str | None, fallback_prefix: str = "b") -> str:
    """A block id from an OLX url_name or a title: safe characters only, never empty."""
    cleaned = _UNSAFE.sub("_", (value or "").strip()).strip("_.")[:80]
    return cleaned or f"{fallback_prefix}{secrets.token_hex(6)}"


def new_block_id(block_type: str) -> str:
    return f"{block_type.replace('-', '_')[:20]}_{secrets.token_hex(5)}"
