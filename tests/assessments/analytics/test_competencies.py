"""Gain per learning outcome, on parallel forms (different items, one blueprint).

Pre-test: items assess A, A, B with maxima 1, 1, 2. Post-test: items assess B, A, A with maxima 4, 1, 1.

    learner   pre marks   A %    B %   |  post marks   A %    B %
       1       1 0 1       50     50   |   4 1 1       100    100
       2       0 0 0        0      0   |   2 1 0        50     50
       3       1 1 2      100    100   |   3 1 1       100     75

    A: pre 50 0 100 (mean 50), post 100 50 100 (mean 250/3): Hake (250/3 − 50)/50 = 2/3
    B: pre 50 0 100 (mean 50), post 100 50 75 (mean 75):      Hake 25/50 = 0.5
"""

import pytest

from assessments.analytics import competency_gains, paired_gain

PRE = [[1, 0, 1], [0, 0, 0], [1, 1, 2]]
POST = [[4, 1, 1], [2, 1, 0], [3, 1, 1]]


def gains():
    return competency_gains(
        PRE, POST, ["A", "A", "B"], [1, 1, 2], post_outcomes=["B", "A", "A"], post_max=[4, 1, 1], pass_mark=75
    )


def test_each_outcome_has_its_own_paired_figures():
    result = gains()
    assert list(result) == ["A", "B"]
    assert result["A"].hake_g == pytest.approx(2 / 3)
    assert result["B"].hake_g == pytest.approx(0.5)
    assert result["A"].passed_share == pytest.approx(2 / 3)  # 100, 50, 100 against 75
    assert result["B"].passed_share == pytest.approx(2 / 3)  # 100, 50, 75
    # The same figures as the paired gain of the outcome percents.
    assert result["B"] == paired_gain([50, 0, 100], [100, 50, 75], pass_mark=75)


def test_one_form_for_both_tests_by_default():
    result = competency_gains([[1, 0, 2], [0, 1, 0]], [[1, 1, 2], [1, 1, 1]], ["x", "y", "x"], [1, 1, 2])
    # x: pre (1 + 2)/3, (0 + 0)/3 → 100, 0; post 100, (1 + 1)/3 → 66.7
    assert result["x"].mean_pre == pytest.approx(50)
    assert result["x"].mean_post == pytest.approx((100 + 200 / 3) / 2)
    assert result["y"].mean_gain == pytest.approx(50)  # pre 0, 100 → post 100, 100


def test_no_learners_gives_empty_figures_per_outcome():
    result = competency_gains([], [], ["A", "B"], [1, 1])
    assert set(result) == {"A", "B"}
    assert all(g.n == 0 and g.hake_g is None for g in result.values())


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (
            (PRE, POST, ["A", "A", "B"], [1, 1, 2]),
            {"post_outcomes": ["A", "A", "C"], "post_max": [4, 1, 1]},
            "'B', 'C'",
        ),
        ((PRE, POST[:2], ["A", "A", "B"], [1, 1, 2]), {"post_max": [4, 1, 1]}, r"3 learners and post_items 2"),
        ((PRE, POST, ["A", "B"], [1, 1, 2]), {}, r"pre: 2 item outcomes for 3 item maxima"),
        (([[1, 0]], POST, ["A", "A", "B"], [1, 1, 2]), {}, r"row 0 has 2 values, expected 3"),
        ((PRE, POST, ["A", "A", "B"], [1, 1, 2]), {}, r"post_items\[0\]\[0\] = 4 is outside 0–1"),
        ((PRE, POST, ["A", "A", "B"], [1, 0, 2]), {}, r"pre item maxima\[1\] = 0"),
    ],
)
def test_bad_input_is_refused_clearly(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        competency_gains(*args, **kwargs)
