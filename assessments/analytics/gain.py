"""Learning gain from matched pre- and post-test scores: normalized gains, the paired tests, effect sizes.

Owns :func:`paired_gain`, the figures it returns (:class:`PairedGain`) and the data-quality flags that go
with them (:class:`GainWarning`). The statistics come from scipy (``ttest_rel``, ``wilcoxon``,
``t.ppf``); this module decides when a figure is defined and returns ``None`` when it is not, so no caller
ever sees a NaN, an infinity or a scipy warning.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from assessments.analytics import _inputs

#: Below this many matched learners the figures are flagged as small-sample (``small_sample``).
SMALL_SAMPLE = 30
#: A pre-test score at or above this fraction of the maximum counts as near the ceiling …
CEILING_LEVEL = 0.9
#: … and ``ceiling`` is flagged when at least this share of learners is there: the pre-test is too easy
#: for the gain to show (normalized gains of learners near the maximum are unstable or undefined).
CEILING_SHARE = 0.25
#: ``attrition`` is flagged when fewer than this share of the enrolled learners have both scores.
MIN_RETENTION = 0.8


@dataclass(frozen=True)
class GainWarning:
    """A data-quality flag: ``code`` says which, ``value`` what was measured, ``threshold`` the limit.

    ``no_pairs`` (value: 0), ``small_sample`` (n, threshold :data:`SMALL_SAMPLE`), ``ceiling`` (share of
    learners at ≥ :data:`CEILING_LEVEL` of the maximum on the pre-test, threshold :data:`CEILING_SHARE`),
    ``pre_at_max`` (learners with the maximum on the pre-test, left out of ``g_ave``), ``attrition``
    (matched share of the enrolled, threshold :data:`MIN_RETENTION`). Codes, not sentences: the page that
    shows them words (and translates) them.
    """

    code: str
    value: float
    threshold: float | None = None


@dataclass(frozen=True)
class PairedGain:
    """Pre/post figures of ``n`` matched learners, on the scores' own scale unless named otherwise."""

    n: int
    max_score: float
    mean_pre: float | None
    mean_post: float | None
    sd_pre: float | None
    sd_post: float | None
    mean_gain: float | None
    #: Hake's class-average normalized gain (⟨post⟩ − ⟨pre⟩)/(max − ⟨pre⟩).
    hake_g: float | None
    #: Average of single-learner gains (post − pre)/(max − pre), over learners below the maximum on the pre-test.
    g_ave: float | None
    excluded_at_ceiling: int
    #: Marx & Cummings' normalized change c, averaged over learners.
    normalized_change: float | None
    t: float | None
    df: int | None
    p: float | None
    #: 95 % confidence interval of the mean gain (low, high); None when n < 2 or every gain is the same.
    ci95: tuple[float, float] | None
    #: scipy's two-sided statistic: the smaller of the signed-rank sums W⁺ and W⁻ (zero differences dropped).
    wilcoxon_w: float | None
    wilcoxon_p: float | None
    #: Matched-pairs rank-biserial correlation (W⁺ − W⁻)/(W⁺ + W⁻).
    rank_biserial: float | None
    d_z: float | None
    d_av: float | None
    improved_share: float | None
    passed_share: float | None
    warnings: tuple[GainWarning, ...]


def paired_gain(
    pre: Sequence[float],
    post: Sequence[float],
    max_score: float = 100,
    pass_mark: float | None = None,
    enrolled: int | None = None,
) -> PairedGain:
    """The gain figures of matched scores (``pre[i]`` and ``post[i]`` are one learner's, 0 to ``max_score``).

    ``pass_mark`` (same scale) gives ``passed_share``; ``enrolled`` (learners enrolled, matched or not)
    gives the ``attrition`` flag. Undefined figures are ``None``; bad input is a ``ValueError``.
    """
    top = _inputs.number(max_score, "max_score")
    if top <= 0:
        raise ValueError("max_score must be positive")
    before = _inputs.vector(pre, "pre")
    after = _inputs.vector(post, "post")
    if before.size != after.size:
        raise ValueError(f"pre has {before.size} scores and post {after.size}: they must be matched pairs")
    _inputs.in_range(before, 0, top, "pre")
    _inputs.in_range(after, 0, top, "post")
    threshold = None if pass_mark is None else _inputs.number(pass_mark, "pass_mark")
    if threshold is not None and not 0 <= threshold <= top:
        raise ValueError(f"pass_mark = {threshold:g} is outside 0–{top:g}")
    if enrolled is not None and (isinstance(enrolled, bool) or not isinstance(enrolled, int) or enrolled < before.size):
        raise ValueError(f"enrolled must be a whole number of learners, at least the {before.size} matched")
    n = int(before.size)
    gains = after - before
    at_max = int(np.sum(before >= top))
    figures = _descriptives(before, after, top)
    return PairedGain(
        n=n,
        max_score=top,
        **figures,
        g_ave=_average_single_gain(before, after, top),
        excluded_at_ceiling=at_max,
        normalized_change=_normalized_change(before, after, top),
        **_t_test(before, after, gains),
        **_signed_rank(gains),
        d_z=_ratio(float(gains.mean()), _sd(gains)) if n >= 2 and not _inputs.constant(gains) else None,
        d_av=_d_av(gains, figures["sd_pre"], figures["sd_post"]),
        improved_share=float(np.mean(gains > 0)) if n else None,
        passed_share=float(np.mean(after >= threshold)) if n and threshold is not None else None,
        warnings=_warnings(before, top, at_max, enrolled),
    )


def _sd(values: np.ndarray) -> float:
    return 0.0 if _inputs.constant(values) else float(np.std(values, ddof=1))


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _descriptives(before: np.ndarray, after: np.ndarray, top: float) -> dict:
    n = before.size
    if n == 0:
        return dict.fromkeys(("mean_pre", "mean_post", "sd_pre", "sd_post", "mean_gain", "hake_g"))
    mean_pre, mean_post = float(before.mean()), float(after.mean())
    return {
        "mean_pre": mean_pre,
        "mean_post": mean_post,
        "sd_pre": _sd(before) if n >= 2 else None,
        "sd_post": _sd(after) if n >= 2 else None,
        "mean_gain": float((after - before).mean()),
        # Undefined only when the whole class had the maximum on the pre-test.
        "hake_g": (mean_post - mean_pre) / (top - mean_pre) if mean_pre < top else None,
    }


def _average_single_gain(before: np.ndarray, after: np.ndarray, top: float) -> float | None:
    below = before < top  # a learner at the maximum has no room to gain: left out, and counted
    if not below.any():
        return None
    return float(np.mean((after[below] - before[below]) / (top - before[below])))


def _normalized_change(before: np.ndarray, after: np.ndarray, top: float) -> float | None:
    """Marx & Cummings (2007): c = (post − pre)/(max − pre) for a gain, (post − pre)/pre for a loss, 0 when
    equal; a learner with pre = post = max or pre = post = 0 is dropped. Never divides by zero: a gain needs
    pre < max, a loss pre > 0."""
    changes = []
    for b, a in zip(before, after, strict=True):
        if a > b:
            changes.append((a - b) / (top - b))
        elif a < b:
            changes.append((a - b) / b)
        elif 0 < b < top:
            changes.append(0.0)
    return float(np.mean(changes)) if changes else None


def _t_test(before: np.ndarray, after: np.ndarray, gains: np.ndarray) -> dict:
    n = gains.size
    figures = {"t": None, "df": n - 1 if n >= 2 else None, "p": None, "ci95": None}
    # Without two learners, or when every learner gained exactly the same, the differences have no spread:
    # t would be NaN or infinite, and the interval a point.
    if n < 2 or _inputs.constant(gains):
        return figures
    result = stats.ttest_rel(after, before)
    half_width = float(stats.t.ppf(0.975, n - 1)) * _sd(gains) / math.sqrt(n)
    mean = float(gains.mean())
    figures.update(t=float(result.statistic), p=float(result.pvalue), ci95=(mean - half_width, mean + half_width))
    return figures


def _signed_rank(gains: np.ndarray) -> dict:
    nonzero = gains[gains != 0]  # scipy's default zero_method="wilcox": zero differences are dropped
    if nonzero.size == 0:
        return {"wilcoxon_w": None, "wilcoxon_p": None, "rank_biserial": None}
    with warnings.catch_warnings():
        # scipy warns when it falls back from the exact distribution (ties, small n); the result is still
        # its documented default, and the small sample is flagged by our own warnings.
        warnings.simplefilter("ignore")
        result = stats.wilcoxon(gains)
    ranks = stats.rankdata(np.abs(nonzero))
    plus, minus = float(ranks[nonzero > 0].sum()), float(ranks[nonzero < 0].sum())
    return {
        "wilcoxon_w": float(result.statistic),
        "wilcoxon_p": float(result.pvalue),
        "rank_biserial": (plus - minus) / (plus + minus),
    }


def _d_av(gains: np.ndarray, sd_pre: float | None, sd_post: float | None) -> float | None:
    if sd_pre is None or sd_post is None:
        return None
    return _ratio(float(gains.mean()), (sd_pre + sd_post) / 2)


def _warnings(before: np.ndarray, top: float, at_max: int, enrolled: int | None) -> tuple[GainWarning, ...]:
    n = before.size
    found = []
    if n == 0:
        found.append(GainWarning("no_pairs", 0))
    elif n < SMALL_SAMPLE:
        found.append(GainWarning("small_sample", n, SMALL_SAMPLE))
    if n:
        near_top = float(np.mean(before >= CEILING_LEVEL * top))
        if near_top >= CEILING_SHARE:
            found.append(GainWarning("ceiling", near_top, CEILING_SHARE))
    if at_max:
        found.append(GainWarning("pre_at_max", at_max))
    if enrolled:
        retained = n / enrolled
        if retained < MIN_RETENTION:
            found.append(GainWarning("attrition", retained, MIN_RETENTION))
    return tuple(found)
