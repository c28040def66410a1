"""Rate limits for public actions that cost something when repeated: asking for password-reset mail,
checking certificates on the public verification page.

Each counted action leaves a row in ``rate_event`` (action, key, time); a limit allows ``max_events``
per key within a sliding window and answers how long to wait when it is used up. Keys are whatever the
caller limits by: an e-mail address, a client address. Log-in failures keep their own table
(``login_failure``) because they are cleared by a successful log-in, which these never are.

The database holds the counts so that every worker process shares them without another service; rows
older than a day are pruned as new ones are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.db import db

KEEP_FOR = timedelta(days=1)


class RateEvent(db.Model):
    """One counted use of a rate-limited action."""

    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_action_key_at", "action", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.current_timestamp())


@dataclass(frozen=True)
class Limit:
    """At most ``max_config`` events per key within ``window_config`` seconds (both configuration keys)."""

    action: str
    max_config: str
    window_config: str

    @property
    def max_events(self) -> int:
        return int(current_app.config[self.max_config])

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=int(current_app.config[self.window_config]))


class RateLimited(Exception):
    """A limit is used up; ``retry_after`` is the number of seconds until the next event is allowed."""

    def __init__(self, retry_after: int):
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


def seconds_left(count: int, first: datetime | None, max_events: int, window: timedelta) -> int:
    """Seconds until a key with ``count`` events in the window, the oldest at ``first``, may act again
    (0: now). Log-in throttling counts its own rows and answers with this too."""
    if count < max_events:
        return 0
    return max(1, int((first + window - utcnow()).total_seconds()))


def retry_after(limit: Limit, key: str) -> int:
    """Seconds until ``key`` may use ``limit``'s action again (0: now)."""
    since = utcnow() - limit.window
    count, first = db.session.execute(
        select(func.count(), func.min(RateEvent.at)).where(
            RateEvent.action == limit.action, RateEvent.key == key, RateEvent.at >= since
        )
    ).one()
    return seconds_left(count, first, limit.max_events, limit.window)


def check(*checks: tuple[Limit, str]) -> None:
    """Raise :class:`RateLimited` when any (limit, key) is used up."""
    waits = [retry_after(limit, key) for limit, key in checks]
    if max(waits, default=0):
        raise RateLimited(max(waits))


def record(*checks: tuple[Limit, str]) -> None:
    """Count one event for each (limit, key), and prune events nobody counts any more."""
    now = utcnow()
    db.session.add_all(RateEvent(action=limit.action, key=key[:254], at=now) for limit, key in checks)
    db.session.execute(delete(RateEvent).where(RateEvent.at < now - KEEP_FOR))
    db.session.flush()


def use(*checks: tuple[Limit, str]) -> None:
    """Check every (limit, key), then count the event: raises :class:`RateLimited` and counts nothing
    when a limit is used up (a refused attempt does not lengthen the wait)."""
    check(*checks)
    record(*checks)
