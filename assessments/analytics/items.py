"""Item analysis of one test: Moodle's quiz statistics report, computed from a matrix of marks.

Owns :func:`item_statistics` and the figures it returns (:class:`ItemAnalysis`, one :class:`ItemStatistics`
per item). The formulas are Moodle's, term by term (``question/classes/statistics/questions/calculator.php``
for the items, ``mod/quiz/report/statistics/classes/calculator.php`` for the test), including when Moodle
leaves a figure out (there, ``None``): see the package docstring for the list.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assessments.analytics import _inputs


@dataclass(frozen=True)
class ItemStatistics:
    """One item (one column, Moodle's "slot"). ``None`` where the figure is undefined for these data."""

    index: int
    max_mark: float
    #: Mean mark as a fraction of the item's maximum (Moodle shows it ×100 as the facility index).
    facility: float | None
    #: Sample SD of the marks (n − 1) as a fraction of the item's maximum (Moodle's report column).
    sd: float | None
    #: Item's share of the test's maximum, percent (Moodle's "intended weight").
    intended_weight: float
    #: Percent: Pearson correlation of the item with the rest of the test (the total without this item).
    discrimination_index: float | None
    #: Percent: covariance with the rest of the test over the largest covariance these marginals allow.
    discriminative_efficiency: float | None
    #: Percent: the item's share of the spread of totals (Moodle's "effective weight").
    effective_weight: float | None


@dataclass(frozen=True)
class ItemAnalysis:
    """The test's figures (marks, or percent where named) and its items, in column order."""

    n: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    #: Percent: coefficient of internal consistency (Cronbach's alpha ×100; KR-20 on 0/1 items).
    internal_consistency: float | None
    #: Percent: 100·√(1 − CIC/100).
    error_ratio: float | None
    #: Marks: error ratio × SD.
    standard_error: float | None
    items: tuple[ItemStatistics, ...]


def item_statistics(
    marks: Sequence[Sequence[float | None]], max_marks: Sequence[float], *, not_drawn: bool = False
) -> ItemAnalysis:
    """Moodle's test and item statistics of ``marks`` (one row per attempt, one column per item).

    ``max_marks`` gives each item's maximum (positive). Marks may be negative (penalties), as in Moodle;
    every row must have one mark per item (a ragged matrix is a ``ValueError``).

    With ``not_drawn``, a mark may be ``None`` (NaN in a numpy array): the attempt did not draw that item
    (random draws from a bank; columns are question versions). As Moodle does for the questions of a random
    slot, each item's figures are then computed over the attempts that drew it (its facility, SD, its
    correlation with the rest of *those* attempts' totals, its covariance with their totals); the test's
    figures are over every attempt's total. The coefficient of internal consistency (and the error ratio
    and standard error built on it) is left ``None`` when any mark is missing: it sums one variance per
    item of a fixed test, which a test whose items vary by attempt does not have.
    """
    maxima = _inputs.vector(max_marks, "max_marks")
    if maxima.size == 0:
        raise ValueError("max_marks must name at least one item")
    for index, value in enumerate(maxima):
        if value <= 0:
            raise ValueError(f"max_marks[{index}] = {value:g}: an item's maximum must be positive")
    table = _inputs.matrix(marks, maxima.size, "marks", missing=not_drawn)
    drawn = ~np.isnan(table)
    complete = bool(drawn.all())
    totals = table.sum(axis=1) if complete else np.where(drawn, table, 0.0).sum(axis=1)
    s, p = table.shape
    # p = 1 leaves the internal consistency out (see the docstring) when some item was not drawn.
    test = _test_figures(totals, table, p if complete else 1)
    return ItemAnalysis(
        n=s,
        max_total=float(maxima.sum()),
        items=_item_figures(table, totals, maxima, None if complete else drawn),
        **test,
    )


def _deviations(values: np.ndarray) -> np.ndarray:
    # A constant column's deviations are exactly zero (its float mean may differ from it in the last bit,
    # which would turn "undefined" into a huge, meaningless correlation).
    if _inputs.constant(values):
        return np.zeros_like(values)
    return values - values.mean()


def _test_figures(totals: np.ndarray, table: np.ndarray, p: int) -> dict:
    s = totals.size
    figures: dict = dict.fromkeys(
        ("mean", "median", "sd", "skewness", "kurtosis", "internal_consistency", "error_ratio", "standard_error")
    )
    if s == 0:
        return figures
    figures["mean"] = float(totals.mean())
    figures["median"] = float(np.median(totals))  # Moodle: the middle total, or the mean of the two middle ones
    if s < 2:
        return figures
    d = _deviations(totals)
    power2, power3, power4 = (float(np.sum(d**r)) for r in (2, 3, 4))
    figures["sd"] = math.sqrt(power2 / (s - 1))
    # Moodle computes skewness, kurtosis and the CIC only from three attempts on (all inside its `s > 2`
    # branch), and only when the totals vary (k2 ≠ 0).
    if s < 3 or _inputs.constant(totals):
        return figures
    m2, m3, m4 = power2 / s, power3 / s, power4 / s
    k2 = s * m2 / (s - 1)
    k3 = s * s * m3 / ((s - 1) * (s - 2))
    figures["skewness"] = k3 / k2**1.5
    if s > 3:
        k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
        figures["kurtosis"] = k4 / (k2 * k2)
    if p > 1:
        sum_of_item_variances = sum(float(np.sum(_deviations(table[:, i]) ** 2)) / (s - 1) for i in range(p))
        cic = 100 * p / (p - 1) * (1 - sum_of_item_variances / k2)
        figures["internal_consistency"] = cic
        # Alpha cannot exceed 1 (var(T) ≤ p·Σ var(x_i)); the clamp only absorbs rounding at exactly 1.
        figures["error_ratio"] = 100 * math.sqrt(max(0.0, 1 - cic / 100))
        figures["standard_error"] = figures["error_ratio"] * figures["sd"] / 100
    return figures


def _item_figures(
    table: np.ndarray, totals: np.ndarray, maxima: np.ndarray, drawn: np.ndarray | None = None
) -> tuple[ItemStatistics, ...]:
    """Each column's figures; with ``drawn`` (a mask of the marks present), over the attempts that drew it."""
    p = table.shape[1]
    intended = 100 * maxima / maxima.sum()
    rows = []
    covariances_with_total: list[float | None] = []
    for i in range(p):
        x, t = (table[:, i], totals) if drawn is None else (table[drawn[:, i], i], totals[drawn[:, i]])
        s = x.size
        if s == 0:
            rows.append([i, float(maxima[i]), None, None, float(intended[i]), None, None])
            covariances_with_total.append(None)
            continue
        y = t - x  # the rest of the test
        facility = float(x.mean()) / float(maxima[i])
        if s < 2:
            rows.append([i, float(maxima[i]), facility, None, float(intended[i]), None, None])
            covariances_with_total.append(None)
            continue
        dx, dy = _deviations(x), _deviations(y)
        mark_variance = float(np.sum(dx**2)) / (s - 1)
        other_variance = float(np.sum(dy**2)) / (s - 1)
        covariance = float(np.sum(dx * dy)) / (s - 1)
        # The largest covariance these two sets of marks could have: both sorted the same way.
        covariance_max = float(np.sum(np.sort(dx) * np.sort(dy))) / (s - 1)
        spread = mark_variance * other_variance
        covariances_with_total.append(float(np.sum(dx * _deviations(t))) / (s - 1))
        rows.append(
            [
                i,
                float(maxima[i]),
                facility,
                math.sqrt(mark_variance) / float(maxima[i]),
                float(intended[i]),
                # Undefined when the item or the rest of the test does not vary (exactly zero, see _deviations).
                100 * covariance / math.sqrt(spread) if spread else None,
                100 * covariance / covariance_max if covariance_max else None,
            ]
        )
    weights = _effective_weights(covariances_with_total)
    return tuple(ItemStatistics(*row, effective_weight=weight) for row, weight in zip(rows, weights, strict=True))


def _effective_weights(covariances: list[float | None]) -> list[float | None]:
    """100·√cov(x_i, T) / Σ_j √cov(x_j, T), the sum over items with a non-negative covariance; an item with a
    negative covariance has none, and none has one when the sum is zero (Moodle's rule)."""
    total = sum(math.sqrt(c) for c in covariances if c is not None and c >= 0)
    if not total:
        return [None] * len(covariances)
    return [100 * math.sqrt(c) / total if c is not None and c >= 0 else None for c in covariances]
