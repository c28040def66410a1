"""Gain per learning outcome: each learner's score on an outcome's items, pre and post, fed to the paired figures.

Owns :func:`competency_gains`. Pre and post tests are parallel forms drawn from one blueprint (N items per
outcome), so the two forms may have different items: each form says which outcome each of its items
assesses, and a learner's outcome score is the percent of that outcome's marks on that form.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from assessments.analytics import _inputs
from assessments.analytics.gain import PairedGain, paired_gain


def competency_gains(
    pre_items: Sequence[Sequence[float]],
    post_items: Sequence[Sequence[float]],
    item_outcomes: Sequence[Hashable],
    item_max: Sequence[float],
    *,
    post_outcomes: Sequence[Hashable] | None = None,
    post_max: Sequence[float] | None = None,
    pass_mark: float | None = None,
    enrolled: int | None = None,
) -> dict[Hashable, PairedGain]:
    """Outcome → :func:`~assessments.analytics.gain.paired_gain` of the learners' outcome scores (percent).

    ``pre_items`` and ``post_items`` hold one row per matched learner (same order), one mark per item.
    ``item_outcomes`` and ``item_max`` describe the pre-test's items and, unless ``post_outcomes`` and
    ``post_max`` are given, the post-test's too (the same form). ``pass_mark`` is a percent of the
    outcome's marks. Outcomes come in the order they first appear on the pre-test; an outcome assessed on
    one form only is a ``ValueError`` (there is nothing to pair).
    """
    pre = _outcome_percents(pre_items, item_outcomes, item_max, "pre")
    post = _outcome_percents(
        post_items,
        item_outcomes if post_outcomes is None else post_outcomes,
        item_max if post_max is None else post_max,
        "post",
    )
    if set(pre) != set(post):
        unpaired = sorted(map(repr, set(pre) ^ set(post)))
        raise ValueError(f"outcome(s) assessed on one test only: {', '.join(unpaired)}")
    first = next(iter(pre.values()), np.empty(0))
    second = next(iter(post.values()), np.empty(0))
    if first.size != second.size:
        raise ValueError(f"pre_items has {first.size} learners and post_items {second.size}: rows must be matched")
    return {
        outcome: paired_gain(scores, post[outcome], max_score=100, pass_mark=pass_mark, enrolled=enrolled)
        for outcome, scores in pre.items()
    }


def _outcome_percents(
    rows: Sequence[Sequence[float]], outcomes: Sequence[Hashable], maxima: Sequence[float], form: str
) -> dict[Hashable, np.ndarray]:
    """Each outcome's scores on one form: 100 × (the learner's marks on its items) / (their maxima)."""
    top = _inputs.vector(maxima, f"{form} item maxima")
    if len(outcomes) != top.size:
        raise ValueError(f"{form}: {len(outcomes)} item outcomes for {top.size} item maxima")
    for index, value in enumerate(top):
        if value <= 0:
            raise ValueError(f"{form} item maxima[{index}] = {value:g}: an item's maximum must be positive")
    table = _inputs.matrix(rows, top.size, f"{form}_items")
    outside = np.argwhere((table < 0) | (table > top))
    if outside.size:
        row, column = (int(v) for v in outside[0])
        raise ValueError(
            f"{form}_items[{row}][{column}] = {table[row, column]:g} is outside 0–{top[column]:g} (the item's maximum)"
        )
    percents: dict[Hashable, np.ndarray] = {}
    for outcome in dict.fromkeys(outcomes):  # first-appearance order
        columns = [i for i, o in enumerate(outcomes) if o == outcome]
        # Clipped to 0–100: a sum of floats can land a hair outside.
        percents[outcome] = np.clip(100 * table[:, columns].sum(axis=1) / top[columns].sum(), 0, 100)
    return percents
