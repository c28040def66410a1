"""Assessment analytics: item analysis and learning gain, as pure functions over plain data.

Plain sequences of numbers in, frozen dataclasses out; no app, no database, no Flask (importing this
package loads numpy and scipy only). Undefined figures are ``None`` — never NaN, an infinity or an
exception — and bad input (a ragged matrix, a score above the maximum, a string) is a ``ValueError``.

Item analysis — :func:`item_statistics` (``items.py``), Moodle's quiz statistics report, term by term
(moodle/moodle ``question/classes/statistics/questions/calculator.php`` and
``mod/quiz/report/statistics/classes/calculator.php``). s attempts, p items; for item i, x its marks, T the
attempt's total, y = T − x the rest of the test; every variance and covariance divides by s − 1.

- Test mean, median, SD = √(Σ(T − T̄)²/(s − 1)), in marks. m_r = Σ(T − T̄)^r/s; k2 = s·m2/(s − 1);
  k3 = s²·m3/((s − 1)(s − 2)); k4 = s²·((s + 1)·m4 − 3(s − 1)·m2²)/((s − 1)(s − 2)(s − 3));
  skewness = k3/k2^1.5 (s ≥ 3), kurtosis = k4/k2² (s ≥ 4); both need varying totals (k2 ≠ 0).
- Coefficient of internal consistency CIC = 100·p/(p − 1)·(1 − Σ var(x_i)/k2) (Cronbach's alpha; KR-20 on
  0/1 items); p ≥ 2, and, as in Moodle, s ≥ 3. Error ratio ER = 100·√(1 − CIC/100); standard error
  SE = ER/100·SD, in marks.
- Facility F = x̄/max (fraction; Moodle shows ×100). Item SD = √var(x)/max (fraction, Moodle's column).
- Discrimination index DI = 100·cov(x, y)/√(var(x)·var(y)): the corrected item–total correlation, percent;
  ``None`` when the item or the rest of the test is constant.
- Discriminative efficiency DE = 100·cov(x, y)/cov_max, cov_max the covariance of x and y each sorted
  ascending (the largest these marginals allow); ``None`` when it is 0.
- Effective weight = 100·√cov(x_i, T)/Σ_j √cov(x_j, T) over items with cov ≥ 0; ``None`` for an item with
  a negative covariance, and for all when the sum is 0. Intended weight = 100·max_i/Σ max.

Learning gain — :func:`paired_gain` (``gain.py``) on matched scores, D = post − pre, M = maximum:

- Hake's class-average normalized gain ⟨g⟩ = (⟨post⟩ − ⟨pre⟩)/(M − ⟨pre⟩) (Hake 1998, Am. J. Phys. 66:64);
  ``None`` only when every learner had M on the pre-test.
- Average single-learner gain g_ave = mean((post − pre)/(M − pre)) over learners with pre < M; those at M
  are left out and counted (``excluded_at_ceiling``) (Bao 2006, Am. J. Phys. 74:917, on ⟨g⟩ ≠ g_ave).
- Normalized change c (Marx & Cummings 2007, Am. J. Phys. 75:87): (post − pre)/(M − pre) if post > pre,
  (post − pre)/pre if post < pre, 0 if equal; learners with pre = post = M or = 0 dropped; class value mean(c).
- Paired t-test (``scipy.stats.ttest_rel``): t = D̄/(SD_D/√n), df = n − 1, two-sided p; 95 % CI of the mean
  gain D̄ ± t.ppf(0.975, n − 1)·SD_D/√n. ``None`` when n < 2 or every D is the same.
- Wilcoxon signed-rank (``scipy.stats.wilcoxon``, its defaults: zero differences dropped, two-sided,
  statistic = min(W⁺, W⁻)); matched-pairs rank-biserial r = (W⁺ − W⁻)/(W⁺ + W⁻).
- Cohen's d for paired data (Lakens 2013, Front. Psychol. 4:863): d_z = D̄/SD_D; d_av = D̄/((SD_pre + SD_post)/2).
- Shares: improved (D > 0), passed (post ≥ pass mark). Flags (:class:`GainWarning`): no pairs, small sample
  (n < 30), ceiling (≥ 25 % of learners at ≥ 90 % of M on the pre-test), learners at M on the pre-test,
  attrition (matched < 80 % of enrolled).
- Per outcome — :func:`competency_gains` (``competencies.py``): the same figures on each learner's percent
  of an outcome's marks, pre and post (parallel forms may differ in items).

Bands — ``bands.py``: Moodle's facility bands (Moodle docs, "Quiz statistics report", as the Open
University's guide reproduces them), discrimination bands (≥ 50 very good, 30–50 adequate, 20–29 weak,
0–19 very weak, negative invalid), Hake's bands (low < 0.3 ≤ medium < 0.7 ≤ high), and
:func:`looks_miskeyed` (negative discrimination).
"""

from assessments.analytics.bands import (
    DiscriminationBand,
    FacilityBand,
    HakeBand,
    discrimination_band,
    facility_band,
    hake_band,
    looks_miskeyed,
)
from assessments.analytics.competencies import competency_gains
from assessments.analytics.gain import GainWarning, PairedGain, paired_gain
from assessments.analytics.items import ItemAnalysis, ItemStatistics, item_statistics

__all__ = [
    "DiscriminationBand",
    "FacilityBand",
    "GainWarning",
    "HakeBand",
    "ItemAnalysis",
    "ItemStatistics",
    "PairedGain",
    "competency_gains",
    "discrimination_band",
    "facility_band",
    "hake_band",
    "item_statistics",
    "looks_miskeyed",
    "paired_gain",
]
