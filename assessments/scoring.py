"""How an assessment's attempts make one score (the grading method), for the LMS and the block's own store."""

from __future__ import annotations

from typing import Any

GRADING_METHODS = ("highest", "last", "first", "average")


def graded_percent(attempts: list[Any], method: str) -> float | None:
    """The learner's score on the assessment in percent, by the grading method, from graded submitted attempts."""
    graded = [a for a in attempts if a.state == "submitted" and a.percent is not None]
    if not graded:
        return None
    if method == "first":
        return graded[0].percent
    if method == "last":
        return graded[-1].percent
    if method == "average":
        return sum(a.percent for a in graded) / len(graded)
    return max(a.percent for a in graded)
