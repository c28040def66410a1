"""Paired learning-gain figures: a hand-worked class, published worked examples, and the edges.

Hand-worked class (max 100, pass mark 60), four learners:

    pre   20  50  80  100        mean 62.5
    post  60  60  70  100        mean 72.5
    D     40  10 −10    0        mean 10

    Hake ⟨g⟩ = (72.5 − 62.5)/(100 − 62.5) = 10/37.5 = 4/15
    g_ave over the three below 100: (40/80 + 10/50 − 10/20)/3 = (0.5 + 0.2 − 0.5)/3 = 0.2/3; one left out
    c (Marx & Cummings): 40/80 = 0.5, 10/50 = 0.2, −10/80 = −0.125, and 100 → 100 dropped → 0.575/3
    D − D̄ = 30, 0, −20, −10 → Σ² = 1400, SD_D = √(1400/3); t = 10/(SD_D/2); df 3
    SD_pre: deviations −42.5, −12.5, 17.5, 37.5 → Σ² = 3675 → √1225 = 35
    SD_post: deviations −12.5, −12.5, −2.5, 27.5 → Σ² = 1075 → √(1075/3)
    d_z = 10/SD_D; d_av = 10/((35 + √(1075/3))/2)
    Signed ranks of the non-zero D (|D| 40, 10, 10): 3, 1.5, 1.5 → W⁺ = 4.5, W⁻ = 1.5;
    scipy's two-sided W = min = 1.5; rank-biserial (4.5 − 1.5)/6 = 0.5
    improved 2 of 4; passed (post ≥ 60) 4 of 4; 1 of 4 at ≥ 90 on the pre-test = 25 %: the ceiling flag.
"""

import math

import pytest
from scipy import stats

from assessments.analytics import GainWarning, PairedGain, hake_band, paired_gain
from assessments.analytics.gain import CEILING_SHARE, SMALL_SAMPLE


def close(expected):
    return pytest.approx(expected, rel=1e-9, abs=1e-12)


def assert_no_nan(result: PairedGain) -> None:
    for name, value in vars(result).items():
        if name == "warnings":
            continue
        for number in value if isinstance(value, tuple) else (value,):
            assert number is None or (isinstance(number, int | float) and math.isfinite(number)), (name, number)


def codes(result: PairedGain) -> list[str]:
    return [w.code for w in result.warnings]


def test_the_hand_worked_class():
    result = paired_gain([20, 50, 80, 100], [60, 60, 70, 100], pass_mark=60)
    assert (result.n, result.mean_pre, result.mean_post, result.mean_gain) == (4, 62.5, 72.5, 10)
    assert result.hake_g == close(4 / 15)
    assert result.g_ave == close(0.2 / 3)
    assert result.excluded_at_ceiling == 1
    assert result.normalized_change == close(0.575 / 3)
    sd_d = math.sqrt(1400 / 3)
    assert result.t == close(10 / (sd_d / 2))
    assert result.df == 3
    assert result.sd_pre == close(35)
    assert result.sd_post == close(math.sqrt(1075 / 3))
    assert result.d_z == close(10 / sd_d)
    assert result.d_av == close(10 / ((35 + math.sqrt(1075 / 3)) / 2))
    half = stats.t.ppf(0.975, 3) * sd_d / 2
    assert result.ci95 == (close(10 - half), close(10 + half))
    assert (result.wilcoxon_w, result.rank_biserial) == (1.5, 0.5)
    assert (result.improved_share, result.passed_share) == (0.5, 1.0)
    assert result.warnings == (
        GainWarning("small_sample", 4, SMALL_SAMPLE),
        GainWarning("ceiling", 0.25, CEILING_SHARE),
        GainWarning("pre_at_max", 1),
    )
    assert hake_band(result.hake_g) == "low"


def test_the_interval_and_p_agree_with_scipy():
    pre, post = [20, 50, 80, 100, 35, 64], [60, 60, 70, 100, 80, 66]
    result = paired_gain(pre, post)
    reference = stats.ttest_rel(post, pre)
    assert result.p == close(reference.pvalue)
    interval = reference.confidence_interval(0.95)
    assert result.ci95 == (close(interval.low), close(interval.high))


def test_scipy_documentation_wilcoxon_example():
    # scipy.stats.wilcoxon's docstring: d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    # gives statistic 24 and p 0.041259765625 (exact, two-sided); research note §2.2, recomputed there with
    # scipy 1.17.1. Any pairs with these differences will do: pre 100, post 100 + d.
    differences = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]
    pre = [100] * len(differences)
    post = [100 + d for d in differences]
    result = paired_gain(pre, post, max_score=200)
    assert result.wilcoxon_w == 24
    assert result.wilcoxon_p == pytest.approx(0.041259765625, rel=1e-12)
    # Ranks of the two losses: 48 is 10th and 67 14th of 15: W⁻ = 24, W⁺ = 120 − 24 = 96.
    assert result.rank_biserial == close((96 - 24) / 120)


def test_lakens_2013_movie_ratings():
    # Lakens (2013), Front. Psychol. 4:863 (PMC3840331), Table 1: ten people rate two movies (1–10). Within
    # subjects the paper reports t(9) = 4.74, p = 0.001, Cohen's d_z = 1.50, and d_av = 1.13 (Hedges' g_av = 1.08).
    # The paper's own text could not be read here: these figures are as other projects' tests quote them
    # (an R package's t_apa test: "t(9) = 4.74, p = .001, d = 1.50"; a Python package's test: d_z = 1.50,
    # g_av = 1.08), and d_av = 1.13 follows from g_av by Hedges' factor 1 − 3/(4·20 − 9). "Movie 1" is the post-test.
    movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    result = paired_gain(movie_2, movie_1, max_score=10)
    assert result.mean_gain == close(1)
    # D = 0 1 1 1 1 0 1 2 1 2: deviations −1 0 0 0 0 −1 0 1 0 1, Σ² = 4, SD_D = 2/3 → d_z = 1.5 exactly.
    assert result.d_z == close(1.5)
    assert result.t == close(1.5 * math.sqrt(10))
    assert round(result.t, 2) == 4.74
    assert result.df == 9
    assert round(result.p, 3) == 0.001
    # SD movie 1 = √(6.1/9), movie 2 = √(8.1/9).
    assert result.d_av == close(1 / ((math.sqrt(6.1 / 9) + math.sqrt(8.1 / 9)) / 2))
    assert round(result.d_av, 2) == 1.13


def test_no_pairs():
    result = paired_gain([], [])
    assert result.n == 0
    assert result.mean_pre is None and result.hake_g is None and result.g_ave is None
    assert result.t is None and result.df is None and result.ci95 is None and result.wilcoxon_w is None
    assert result.improved_share is None and result.passed_share is None
    assert result.excluded_at_ceiling == 0
    assert codes(result) == ["no_pairs"]
    assert_no_nan(result)


def test_one_learner():
    result = paired_gain([40], [70], pass_mark=50)
    assert (result.mean_pre, result.mean_post, result.mean_gain) == (40, 70, 30)
    assert result.hake_g == close(0.5) and result.g_ave == close(0.5) and result.normalized_change == close(0.5)
    assert result.sd_pre is None and result.t is None and result.df is None and result.p is None
    assert result.d_z is None and result.d_av is None and result.ci95 is None
    assert (result.improved_share, result.passed_share) == (1.0, 1.0)
    assert codes(result) == ["small_sample"]
    assert_no_nan(result)


def test_two_learners():
    result = paired_gain([40, 60], [70, 70])
    assert result.df == 1
    assert result.t == close(20 / (math.sqrt(200) / math.sqrt(2)))  # D 30, 10: SD_D √200
    assert result.ci95 is not None and result.ci95[0] < 20 < result.ci95[1]
    assert result.d_av == close(20 / ((math.sqrt(200) + 0) / 2))  # post has no spread: SD_post 0
    assert_no_nan(result)


def test_identical_scores():
    result = paired_gain([50, 60, 70], [50, 60, 70])
    assert result.mean_gain == 0 and result.hake_g == 0 and result.g_ave == 0 and result.normalized_change == 0
    # No difference has any spread: no t, no interval, no d_z; no non-zero difference: no Wilcoxon.
    assert result.t is None and result.p is None and result.ci95 is None and result.d_z is None
    assert result.df == 2
    assert result.wilcoxon_w is None and result.wilcoxon_p is None and result.rank_biserial is None
    assert result.d_av == 0
    assert result.improved_share == 0
    assert_no_nan(result)


def test_everyone_gaining_the_same_has_no_t_but_a_wilcoxon():
    result = paired_gain([10, 20, 30], [20, 30, 40])
    assert result.t is None and result.d_z is None and result.ci95 is None
    assert result.wilcoxon_w == 0 and result.rank_biserial == 1
    assert_no_nan(result)


def test_everyone_at_the_maximum_on_the_pre_test():
    result = paired_gain([100, 100, 100], [100, 90, 100])
    assert result.hake_g is None
    assert result.g_ave is None
    assert result.excluded_at_ceiling == 3
    # Only the learner who lost counts for c: (90 − 100)/100; the two at 100 → 100 are dropped.
    assert result.normalized_change == close(-0.1)
    assert codes(result) == ["small_sample", "ceiling", "pre_at_max"]
    assert_no_nan(result)
    unchanged = paired_gain([100, 100], [100, 100])
    assert unchanged.hake_g is None and unchanged.normalized_change is None and unchanged.d_av is None
    assert_no_nan(unchanged)


def test_learners_at_zero_on_both_are_dropped_from_c():
    result = paired_gain([0, 0, 50], [0, 50, 50])
    # c: 0 → 0 dropped, 0 → 50 is 50/100, 50 → 50 is 0.
    assert result.normalized_change == close(0.25)


def test_the_ceiling_flag_needs_a_quarter_at_ninety_percent():
    below = paired_gain([90, 10, 10, 10, 10], [95, 20, 20, 20, 20])  # 1 in 5 = 20 %
    assert "ceiling" not in codes(below)
    at = paired_gain([18, 2, 2, 2], [19, 3, 3, 3], max_score=20)  # 18/20 = 90 %, 1 in 4 = 25 %
    assert "ceiling" in codes(at)


def test_attrition_is_flagged_below_eighty_percent_retained():
    pre, post = [10] * 30, [20] * 30
    assert codes(paired_gain(pre, post, enrolled=37)) == []  # 30/37 = 81 %
    result = paired_gain(pre, post, enrolled=40)  # 75 %
    assert result.warnings == (GainWarning("attrition", 0.75, 0.8),)


def test_a_large_class_without_problems_has_no_warnings():
    result = paired_gain(list(range(0, 60, 2)), list(range(30, 90, 2)), pass_mark=70)
    assert result.n == 30 and result.warnings == ()
    assert result.passed_share == close(10 / 30)  # posts 70, 72, …, 88


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pre": [10, 20], "post": [30]}, r"pre has 2 scores and post 1"),
        ({"pre": [10, 120], "post": [30, 40]}, r"pre\[1\] = 120 is outside 0–100"),
        ({"pre": [10, 20], "post": [30, -1]}, r"post\[1\] = -1 is outside"),
        ({"pre": [10, "x"], "post": [30, 40]}, r"pre\[1\] must be a number"),
        ({"pre": [10, float("inf")], "post": [30, 40]}, r"finite"),
        ({"pre": [10], "post": [30], "max_score": 0}, r"max_score must be positive"),
        ({"pre": [10], "post": [30], "pass_mark": 101}, r"pass_mark = 101"),
        ({"pre": [10, 20], "post": [30, 40], "enrolled": 1}, r"at least the 2 matched"),
        ({"pre": [10], "post": [30], "enrolled": 2.5}, r"whole number"),
        ({"pre": "1020", "post": "3040"}, r"sequence of numbers"),
    ],
)
def test_bad_input_is_refused_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        paired_gain(**kwargs)
