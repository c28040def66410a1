"""Moodle's item statistics, checked term by term on a data set worked by hand, and at the edges.

The hand data set: 5 attempts (A–E) at 3 items, maxima 1, 1 and 2.

        item1  item2  item3 | total T
    A     1      1      2   |   4
    B     1      0      1   |   2
    C     0      1      2   |   3
    D     1      0      0   |   1
    E     0      0      1   |   1

Test. ΣT = 11, T̄ = 2.2, median 2. T − T̄ = 1.8, −0.2, 0.8, −1.2, −1.2.
    Σd² = 3.24 + 0.04 + 0.64 + 1.44 + 1.44 = 6.8        → SD = √(6.8/4) = √1.7
    Σd³ = 5.832 − 0.008 + 0.512 − 1.728 − 1.728 = 2.88
    Σd⁴ = 10.4976 + 0.0016 + 0.4096 + 2.0736 + 2.0736 = 15.056
    m2 = 1.36, m3 = 0.576, m4 = 3.0112
    k2 = 5·1.36/4 = 1.7;  k3 = 25·0.576/(4·3) = 1.2;  skewness = 1.2/1.7^1.5
    k4 = 25·(6·3.0112 − 3·4·1.36²)/(4·3·2) = 25·(18.0672 − 22.1952)/24 = −4.3;  kurtosis = −4.3/1.7² = −4.3/2.89
Items (x̄, Σ(x − x̄)², var = Σ/4):
    item1 x̄ 0.6, deviations .4 .4 −.6 .4 −.6 → 1.2 → 0.3
    item2 x̄ 0.4, deviations .6 −.4 .6 −.4 −.4 → 1.2 → 0.3
    item3 x̄ 1.2, deviations .8 −.2 .8 −1.2 −.2 → 2.8 → 0.7
    CIC = 100·3/2·(1 − (0.3 + 0.3 + 0.7)/1.7) = 150·0.4/1.7 = 6000/170
    ER = 100·√(1 − 60/170) = 100·√(110/170);  SE = ER/100·√1.7 = √(110/170·1.7) = √1.1
Item 1: rest y = T − x = 3 1 3 0 1, ȳ 1.6, deviations 1.4 −.6 1.4 −1.6 −.6, Σ² = 7.2 → var 1.8
    Σ dx·dy = .56 − .24 − .84 − .64 + .36 = −0.8 → cov −0.2;  DI = 100·(−0.2)/√(0.3·1.8) = −20/√0.54
    sorted: dx −.6 −.6 .4 .4 .4, dy −1.6 −.6 −.6 1.4 1.4, Σ = .96 + .36 − .24 + .56 + .56 = 2.2 → cov_max 0.55
    DE = 100·(−0.2)/0.55 = −400/11;  cov(x, T) = var x + cov(x, y) = 0.3 − 0.2 = 0.1
Item 2: y = 3 2 2 1 1, ȳ 1.8, deviations 1.2 .2 .2 −.8 −.8, Σ² = 2.8 → var 0.7
    Σ dx·dy = .72 − .08 + .12 + .32 + .32 = 1.4 → cov 0.35;  DI = 35/√0.21
    sorted: dx −.4 −.4 −.4 .6 .6, dy −.8 −.8 .2 .2 1.2, Σ = .32 + .32 − .08 + .12 + .72 = 1.4 → cov_max 0.35 → DE 100
    cov(x, T) = 0.3 + 0.35 = 0.65
Item 3: y = 2 1 1 1 0, ȳ 1, deviations 1 0 0 0 −1, Σ² = 2 → var 0.5
    Σ dx·dy = .8 + .2 = 1.0 → cov 0.25;  DI = 25/√0.35
    sorted: dx −1.2 −.2 −.2 .8 .8, dy −1 0 0 0 1, Σ = 1.2 + .8 = 2 → cov_max 0.5 → DE 50
    cov(x, T) = 0.7 + 0.25 = 0.95   (check: 0.1 + 0.65 + 0.95 = 1.7 = var T)
Effective weights: 100·√c/(√0.1 + √0.65 + √0.95) for c = 0.1, 0.65, 0.95.
Facility 0.6, 0.4, 1.2/2 = 0.6; item SD √0.3, √0.3, √0.7/2 (fractions of the maximum).
Intended weights 25, 25, 50.
"""

import math

import pytest

from assessments.analytics import ItemAnalysis, item_statistics, looks_miskeyed

HAND = [[1, 1, 2], [1, 0, 1], [0, 1, 2], [1, 0, 0], [0, 0, 1]]
HAND_MAX = [1, 1, 2]


def close(expected):
    return pytest.approx(expected, rel=1e-9, abs=1e-12)


def assert_no_nan(analysis: ItemAnalysis) -> None:
    values = [getattr(analysis, name) for name in vars(analysis) if name != "items"]
    values += [v for item in analysis.items for v in vars(item).values()]
    for value in values:
        assert value is None or (isinstance(value, int | float) and math.isfinite(value)), value


def test_test_figures_of_the_hand_data_set():
    result = item_statistics(HAND, HAND_MAX)
    assert result.n == 5
    assert result.max_total == 4
    assert result.mean == close(2.2)
    assert result.median == 2
    assert result.sd == close(math.sqrt(1.7))
    assert result.skewness == close(1.2 / 1.7**1.5)
    assert result.kurtosis == close(-4.3 / 2.89)
    assert result.internal_consistency == close(6000 / 170)
    assert result.error_ratio == close(100 * math.sqrt(110 / 170))
    assert result.standard_error == close(math.sqrt(1.1))
    # The same to 6 significant figures, as a reader of the report would see them.
    assert [round(v, 6) for v in (result.skewness, result.kurtosis, result.internal_consistency)] == [
        0.541387,
        -1.487889,
        35.294118,
    ]


def test_item_figures_of_the_hand_data_set():
    one, two, three = item_statistics(HAND, HAND_MAX).items
    assert [i.facility for i in (one, two, three)] == [close(0.6), close(0.4), close(0.6)]
    assert [i.sd for i in (one, two, three)] == [
        close(math.sqrt(0.3)),
        close(math.sqrt(0.3)),
        close(math.sqrt(0.7) / 2),
    ]
    assert [i.intended_weight for i in (one, two, three)] == [25, 25, 50]
    assert one.discrimination_index == close(-20 / math.sqrt(0.54))
    assert two.discrimination_index == close(35 / math.sqrt(0.21))
    assert three.discrimination_index == close(25 / math.sqrt(0.35))
    assert one.discriminative_efficiency == close(-400 / 11)
    assert two.discriminative_efficiency == close(100)
    assert three.discriminative_efficiency == close(50)
    roots = math.sqrt(0.1) + math.sqrt(0.65) + math.sqrt(0.95)
    assert one.effective_weight == close(100 * math.sqrt(0.1) / roots)
    assert two.effective_weight == close(100 * math.sqrt(0.65) / roots)
    assert three.effective_weight == close(100 * math.sqrt(0.95) / roots)
    assert [round(i.discrimination_index, 4) for i in (one, two, three)] == [-27.2166, 76.3763, 42.2577]
    assert [round(i.effective_weight, 4) for i in (one, two, three)] == [15.0791, 38.4442, 46.4768]


def test_the_negatively_discriminating_item_looks_miskeyed():
    one, two, three = item_statistics(HAND, HAND_MAX).items
    assert [looks_miskeyed(i) for i in (one, two, three)] == [True, False, False]


def test_no_attempts_gives_no_figures_but_every_item():
    result = item_statistics([], [1, 2])
    assert result.n == 0
    assert (result.mean, result.median, result.sd, result.internal_consistency) == (None, None, None, None)
    assert [i.index for i in result.items] == [0, 1]
    assert all(i.facility is None and i.discrimination_index is None for i in result.items)
    assert [i.intended_weight for i in result.items] == [close(100 / 3), close(200 / 3)]
    assert_no_nan(result)


def test_one_attempt_has_a_mean_and_facilities_only():
    result = item_statistics([[1, 0.5]], [1, 1])
    assert (result.n, result.mean, result.median) == (1, 1.5, 1.5)
    assert (result.sd, result.skewness, result.internal_consistency) == (None, None, None)
    assert [i.facility for i in result.items] == [1, 0.5]
    assert all(i.sd is None and i.discrimination_index is None and i.effective_weight is None for i in result.items)
    assert_no_nan(result)


def test_two_attempts_have_an_sd_but_no_skewness_or_consistency_as_in_moodle():
    # Moodle computes skewness and the CIC only from three attempts on, kurtosis from four.
    result = item_statistics([[1, 1], [0, 0]], [1, 1])
    assert result.mean == 1 and result.median == 1
    assert result.sd == close(math.sqrt(2))
    assert (result.skewness, result.kurtosis, result.internal_consistency, result.error_ratio) == (None,) * 4
    # Both items move with the rest of the test: a perfect correlation.
    assert [i.discrimination_index for i in result.items] == [close(100), close(100)]
    assert_no_nan(result)


def test_three_attempts_have_skewness_but_no_kurtosis():
    result = item_statistics([[1, 1], [0, 1], [0, 0]], [1, 1])
    assert result.skewness is not None and result.internal_consistency is not None
    assert result.kurtosis is None


def test_a_constant_item_has_a_facility_but_no_discrimination():
    # Item 2 (float marks, equal: their float mean is not exactly 0.1) never varies.
    result = item_statistics([[1, 0.1, 1], [0, 0.1, 1], [1, 0.1, 0], [0, 0.1, 0]], [1, 1, 1])
    constant = result.items[1]
    assert constant.facility == close(0.1)
    assert constant.sd == 0
    assert constant.discrimination_index is None
    assert constant.discriminative_efficiency is None
    # Its covariance with the total is 0: a weight of 0, not a missing one.
    assert constant.effective_weight == 0
    assert not looks_miskeyed(constant)
    assert_no_nan(result)


def test_identical_totals_leave_the_spread_figures_undefined():
    # Everyone scores 1 of 2, on different items: the total does not vary.
    result = item_statistics([[1, 0], [0, 1], [1, 0], [0, 1]], [1, 1])
    assert result.sd == 0
    assert (result.skewness, result.kurtosis, result.internal_consistency, result.standard_error) == (None,) * 4
    assert all(i.effective_weight is None for i in result.items)
    # Each item against the rest (the other item): a perfect negative correlation.
    assert [i.discrimination_index for i in result.items] == [close(-100), close(-100)]
    assert_no_nan(result)


def test_a_single_item_has_no_internal_consistency():
    result = item_statistics([[1], [0], [1], [1]], [1])
    assert result.internal_consistency is None and result.error_ratio is None
    assert result.items[0].discrimination_index is None  # the rest of the test is empty, constant 0
    assert result.items[0].effective_weight == close(100)


def test_negative_marks_count_as_given():
    # A penalty can take a mark below zero (Moodle uses the final mark as it is).
    result = item_statistics([[-0.5, 1], [1, 1], [1, 0]], [1, 1])
    assert result.items[0].facility == close(0.5)
    assert result.mean == close(3.5 / 3)  # totals 0.5, 2 and 1


def test_ragged_input_is_refused_with_the_row_named():
    with pytest.raises(ValueError, match=r"row 1 has 2 values, expected 3"):
        item_statistics([[1, 0, 1], [1, 0], [0, 0, 0]], [1, 1, 1])


@pytest.mark.parametrize(
    ("marks", "max_marks", "message"),
    [
        ([[1, "a"]], [1, 1], r"marks\[0\]\[1\] must be a number"),
        ([[1, float("nan")]], [1, 1], r"finite"),
        ([[1, None]], [1, 1], r"must be a number"),
        ([[True, 1]], [1, 1], r"must be a number"),
        ([[1, 1]], [1, 0], r"max_marks\[1\] = 0"),
        ([[1, 1]], [], r"at least one item"),
        ([1, 1], [1, 1], r"row 0 must be a sequence"),
        ("11", [1, 1], r"sequence of rows"),
    ],
)
def test_bad_values_are_refused_clearly(marks, max_marks, message):
    with pytest.raises(ValueError, match=message):
        item_statistics(marks, max_marks)


def test_figures_are_plain_floats():
    result = item_statistics(HAND, HAND_MAX)
    assert type(result.mean) is float and type(result.items[0].sd) is float
    assert type(result.items[0].discrimination_index) is float


# -- items not drawn (random draws from a bank: columns are question versions) ----------------------------
def test_a_full_matrix_gives_the_same_figures_with_not_drawn_allowed_and_as_a_numpy_array():
    import numpy as np

    expected = item_statistics(HAND, HAND_MAX)
    assert item_statistics(HAND, HAND_MAX, not_drawn=True) == expected
    assert item_statistics(np.array(HAND, dtype=float), HAND_MAX) == expected


def test_an_item_not_drawn_is_computed_over_the_attempts_that_drew_it():
    # Item 2 was drawn by the first four attempts only; items 0 and 1 by all five.
    marks = [[1, 1, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 1, None]]
    result = item_statistics(marks, [1, 1, 1], not_drawn=True)
    totals = [3, 2, 1, 1, 2]
    assert (result.n, result.mean) == (5, sum(totals) / 5)  # the test's figures: every attempt's total
    assert result.internal_consistency is None and result.error_ratio is None and result.standard_error is None
    # Item 2 against the rest of the four attempts that drew it: the same as a two-column test of them.
    alone = item_statistics([[2, 1], [1, 1], [1, 0], [0, 1]], [2, 1])
    assert result.items[2].facility == alone.items[1].facility == 0.75
    assert result.items[2].discrimination_index == pytest.approx(alone.items[1].discrimination_index)
    assert result.items[2].discriminative_efficiency == pytest.approx(alone.items[1].discriminative_efficiency)
    # Items 0 and 1, drawn by everyone, see every total.
    full = item_statistics([[1, 1, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1], [1, 1, 0]], [1, 1, 1])
    assert result.items[0].facility == full.items[0].facility


def test_an_item_nobody_drew_has_no_figures():
    result = item_statistics([[1, None], [0, None]], [1, 1], not_drawn=True)
    assert result.items[1].facility is None and result.items[1].discrimination_index is None
    assert result.items[0].facility == 0.5


def test_missing_marks_are_refused_unless_allowed():
    import numpy as np

    with pytest.raises(ValueError, match=r"must be a number"):
        item_statistics([[1, None]], [1, 1])
    with pytest.raises(ValueError, match=r"marks\[0\]\[1\] must be a finite number"):
        item_statistics(np.array([[1.0, np.nan]]), [1, 1])
    with pytest.raises(ValueError, match=r"marks\[0\]\[0\] must be a finite number"):
        item_statistics(np.array([[np.inf, np.nan]]), [1, 1], not_drawn=True)
    with pytest.raises(ValueError, match=r"2 columns"):
        item_statistics(np.array([[1.0, 1.0, 1.0]]), [1, 1])
