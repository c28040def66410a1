"""The report charts (issue 23, point 3): well-formed, accessible SVG whose marks sit where the figures say,
with every authored text escaped and an empty input drawn as a note, not an error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import Markup

from assessments.analytics import item_statistics, paired_gain
from assessments.reports.charts import (
    ChartText,
    ItemPoint,
    ScoreGroup,
    facility_vs_discrimination,
    gain_with_ci,
    pre_post_distribution,
    score_groups,
)
from assessments.reports.model import GroupFigures, ItemRow, LearnerPair

ROOT = Path(__file__).resolve().parents[4]
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & Co'


def parse(chart: Markup) -> ET.Element:
    assert isinstance(chart, Markup)
    return ET.fromstring(str(chart))  # noqa: S314 - our own output; raises on anything not well-formed


def desc(root: ET.Element) -> str:
    return root.find(f"{SVG}desc").text


def texts(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def group(label: str, pre: list[float], post: list[float], key: str | None = None) -> GroupFigures:
    return GroupFigures("cohort", key or label, label, len(pre), paired_gain(pre, post))


def by_data(root: ET.Element, attribute: str, value: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter() if attribute in e.attrib and (value is None or e.attrib[attribute] == value)]


def tick_x(root: ET.Element, label: str) -> float:
    """The x of the axis tick labelled ``label`` (tick labels are centred on their tick)."""
    for element in root.iter(f"{SVG}text"):
        if element.text == label and element.get("text-anchor") == "middle":
            return float(element.get("x"))
    raise AssertionError(f"no tick {label!r}")


GROUPS = [
    group("Cohort A", [20, 35, 40, 55, 60, 42], [60, 70, 75, 80, 90, 66]),
    group("Cohort B", [40, 50, 45, 60], [45, 53, 50, 62]),
    group("Cohort C", [50], [40]),
]
SCORES = [
    ScoreGroup("IPRC Kigali", [20, 40, 60, 80], [50, 60, 70, 90]),
    ScoreGroup("IPRC Huye", [10, 30], [20, 40]),
]
ITEMS = [
    ItemPoint(1, "Ohm's law", 0.50, 45.0),
    ItemPoint(2, "Safety first", 0.90, 10.0),
    ItemPoint(3, "Wiring colours", 0.40, -25.0),
    ItemPoint(4, "Everyone right", 1.00, None),
]


def all_charts() -> list[Markup]:
    return [pre_post_distribution(SCORES), gain_with_ci(GROUPS), facility_vs_discrimination(ITEMS)]


# -- every chart ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(3))
def test_a_chart_is_an_accessible_self_contained_image(index):
    chart = all_charts()[index]
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("width") == "100%"
    title, description = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text and description.text
    # The accessible name and description are the chart's own title and desc.
    assert root.get("aria-labelledby").split() == [title.get("id"), description.get("id")]
    # Nothing to run or fetch: a pasted or printed chart stands alone.
    assert "<script" not in chart and "href" not in chart and "<style" not in chart
    # Axis titles and tick labels are there.
    labels = texts(root)
    assert any(label in ("Score (%)", "Mean gain (percentage points)", "Facility (%)") for label in labels)
    assert "0" in labels


def test_each_chart_of_a_page_has_its_own_ids_and_a_given_id_is_used():
    ids = [parse(chart).get("id") for chart in all_charts()]
    assert len(set(ids)) == 3
    assert parse(pre_post_distribution(SCORES)).get("id") == ids[0]  # the same chart: the same id
    root = parse(gain_with_ci(GROUPS, chart_id="gain-by-cohort"))
    assert root.get("aria-labelledby") == "gain-by-cohort-title gain-by-cohort-desc"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast_on_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


@pytest.mark.parametrize("index", range(3))
def test_text_and_marks_contrast_with_white(index):
    root = parse(all_charts()[index])
    for element in root.iter(f"{SVG}text"):
        assert _contrast_on_white(element.get("fill")) >= 4.5, (element.text, element.get("fill"))
    marks = list(root.iter(f"{SVG}circle")) + list(root.iter(f"{SVG}polygon")) + by_data(root, "data-ci")
    marks += by_data(root, "data-median") + by_data(root, "data-box")
    assert marks
    for mark in marks:
        colour = mark.get("stroke") if mark.tag in (f"{SVG}line", f"{SVG}rect") else mark.get("fill")
        assert _contrast_on_white(colour) >= 3, (mark.tag, colour)


# -- 1. pre/post distribution ---------------------------------------------------------------------------


def test_the_distribution_describes_each_group_with_its_medians():
    root = parse(pre_post_distribution(SCORES))
    text = desc(root)
    assert "IPRC Kigali (n = 4): pre-test median 50.0 (middle half 35.0 to 65.0, lowest 20.0, highest 80.0)" in text
    assert "post-test median 65.0" in text
    assert "IPRC Huye (n = 2): pre-test median 20.0" in text
    assert "IPRC Kigali (n = 4)" in texts(root) and "Pre" in texts(root) and "Post" in texts(root)


def test_a_box_spans_its_quartiles_on_the_0_to_100_scale():
    root = parse(pre_post_distribution(SCORES))
    kigali = by_data(root, "data-group", "IPRC Kigali")[0]
    x0, x100 = tick_x(root, "0"), tick_x(root, "100")

    def at(score):
        return x0 + score / 100 * (x100 - x0)

    pre_box = by_data(kigali, "data-box", "pre")[0]
    assert float(pre_box.get("x")) == pytest.approx(at(35), abs=0.01)
    assert float(pre_box.get("x")) + float(pre_box.get("width")) == pytest.approx(at(65), abs=0.02)
    pre_median = float(by_data(kigali, "data-median", "pre")[0].get("x1"))
    post_median = float(by_data(kigali, "data-median", "post")[0].get("x1"))
    assert pre_median == pytest.approx(at(50), abs=0.01)
    assert post_median == pytest.approx(at(65), abs=0.01)


def test_score_groups_gathers_a_reports_learners_by_the_chosen_label():
    def learner(user_id, cohort, pre, post):
        return LearnerPair(user_id, f"L{user_id}", 1, cohort, None, "", "", "tvet", "2026-Q3", pre, post)

    pairs = [learner(1, "B", 10, 20), learner(2, "A", 30, 60), learner(3, "B", 40, 50)]
    groups = score_groups(pairs, lambda pair: pair.cohort_name)
    assert groups == [ScoreGroup("A", (30.0,), (60.0,)), ScoreGroup("B", (10.0, 40.0), (20.0, 50.0))]
    assert "B (n = 2)" in desc(parse(pre_post_distribution(groups)))


def test_a_group_without_learners_is_named_not_drawn():
    root = parse(pre_post_distribution([ScoreGroup("Cohort Z", [], []), *SCORES]))
    assert "Cohort Z (n = 0): no matched learners." in desc(root)
    assert not by_data(by_data(root, "data-group", "Cohort Z")[0], "data-box")


def test_a_score_outside_0_to_100_is_a_clear_error():
    with pytest.raises(ValueError, match="'Cohort A': post-test scores must be percentages from 0 to 100"):
        pre_post_distribution([ScoreGroup("Cohort A", [50], [120])])


# -- 2. mean gain with its confidence interval -----------------------------------------------------------


def test_the_gain_chart_describes_each_group_with_its_interval_and_n():
    root = parse(gain_with_ci(GROUPS))
    a = GROUPS[0].gain
    text = desc(root)
    assert f"Cohort A (n = 6): mean gain {a.mean_gain:.1f} points (95% CI {a.ci95[0]:.1f} to {a.ci95[1]:.1f})." in text
    assert "Cohort B (n = 4): mean gain 3.8 points (95% CI" in text
    assert "Cohort C (n = 1): mean gain -10.0 points (too few learners for a confidence interval)." in text
    labels = texts(root)
    assert {"Cohort A (n = 6)", "Cohort B (n = 4)", "Cohort C (n = 1)"} <= set(labels)


def test_a_limit_that_rounds_to_zero_reads_0_not_minus_0():
    nearly = group("Cohort N", [40, 50, 45, 60], [45, 52, 50, 61])
    assert -0.05 < nearly.gain.ci95[0] < 0
    text = desc(parse(gain_with_ci([nearly])))
    assert "(95% CI 0.0 to 6.5)" in text and "-0.0" not in text


def test_the_ci_bar_of_a_larger_gain_sits_further_along_the_axis_at_its_limits():
    root = parse(gain_with_ci(GROUPS))
    bar_a = by_data(by_data(root, "data-group", "Cohort A")[0], "data-ci")[0]
    bar_b = by_data(by_data(root, "data-group", "Cohort B")[0], "data-ci")[0]
    assert float(bar_a.get("x1")) > float(bar_b.get("x1"))
    assert float(bar_a.get("x2")) > float(bar_b.get("x2"))
    # The bar ends where its limits fall on the axis (ticks are every 10 points here).
    x0, x10 = tick_x(root, "0"), tick_x(root, "10")
    low, high = GROUPS[0].gain.ci95
    assert float(bar_a.get("x1")) == pytest.approx(x0 + low / 10 * (x10 - x0), abs=0.01)
    assert float(bar_a.get("x2")) == pytest.approx(x0 + high / 10 * (x10 - x0), abs=0.01)
    # The zero line is at 0; the mean-gain dot of A sits inside its bar.
    zero = by_data(root, "data-zero")[0]
    assert float(zero.get("x1")) == pytest.approx(x0, abs=0.01)
    dot = by_data(root, "data-group", "Cohort A")[0].find(f"{SVG}circle")
    assert float(bar_a.get("x1")) < float(dot.get("cx")) < float(bar_a.get("x2"))


def test_a_group_of_one_is_a_dot_without_bar_and_an_empty_group_has_neither():
    root = parse(gain_with_ci([*GROUPS, group("Cohort D", [], [])]))
    single = by_data(root, "data-group", "Cohort C")[0]
    assert single.find(f"{SVG}circle") is not None and not by_data(single, "data-ci")
    x0, x10 = tick_x(root, "0"), tick_x(root, "10")
    assert float(single.find(f"{SVG}circle").get("cx")) == pytest.approx(x0 - (x10 - x0), abs=0.01)  # -10
    empty = by_data(root, "data-group", "Cohort D")[0]
    assert empty.find(f"{SVG}circle") is None
    assert "Cohort D (n = 0): no matched learners." in desc(root)


def test_a_loss_extends_the_axis_below_zero():
    root = parse(gain_with_ci([group("Cohort L", [60, 70, 80], [40, 45, 65])]))
    assert float(by_data(root, "data-ci")[0].get("x2")) < float(by_data(root, "data-zero")[0].get("x1"))


# -- 3. facility against discrimination -------------------------------------------------------------------


def test_a_miskeyed_item_is_a_numbered_triangle_and_the_others_dots():
    root = parse(facility_vs_discrimination(ITEMS))
    miskeyed = by_data(root, "data-miskeyed")
    assert [element.get("data-item") for element in miskeyed] == ["3"]
    assert miskeyed[0].find(f"{SVG}polygon") is not None and miskeyed[0].find(f"{SVG}circle") is None
    assert [t.text for t in miskeyed[0].iter(f"{SVG}text")] == ["3"]
    for number in ("1", "2"):
        (point,) = by_data(root, "data-item", number)
        assert point.find(f"{SVG}circle") is not None and point.find(f"{SVG}polygon") is None
    assert "Negative discrimination, check the key: question 3 (Wiring colours)." in desc(root)


def test_items_sit_at_their_facility_and_discrimination():
    root = parse(facility_vs_discrimination(ITEMS))
    one = by_data(root, "data-item", "1")[0].find(f"{SVG}circle")
    two = by_data(root, "data-item", "2")[0].find(f"{SVG}circle")
    assert float(one.get("cx")) < float(two.get("cx"))  # facility 50 % left of 90 %
    assert float(one.get("cy")) < float(two.get("cy"))  # discrimination 45 above 10 (SVG y grows downwards)
    zero_line = by_data(root, "data-zero")[0]  # drawn because an item is below zero
    triangle = by_data(root, "data-item", "3")[0].find(f"{SVG}polygon")
    tip_y = max(float(pair.split(",")[1]) for pair in triangle.get("points").split())
    assert tip_y > float(zero_line.get("y1"))
    assert by_data(root, "data-band", "facility") and by_data(root, "data-band", "discrimination")
    assert "facility about right (35–64%)" in texts(root)
    assert "discrimination adequate or better (≥ 30%)" in texts(root)


def test_an_item_without_discrimination_is_left_out_and_said_so():
    root = parse(facility_vs_discrimination(ITEMS))
    assert not by_data(root, "data-item", "4")
    text = desc(root)
    assert "Questions charted: 3." in text
    assert "Not charted, discrimination undefined (every learner scored the same): question 4 (Everyone right)." in text


def test_item_rows_and_statistics_from_the_analytics_are_charted():
    marks = [[1, 0, 1], [1, 1, 1], [0, 0, 1], [1, 1, 1], [0, 1, 1]]
    analysis = item_statistics(marks, [1, 1, 1])
    rows = [
        ItemRow(10 + i, 20 + i, f"Question {i}", 5, stats, None, None, False) for i, stats in enumerate(analysis.items)
    ]
    root = parse(facility_vs_discrimination(rows))
    assert sorted(element.get("data-item") for element in by_data(root, "data-item")) == ["1", "2"]
    assert "question 3 (Question 2)" in desc(root)  # the constant third item, numbered by its position
    assert by_data(parse(facility_vs_discrimination(list(analysis.items))), "data-item", "1")
    with pytest.raises(TypeError):
        facility_vs_discrimination([{"facility": 0.5}])


def test_questions_all_without_discrimination_give_a_note_not_an_empty_plot():
    root = parse(facility_vs_discrimination([ItemPoint(1, "Constant", 1.0, None)]))
    assert "Nothing to chart yet." in texts(root)
    assert "question 1 (Constant)" in desc(root)


def test_a_point_says_which_question_it_is_in_its_tooltip():
    root = parse(facility_vs_discrimination([*ITEMS, ItemPoint(5, "", 0.3, 20.0)]))
    (one,) = by_data(root, "data-item", "1")
    assert one.find(f"{SVG}title").text == "question 1 (Ohm's law): facility 50.0%, discrimination 45.0%"
    (five,) = by_data(root, "data-item", "5")
    assert five.find(f"{SVG}title").text == "question 5: facility 30.0%, discrimination 20.0%"


# -- escaping, empty input, translation ----------------------------------------------------------------------


def test_hostile_labels_are_escaped_everywhere():
    charts = [
        pre_post_distribution([ScoreGroup(HOSTILE, [10, 20], [30, 40])]),
        gain_with_ci([group(HOSTILE, [10, 20, 30], [30, 45, 50], key='"><script>')]),
        facility_vs_discrimination([ItemPoint(1, HOSTILE, 0.5, -10.0), ItemPoint(2, "fine", 0.6, 40.0)]),
    ]
    for chart in charts:
        assert "<script" not in chart
        assert "&lt;script&gt;" in chart
        root = parse(chart)
        assert not [element for element in root.iter() if element.tag.endswith("script")]
        # The reader still gets the label as written, in the text alternative.
        assert HOSTILE in desc(root)


def test_lazy_translated_labels_are_resolved_and_still_escaped():
    # flask_babel's lazy strings carry __html__: escape() alone would let their text through as markup.
    from flask_babel.speaklater import LazyString

    lazy = LazyString(lambda: "<b>Score</b> (%)")
    root = parse(pre_post_distribution(SCORES, ChartText(score_axis=lazy)))
    assert "<b>Score</b> (%)" in texts(root)
    label = LazyString(lambda: "<i>Not given</i>")
    chart = pre_post_distribution([ScoreGroup(label, [10], [20])])
    assert "<i>" not in chart and "<i>Not given</i> (n = 1): pre-test median 10.0" in desc(parse(chart))


@pytest.mark.parametrize("chart", [pre_post_distribution, gain_with_ci, facility_vs_discrimination])
def test_empty_input_is_a_small_chart_saying_so(chart):
    root = parse(chart([]))
    assert desc(root) == "Nothing to chart yet."
    assert "Nothing to chart yet." in texts(root)
    assert root.find(f"{SVG}title").text


def test_translated_labels_and_numbers_are_used():
    french = ChartText(
        gain_title="Gain moyen et son intervalle de confiance à 95 %",
        gain_axis="Gain moyen (points de pourcentage)",
        group_with_n="%(label)s (n = %(n)s)",
        gain_value_with_ci="%(gain)s (%(low)s à %(high)s)",
        gain_with_ci="%(group)s : gain moyen de %(gain)s points (IC à 95 %% de %(low)s à %(high)s).",
        number=lambda value, digits: f"{value:.{digits}f}".replace(".", ","),
    )
    root = parse(gain_with_ci(GROUPS[:1], french))
    assert root.find(f"{SVG}title").text == "Gain moyen et son intervalle de confiance à 95 %"
    assert re.search(r"Cohort A \(n = 6\) : gain moyen de \d+,\d points \(IC à 95 % de \d+,\d à \d+,\d\)\.", desc(root))
    assert "Gain moyen (points de pourcentage)" in texts(root)


# -- pure ------------------------------------------------------------------------------------------------------


def test_the_charts_import_and_draw_without_flask_or_the_database():
    code = (
        "import sys\n"
        "from assessments.reports import charts\n"
        "charts.pre_post_distribution([charts.ScoreGroup('A', [10, 20], [30, 40])])\n"
        "loaded = sorted(m for m in ('flask', 'flask_babel', 'sqlalchemy', 'lms') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_these_tests_do_not_build_the_app(request):
    # The overrides in conftest.py keep the suite's autouse fixtures from asking for the app.
    assert "app" not in request.fixturenames
