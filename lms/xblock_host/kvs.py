"""The stores behind every XBlock field, for every scope.

``RoutedFieldData`` is the runtime's ``field-data`` service. It routes each field by scope:

* authored scopes (content, settings, children, parent) go to the learning context's *authored store*:
  ``SqlRows`` for a course draft (mutable, in ``xblock_field``) or ``SnapshotStore`` for a published
  version (an immutable dict shared by every request);
* user scopes (user_state, preferences, user_info) and user_state_summary go to ``SqlRows``.

``SqlRows`` keeps a per-runtime cache and can prefetch all rows a page needs in one query, so a unit
costs the same number of queries whatever number of blocks it holds.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import and_, bindparam, delete, or_, select
from xblock.field_data import FieldData
from xblock.fields import BlockScope, Field, Scope, UserScope

from lms import hot_sql
from lms.clock import utcnow
from lms.db import db
from lms.sql import dialect_insert
from lms.xblock_host.keys import UsageKey
from lms.xblock_host.models import NO_USER, XBlockField

AUTHORED_SCOPES = ("content", "settings", "children", "parent")
_MISSING = object()


class ReadOnlyContent(RuntimeError):
    """A learner-facing runtime tried to change authored content of a published version."""


def scope_name(scope: Any) -> str:
    if scope is Scope.children:
        return "children"
    if scope is Scope.parent:
        return "parent"
    return scope.name


_COLUMNS = (XBlockField.scope, XBlockField.block_key, XBlockField.user_id, XBlockField.field, XBlockField.value)


@hot_sql.per_size
def _page_state(size: int):  # noqa: ANN202
    """A page's rows for ``size`` keys: the user's state and the shared summaries of its blocks (keyed by usage),
    the user's preferences (keyed by block type) and user-wide info (keyed ``""``).

    Every row is found through the table's unique key, ordered branch, block, user (before, SQLite read every
    row of the branch: 20–30 ms a page at 100,000 rows; migration f6a7b8c9d0e1).
    """
    return select(*_COLUMNS).where(
        XBlockField.branch == bindparam("branch"),
        XBlockField.block_key.in_([bindparam(f"key{i}") for i in range(size)]),
        XBlockField.user_id.in_([bindparam("user"), bindparam("no_user")]),
        or_(XBlockField.user_id == bindparam("user"), XBlockField.scope == "user_state_summary"),
    )


_ROW_KEY = ["branch", "scope", "block_key", "user_id", "field"]
_UPSERTS: dict[str, hot_sql.HotStatement] = {}  # dialect name -> the state upsert


def _upsert(dialect: str) -> hot_sql.HotStatement:
    """The state upsert, built once per dialect: building ``excluded`` costs more than running the statement
    (a fifth of a handler call, measured)."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        columns = [*_ROW_KEY, "value", "context_key", "updated_at"]
        insert = dialect_insert(XBlockField).values({name: bindparam(name) for name in columns})
        _UPSERTS[dialect] = statement = hot_sql.HotStatement(
            insert.on_conflict_do_update(
                index_elements=_ROW_KEY,
                set_={"value": insert.excluded.value, "updated_at": insert.excluded.updated_at},
            )
        )
    return statement


def field_row(
    branch: str, context_key: str, scope: str, block_key: str, user_id: int, field: str, value: Any
) -> dict[str, Any]:
    """An ``xblock_field`` row's values (the course's rows, and a user's state in it, carry the course code)."""
    return {
        "branch": branch,
        "scope": scope,
        "block_key": block_key,
        "user_id": user_id,
        "field": field,
        "value": value,
        "context_key": context_key if user_id == NO_USER or scope == "user_state" else "",
    }


class SqlRows:
    """Rows of ``xblock_field`` of one branch, with a cache; the unit of work is one request's runtime.

    ``branch`` keeps a draft's rows apart from the published course's: an author's preview reads and
    writes the draft's user state (and the draft's authored rows), never a learner's.
    """

    def __init__(self, context_key: str = "", branch: str = "published"):
        self.context_key = context_key
        self.branch = branch
        self._cache: dict[tuple[str, str, int, str], Any] = {}
        # What has been loaded in full, so that a miss there is an answer, not a reason to query:
        self._loaded_context: str | None = None  # all authored rows of this course draft
        self._loaded_user_blocks: set[tuple[str, int]] = set()  # (block_key, user_id)
        self._loaded_summaries: set[str] = set()  # block keys whose user_state_summary is loaded
        self._loaded_preferences: dict[int, set[str]] = {}  # user -> block types whose preferences are loaded
        self._loaded_user_wide: set[int] = set()  # users whose user_info is loaded
        self._deferred: list[tuple[list[UsageKey], int]] = []  # prefetches to run at the first read of user state

    def _where(self, scope: str, block_key: str, user_id: int, field: str):  # noqa: ANN202
        return and_(
            XBlockField.branch == self.branch,
            XBlockField.scope == scope,
            XBlockField.block_key == block_key,
            XBlockField.user_id == user_id,
            XBlockField.field == field,
        )

    # -- loading -----------------------------------------------------------------------------------
    def prefetch_context_authored(self, context_key: str) -> None:
        """Load every authored row of a course draft (the studio and draft previews)."""
        rows = db.session.execute(
            select(XBlockField.scope, XBlockField.block_key, XBlockField.field, XBlockField.value).where(
                XBlockField.branch == self.branch,
                XBlockField.context_key == context_key,
                XBlockField.user_id == NO_USER,
                XBlockField.scope.in_(AUTHORED_SCOPES),
            )
        )
        for scope, block_key, field, value in rows:
            self._cache[(scope, block_key, NO_USER, field)] = value
        self._loaded_context = context_key

    def prefetch_user_blocks(self, usage_keys: Iterable[UsageKey], user_id: int, lazily: bool = False) -> None:
        """One query for a page: the user's state and the shared summaries of these blocks, the user's
        preferences for their types and the user's user-wide info. ``lazily``: at the first read of any of
        these (a handler call: one that reads no state, like saving an assessment answer, runs no query)."""
        if lazily:
            self._deferred.append((list(usage_keys), user_id))
            return
        usage_keys = {key for key in usage_keys if (str(key), user_id) not in self._loaded_user_blocks}
        block_keys = {str(key) for key in usage_keys}
        types = {key.block_type for key in usage_keys} - self._loaded_preferences.get(user_id, set())
        wide = [] if user_id in self._loaded_user_wide else [""]
        keys = sorted(block_keys | types) + wide
        if not keys:
            return
        values = {f"key{i}": key for i, key in enumerate(keys)}
        rows = _page_state(len(keys)).all({"branch": self.branch, "user": user_id, "no_user": NO_USER, **values})
        for scope, block_key, row_user, field, value in rows:
            self._cache[(scope, block_key, row_user, field)] = value
        self._loaded_user_blocks.update((key, user_id) for key in block_keys)
        self._loaded_summaries.update(block_keys)
        self._loaded_preferences.setdefault(user_id, set()).update(types)
        self._loaded_user_wide.add(user_id)

    def forget_blocks(self, block_keys: Iterable[str]) -> None:
        """Drop cached rows of blocks whose rows were deleted behind the cache's back."""
        doomed = set(block_keys)
        for cache_key in [k for k in self._cache if k[1] in doomed]:
            self._cache[cache_key] = _MISSING

    def loaded_items(self):
        """(scope, block_key, user_id, field, value) for every row loaded so far."""
        for (scope, block_key, user_id, field), value in self._cache.items():
            if value is not _MISSING:
                yield scope, block_key, user_id, field, value

    def _is_loaded(self, scope: str, block_key: str, user_id: int) -> bool:
        if scope == "preferences":
            return block_key in self._loaded_preferences.get(user_id, ())
        if scope == "user_info":
            return user_id in self._loaded_user_wide
        if scope == "user_state_summary":
            return block_key in self._loaded_summaries
        if scope in AUTHORED_SCOPES:
            return self._loaded_context is not None and block_key.startswith(f"block-v1:{self._loaded_context}+")
        return (block_key, user_id) in self._loaded_user_blocks

    # -- access ------------------------------------------------------------------------------------
    def get(self, scope: str, block_key: str, user_id: int, field: str) -> Any:
        if self._deferred and scope not in AUTHORED_SCOPES:
            deferred, self._deferred = self._deferred, []
            for usage_keys, deferred_user in deferred:
                self.prefetch_user_blocks(usage_keys, deferred_user)
        cache_key = (scope, block_key, user_id, field)
        value = self._cache.get(cache_key, _MISSING)
        if value is _MISSING and not self._is_loaded(scope, block_key, user_id):
            row = db.session.execute(select(XBlockField.value).where(self._where(*cache_key))).first()
            value = _MISSING if row is None else row[0]
            self._cache[cache_key] = value
        if value is _MISSING:
            raise KeyError(cache_key)
        return value

    def has(self, scope: str, block_key: str, user_id: int, field: str) -> bool:
        try:
            self.get(scope, block_key, user_id, field)
        except KeyError:
            return False
        return True

    def set_many(self, items: list[tuple[str, str, int, str, Any]]) -> None:
        """Upsert (scope, block_key, user_id, field, value) rows in one statement."""
        if not items:
            return
        now = utcnow()
        # One row per key: the last value wins, as it would field by field.
        rows = {
            (scope, block_key, user_id, field): {
                **field_row(self.branch, self.context_key, scope, block_key, user_id, field, value),
                "updated_at": now,
            }
            for scope, block_key, user_id, field, value in items
        }
        _upsert(db.engine.dialect.name).execute_many(rows.values())
        for key, row in rows.items():
            self._cache[key] = row["value"]

    def delete(self, scope: str, block_key: str, user_id: int, field: str) -> None:
        db.session.execute(delete(XBlockField).where(self._where(scope, block_key, user_id, field)))
        self._cache[(scope, block_key, user_id, field)] = _MISSING


class SnapshotStore:
    """Authored fields of a published version, shared by every request of the process.

    Immutable by construction: the snapshot (``{usage_key: {"type", "fields", "children", "parent"}}``)
    is deep-frozen when loaded (tuples and read-only mappings), and every read of a list or dict value
    returns a fresh mutable copy. Blocks do change field values in place (drag-and-drop-v2 says so); a
    frozen value handed out as it is would break them, a shared one would leak one learner's change to
    the next (measured in ``bench/README.md``: a copy costs a few µs per page).
    """

    def __init__(self, snapshot: dict[str, dict[str, Any]]):
        self.snapshot: Mapping[str, Mapping[str, Any]] = freeze(snapshot)
        self.size = len(json.dumps(snapshot))  # roughly its bytes in memory, for the process cache's bound

    def get(self, scope: str, block_key: str, user_id: int, field: str) -> Any:
        entry = self.snapshot[block_key]
        if scope == "children":
            return list(entry["children"])
        if scope == "parent":
            if entry.get("parent") is None:
                raise KeyError(block_key)
            return entry["parent"]
        return thaw(entry["fields"][field])

    def has(self, scope: str, block_key: str, user_id: int, field: str) -> bool:
        entry = self.snapshot.get(block_key)
        if entry is None:
            return False
        if scope == "children":
            return True
        if scope == "parent":
            return entry.get("parent") is not None
        return field in entry["fields"]

    def set_many(self, items) -> None:  # noqa: ANN001
        if items:
            raise ReadOnlyContent("published course content cannot be changed by a learner-facing view")

    def delete(self, *args) -> None:  # noqa: ANN002
        raise ReadOnlyContent("published course content cannot be changed by a learner-facing view")


def freeze(value: Any) -> Any:
    """A deep, read-only copy of JSON data: lists become tuples, dicts read-only mappings."""
    if isinstance(value, dict):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(freeze(item) for item in value)
    return value


def thaw(value: Any) -> Any:
    """A mutable deep copy of :func:`freeze`'s output (scalars are returned as they are)."""
    if isinstance(value, MappingProxyType):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    return value


@functools.cache
def _route(block_class: type, name: str) -> tuple[bool, str, str, bool]:
    """How a field of a block class is stored: (authored?, scope name, which id keys the block, per user?).

    Decided once per class and field; ``KvsFieldData`` works it out again, through a ``Key`` tuple and
    several scope comparisons, on every read of every field (measured: most of a field read's cost).
    """
    field = getattr(block_class, name, None)
    if not isinstance(field, Field):
        raise KeyError(name)
    scope = field.scope
    if scope in (Scope.children, Scope.parent):
        return True, scope_name(scope), "usage", False
    by_block = {
        BlockScope.ALL: "",
        BlockScope.USAGE: "usage",
        BlockScope.DEFINITION: "definition",
        BlockScope.TYPE: "type",
    }[scope.block]
    if scope.user == UserScope.NONE:
        return True, scope_name(scope), by_block, False
    if scope.user == UserScope.ALL:
        return False, scope_name(scope), by_block, False
    return False, scope_name(scope), by_block, True


class RoutedFieldData(FieldData):
    """The ``field-data`` service: ``KvsFieldData``'s contract over the two row stores, with each field's
    storage address worked out once per block class."""

    def __init__(self, authored: SqlRows | SnapshotStore, user_rows: SqlRows):
        self.authored = authored
        self.user_rows = user_rows

    def _address(self, block, name: str) -> tuple[bool, tuple[str, str, int, str]]:  # noqa: ANN001
        authored, scope, by_block, per_user = _route(type(block), name)
        ids = block.scope_ids
        if by_block == "usage":
            block_key = str(ids.usage_id)
        elif by_block == "definition":
            block_key = str(ids.def_id)
        elif by_block == "type":
            block_key = str(ids.block_type)
        else:
            block_key = ""
        return authored, (scope, block_key, int(ids.user_id) if per_user else NO_USER, name)

    def _rows(self, authored: bool):
        return self.authored if authored else self.user_rows

    def get(self, block, name):  # noqa: ANN001
        authored, address = self._address(block, name)
        return self._rows(authored).get(*address)

    def has(self, block, name):  # noqa: ANN001
        authored, address = self._address(block, name)
        return self._rows(authored).has(*address)

    def set(self, block, name, value):  # noqa: ANN001
        self.set_many(block, {name: value})

    def set_many(self, block, update_dict):  # noqa: ANN001
        authored_items, user_items = [], []
        for name, value in update_dict.items():
            authored, address = self._address(block, name)
            (authored_items if authored else user_items).append((*address, value))
        self.authored.set_many(authored_items)
        self.user_rows.set_many(user_items)

    def delete(self, block, name):  # noqa: ANN001
        authored, address = self._address(block, name)
        self._rows(authored).delete(*address)

    def default(self, block, name):  # noqa: ANN001
        raise KeyError(name)  # as KvsFieldData: no stored value means the field's own default
