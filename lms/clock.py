"""The time the LMS stores: naive UTC datetimes (both databases store them alike)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
