"""What the assessment block shows of an attempt, whichever store keeps it: plain data, no ORM objects.

The block asks a store (``assessments/blocks/stores.py``) for these views: the LMS's tables through the
``assessments`` runtime service, or the block's own fields in a runtime without it (the xblock-sdk
workbench). Templates read only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class SlotView:
    """One question of an attempt as drawn: its definition (never sent to the browser as it is), the saved answer."""

    slot: int
    definition: dict[str, Any]
    max_mark: float
    response: Any = None
    sequence: int = 0  # the last change stored (the browser numbers its changes after it)
    saved_at: datetime | None = None
    fraction: float | None = None  # after grading; None for an essay not graded yet
    comment: str = ""  # a grader's comment

    @property
    def answered(self) -> bool:
        return self.response not in (None, "", [], {})


@dataclass(frozen=True)
class Saved:
    """What saving an answer stored: the slot and the sequence number now on the server."""

    slot: int
    sequence: int


@dataclass(frozen=True)
class AttemptView:
    id: int
    number: int
    state: str  # in_progress, submitted
    seed: int
    started_at: datetime
    deadline: datetime | None
    submitted_at: datetime | None
    mark: float | None
    max_mark: float
    needs_grading: bool
    slots: list[SlotView] = field(default_factory=list)  # a store may leave them out of older attempts (history)

    @property
    def open(self) -> bool:
        return self.state == "in_progress"

    @property
    def percent(self) -> float | None:
        return None if self.mark is None or not self.max_mark else 100 * self.mark / self.max_mark

    def seconds_left(self, now: datetime) -> int | None:
        if self.deadline is None:
            return None
        return max(0, int((self.deadline - now).total_seconds()))
