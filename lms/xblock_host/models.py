"""The XBlock field store: one row per field value, for every scope.

``user_id`` is 0 for values that belong to no user (content, settings, children, parent and
user_state_summary), so the unique key works on every database (NULLs are never equal in SQL).
``context_key`` (the course code) lets a course's rows be fetched, copied or deleted together.
``branch`` keeps a course draft's rows (its authored content, and the state authors leave when they
preview it) apart from the published course's (learners' state): a preview never touches what
learners see, and analytics read only ``published`` rows and events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.db import db

NO_USER = 0
DRAFT, PUBLISHED = "draft", "published"


class XBlockField(db.Model):
    __tablename__ = "xblock_field"
    __table_args__ = (
        # In this order the key also serves a page's query (branch, its blocks, the user: lms/xblock_host/kvs.py).
        UniqueConstraint("branch", "block_key", "user_id", "scope", "field", name="uq_xblock_field_key"),
        Index("ix_xblock_field_context_user", "context_key", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch: Mapped[str] = mapped_column(String(10), default=PUBLISHED)  # "draft" or "published"
    scope: Mapped[str] = mapped_column(String(40))
    context_key: Mapped[str] = mapped_column(String(60), default="")
    block_key: Mapped[str] = mapped_column(String(255))  # usage key, block type (preferences) or "" (user_info)
    user_id: Mapped[int] = mapped_column(default=NO_USER)
    field: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class XBlockEvent(db.Model):
    """Every event a block publishes (grade, completion, progress, tracking events), in order."""

    __tablename__ = "xblock_event"
    __table_args__ = (Index("ix_xblock_event_context_user", "context_key", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int]
    context_key: Mapped[str] = mapped_column(String(60))
    usage_key: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[Any] = mapped_column(JSON)
    branch: Mapped[str] = mapped_column(String(10), default=PUBLISHED)  # "draft": an author's preview
    version_id: Mapped[int | None]  # the published version the learner saw (None in a draft preview)
