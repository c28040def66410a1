"""What an assessment block says about its attempts: the blueprint's draws (or a fixed list), the time limit,
the attempts allowed, the grading method, the pass mark, the shuffling, and a post-test's pre-tests. Plain values
the block passes to ``assessments.attempts`` and ``assessments.drawing`` (both read them; neither owns them).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Draw:
    """Part of a blueprint: ``count`` questions from the category at ``category`` (and its subcategories)."""

    category: str
    count: int
    mark: float | None = None  # each drawn question's mark; None: the question's own default mark


@dataclass(frozen=True)
class Settings:
    """What an assessment block says about its attempts (the block passes its fields)."""

    usage_key: str
    course_id: int
    kind: str = "practice"
    draws: tuple[Draw, ...] = ()
    question_ids: tuple[int, ...] = ()  # a fixed list, used when there are no draws
    time_limit_minutes: int = 0  # 0: no limit
    attempts_allowed: int = 1  # 0: no limit
    grading: str = "highest"
    pass_mark: float = 50.0  # percent
    shuffle_questions: bool = True
    pre_usage_keys: tuple[str, ...] = field(default=())  # a post-test's pre-tests, for parallel forms
