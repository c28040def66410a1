"""The report charts as server-side SVG: pre/post score distributions, mean gain with its 95 % CI, and
facility against discrimination per item (issue 23, point 3).

Owns the three chart functions, their input shapes (:class:`ScoreGroup`, :class:`ItemPoint`) and the labels
they print (:class:`ChartText`); what they are drawn with (colours, scales, text, lines, the frame) is
``svg``'s. Each chart is one self-contained ``<svg>``
(``role="img"``, a ``<title>`` and a ``<desc>`` that says in words what the chart shows, presentation
attributes only, no script, no stylesheet, no font to load), so a programme officer can paste it into a
report or print it, and a screen reader reads the numbers.

**Pure.** No app, no request, no database: the functions take the report's shapes (``model.py``) and a
:class:`ChartText`, and return ``markupsafe.Markup``. The English defaults of :class:`ChartText` are plain
strings on purpose: a page builds a translated one with ``gettext`` (the templates use gettext's
``%(name)s`` placeholders and ``%%`` for a percent sign, so a translated copy drops straight in) and
passes a locale-aware ``number`` formatter (``flask_babel.format_decimal``).

**Layout.** Groups are rows, one under the other, with their label on a line of its own above them: long
cohort and institution names stay readable at phone width (``viewBox``, ``width: 100%``), and the chart
grows downwards with the number of groups instead of squeezing them. Colours pass WCAG AA against white
(text ≥ 4.5:1, marks ≥ 3:1) and never carry meaning alone: pre and post rows are tagged in words,
miskeyed items are triangles with their number beside them.

**Escaping.** Every text that reaches the SVG, authored (cohort names, question titles) or not, goes
through ``markupsafe.escape`` exactly once, at the point it is written, after ``str``: labels may be lazy
gettext strings, which ``escape`` alone would take for safe markup.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace

from markupsafe import Markup

from assessments.analytics import ItemStatistics
from assessments.reports import svg
from assessments.reports.model import GroupFigures, ItemRow, LearnerPair
from assessments.reports.svg import (
    AXIS,
    BAND_DISCRIMINATION,
    BAND_FACILITY,
    CHAR_WIDTH,
    GRID,
    HALO,
    MISKEYED,
    POST,
    POST_FILL,
    PRE,
    WIDTH,
)

# Moodle's guides drawn on the item chart (assessments.analytics.bands): facility 35–64 % "about right"
# (to 65, where the next band starts), discrimination index from 30 % "adequate" and better.
FACILITY_ABOUT_RIGHT = (35.0, 65.0)
DISCRIMINATION_ADEQUATE = 30.0


def _one_decimal(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}"


@dataclass(frozen=True)
class ChartText:
    """Everything the charts print, in English by default. A page passes translated copies (``gettext``
    of the same strings). As with gettext, a string with placeholders (``%(name)s``) is a template, where
    a percent sign is written ``%%``; a string without is printed as it is. ``number(value, digits)``
    formats every figure (a page passes a locale-aware one: a decimal comma in French)."""

    nothing_to_chart: str = "Nothing to chart yet."
    no_pairs: str = "no matched learners"
    group_with_n: str = "%(label)s (n = %(n)s)"
    # Pre/post distribution.
    distribution_title: str = "Pre-test and post-test scores"
    score_axis: str = "Score (%)"
    pre: str = "Pre"
    post: str = "Post"
    pre_legend: str = "Pre-test"
    post_legend: str = "Post-test"
    distribution_key: str = "Box: middle half of the learners; line: median; whiskers: lowest to highest."
    distribution_group: str = (
        "%(group)s: pre-test median %(pre_median)s (middle half %(pre_q1)s to %(pre_q3)s, lowest %(pre_min)s, "
        "highest %(pre_max)s); post-test median %(post_median)s (middle half %(post_q1)s to %(post_q3)s, "
        "lowest %(post_min)s, highest %(post_max)s)."
    )
    distribution_group_empty: str = "%(group)s: no matched learners."
    # Mean gain with its confidence interval.
    gain_title: str = "Mean gain with its confidence interval (95%)"
    gain_axis: str = "Mean gain (percentage points)"
    gain_key: str = "Dot: mean gain; bar: confidence interval (95%); dashed line: no gain."
    gain_value_with_ci: str = "%(gain)s (%(low)s to %(high)s)"
    gain_with_ci: str = "%(group)s: mean gain %(gain)s points (95%% CI %(low)s to %(high)s)."
    gain_without_ci: str = "%(group)s: mean gain %(gain)s points (too few learners for a confidence interval)."
    gain_no_pairs: str = "%(group)s: no matched learners."
    # Facility against discrimination.
    items_title: str = "Questions: facility and discrimination"
    facility_axis: str = "Facility (%)"
    discrimination_axis: str = "Discrimination index (%)"
    item_legend: str = "Question"
    miskeyed_legend: str = "Negative discrimination: check the key"
    facility_band: str = "facility about right (35–64%)"
    discrimination_band: str = "discrimination adequate or better (≥ 30%)"
    item_ref: str = "question %(number)s (%(label)s)"
    item_number: str = "question %(number)s"  # an item without a label (ItemStatistics)
    item_point: str = "%(item)s: facility %(facility)s%%, discrimination %(discrimination)s%%"
    items_summary: str = (
        "Questions charted: %(charted)s. Facility about right (35–64%%): %(about_right)s. "
        "Discrimination adequate or better (30%% or more): %(adequate)s."
    )
    items_miskeyed: str = "Negative discrimination, check the key: %(items)s."
    items_omitted: str = "Not charted, discrimination undefined (every learner scored the same): %(items)s."
    number: Callable[[float, int], str] = _one_decimal


# -- inputs ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreGroup:
    """One group's matched learners for the distribution chart: pre and post scores in percent (0–100)."""

    label: str
    pre: Sequence[float]
    post: Sequence[float]


def score_groups(pairs: Iterable[LearnerPair], label: Callable[[LearnerPair], str]) -> list[ScoreGroup]:
    """The learners of a gain report grouped for :func:`pre_post_distribution`, one group per distinct
    ``label(pair)`` (e.g. ``lambda p: p.cohort_name``; the page's words for a blank gender), in the
    order of the labels (periods such as "2026-Q3" come out in time order)."""
    grouped: dict[str, tuple[list[float], list[float]]] = {}
    for pair in pairs:
        pre, post = grouped.setdefault(label(pair), ([], []))
        pre.append(pair.pre)
        post.append(pair.post)
    return [ScoreGroup(name, tuple(pre), tuple(post)) for name, (pre, post) in sorted(grouped.items())]


@dataclass(frozen=True)
class ItemPoint:
    """One question on the item chart: ``number`` as the page's table numbers it, ``facility`` a fraction
    (0–1, as :class:`ItemStatistics`), ``discrimination`` the index in percent (None: undefined)."""

    number: int
    label: str
    facility: float | None
    discrimination: float | None


def _item_point(position: int, item: ItemPoint | ItemRow | ItemStatistics) -> ItemPoint:
    if isinstance(item, ItemPoint):
        return item
    if isinstance(item, ItemRow):
        return ItemPoint(position, item.label, item.statistics.facility, item.statistics.discrimination_index)
    if isinstance(item, ItemStatistics):
        return ItemPoint(item.index + 1, "", item.facility, item.discrimination_index)
    raise TypeError(f"an item must be an ItemRow, ItemStatistics or ItemPoint, not {type(item).__name__}")


# -- drawing helpers -------------------------------------------------------------------------------------


def _numbers(text: ChartText) -> Callable[[float, int], str]:
    """The page's number formatter, fed values already rounded to the digits shown, so that a small
    negative (a CI's lower end at -0.04) reads 0.0, not -0.0."""
    return lambda value, digits: text.number(round(value, digits) + 0.0, digits)


def _plain(text: ChartText) -> ChartText:
    """The labels as plain strings, resolved once (lazy gettext strings resolve in the current locale)."""
    return replace(text, **{f.name: str(getattr(text, f.name)) for f in fields(text) if f.name != "number"})


def _say(template: str, **values: object) -> str:
    """A ChartText template filled in (gettext's %-style); the caller escapes the result once."""
    return template % values


def _empty(kind: str, title: str, text: ChartText, chart_id: str | None) -> Markup:
    body = [svg.text(WIDTH / 2, 62, text.nothing_to_chart, anchor="middle")]
    return svg.frame(kind, title, text.nothing_to_chart, 84, body, chart_id)


# -- 1. pre/post distributions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _FiveNumbers:
    low: float
    q1: float
    median: float
    q3: float
    high: float


def _five_numbers(scores: Sequence[float]) -> _FiveNumbers:
    values = sorted(scores)
    if len(values) == 1:
        q1 = median = q3 = values[0]
    else:  # 'inclusive': numpy's default (linear) percentiles, the usual reading of a box plot
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return _FiveNumbers(values[0], q1, median, q3, values[-1])


def _scores(group: ScoreGroup) -> tuple[list[float], list[float]]:
    checked = []
    for name, values in (("pre", group.pre), ("post", group.post)):
        numbers = [float(value) for value in values]
        if any(not 0 <= value <= 100 for value in numbers):  # also catches NaN
            raise ValueError(f"{group.label!r}: {name}-test scores must be percentages from 0 to 100")
        checked.append(numbers)
    return checked[0], checked[1]


def pre_post_distribution(
    groups: Sequence[ScoreGroup], text: ChartText = ChartText(), chart_id: str | None = None
) -> Markup:
    """Box plots of each group's pre-test and post-test scores (0–100 %), pre above post, one group under
    the other. Build ``groups`` from a report's learners with :func:`score_groups`."""
    text = _plain(text)
    if not groups:
        return _empty("distribution", text.distribution_title, text, chart_id)
    number = _numbers(text)
    left, right, tag_width = 12, WIDTH - 18, 44
    scale = svg.fixed_scale(0, 100, 20, left + tag_width, right)
    legend_y = 48
    key_lines, top = svg.wrapped(left, legend_y + 20, text.distribution_key, right - left)
    body: list[str] = []
    sentences: list[str] = []
    y = top + 14
    rows: list[str] = []
    for group in groups:
        pre, post = _scores(group)
        n = max(len(pre), len(post))
        heading = _say(text.group_with_n, label=group.label, n=n)
        rows.append(f'<g data-group="{svg.escaped(group.label)}"><title>{svg.escaped(heading)}</title>')
        rows.append(svg.text(left, y, svg.fit(heading, right - left), font_weight="600", **HALO))
        if not pre and not post:
            rows.append(svg.text(left + tag_width, y + 20, text.no_pairs))
            sentences.append(_say(text.distribution_group_empty, group=heading))
            rows.append("</g>")
            y += 44
            continue
        figures = {}
        for offset, (name, scores, stroke, fill, tag) in enumerate(
            (("pre", pre, PRE, "#ffffff", text.pre), ("post", post, POST, POST_FILL, text.post))
        ):
            row_y = y + 16 + offset * 22  # centre of this box
            rows.append(svg.text(left, row_y + 4.5, tag, size=12))
            if not scores:
                rows.append(svg.text(scale.start, row_y + 4.5, text.no_pairs, size=12))
                continue
            five = _five_numbers(scores)
            figures.update({f"{name}_{key}": number(value, 1) for key, value in vars(five).items()})
            x = {key: scale(value) for key, value in vars(five).items()}
            rows.append(svg.line(x["low"], row_y, x["q1"], row_y, stroke, 1.5))
            rows.append(svg.line(x["q3"], row_y, x["high"], row_y, stroke, 1.5))
            for end in (x["low"], x["high"]):
                rows.append(svg.line(end, row_y - 5, end, row_y + 5, stroke, 1.5))
            rows.append(
                f'<rect x="{svg.coord(x["q1"])}" y="{svg.coord(row_y - 8)}" '
                f'width="{svg.coord(max(x["q3"] - x["q1"], 1))}" height="16" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.5" data-box="{name}"/>'
            )
            rows.append(svg.line(x["median"], row_y - 8, x["median"], row_y + 8, stroke, 3.5, data_median=name))
        for name in ("pre", "post"):  # a side with no scores reads as a dash
            for key in ("low", "q1", "median", "q3", "high"):
                figures.setdefault(f"{name}_{key}", "–")
        figures = {key.replace("_low", "_min").replace("_high", "_max"): value for key, value in figures.items()}
        sentences.append(_say(text.distribution_group, group=heading, **figures))
        rows.append("</g>")
        y += 66
    axis_y = y - 10
    body.append(svg.legend_box(left, legend_y, PRE, "#ffffff", text.pre_legend))
    body.append(svg.legend_box(left + 120, legend_y, POST, POST_FILL, text.post_legend))
    body.extend(key_lines)
    body.extend(svg.x_axis(scale, axis_y, top, text.score_axis, number))
    body.extend(rows)
    return svg.frame("distribution", text.distribution_title, " ".join(sentences), axis_y + 52, body, chart_id)


# -- 2. mean gain with its confidence interval -----------------------------------------------------------


def gain_with_ci(groups: Sequence[GroupFigures], text: ChartText = ChartText(), chart_id: str | None = None) -> Markup:
    """Each group's mean gain (post − pre, percentage points) as a dot with its 95 % confidence interval
    as a bar, against a dashed zero line; a group with fewer than two learners (no interval) is a dot
    alone, a group with none is named and left empty. The label gives each group's n."""
    text = _plain(text)
    if not groups:
        return _empty("gain", text.gain_title, text, chart_id)
    number = _numbers(text)
    left, right = 12, WIDTH - 18
    values = [0.0]
    for group in groups:
        if group.gain.mean_gain is not None:
            values.append(group.gain.mean_gain)
        if group.gain.ci95 is not None:
            values.extend(group.gain.ci95)
    scale = svg.nice_scale(min(values), max(values), left + 8, right - 8)
    key, top = svg.wrapped(left, 48, text.gain_key, right - left)
    rows: list[str] = []
    sentences: list[str] = []
    y = top + 14
    for group in groups:
        gain = group.gain
        heading = _say(text.group_with_n, label=group.label, n=gain.n)
        centre = y + 16
        if gain.mean_gain is None:
            value, sentence = text.no_pairs, _say(text.gain_no_pairs, group=heading)
            marks = []
        elif gain.ci95 is None:
            value = number(gain.mean_gain, 1)
            sentence = _say(text.gain_without_ci, group=heading, gain=value)
            marks = [svg.dot(scale(gain.mean_gain), centre)]
        else:
            low, high = gain.ci95
            figures = {"gain": number(gain.mean_gain, 1), "low": number(low, 1), "high": number(high, 1)}
            value = _say(text.gain_value_with_ci, **figures)
            sentence = _say(text.gain_with_ci, group=heading, **figures)
            x_low, x_high = scale(low), scale(high)
            marks = [
                svg.line(x_low, centre, x_high, centre, POST, 2.5, data_ci="bar"),
                svg.line(x_low, centre - 7, x_low, centre + 7, POST, 2.5),
                svg.line(x_high, centre - 7, x_high, centre + 7, POST, 2.5),
                svg.dot(scale(gain.mean_gain), centre),
            ]
        sentences.append(sentence)
        value_room = len(value) * CHAR_WIDTH + 12
        rows.append(f'<g data-group="{svg.escaped(group.key)}"><title>{svg.escaped(sentence)}</title>')
        rows.append(svg.text(left, y, svg.fit(heading, right - left - value_room), font_weight="600", **HALO))
        rows.append(svg.text(right, y, value, anchor="end", **HALO))
        rows.extend(marks)
        rows.append("</g>")
        y += 46
    axis_y = y - 6
    zero = scale(0)
    body = key
    body.extend(svg.x_axis(scale, axis_y, top, text.gain_axis, number))
    body.append(svg.line(zero, top, zero, axis_y, AXIS, 1.5, stroke_dasharray="5 4", data_zero="line"))
    body.extend(rows)
    return svg.frame("gain", text.gain_title, " ".join(sentences), axis_y + 52, body, chart_id)


# -- 3. facility against discrimination ------------------------------------------------------------------


def facility_vs_discrimination(
    items: Sequence[ItemRow | ItemStatistics | ItemPoint], text: ChartText = ChartText(), chart_id: str | None = None
) -> Markup:
    """Each question as a point: facility (0–100 %) across, discrimination index (percent, negative for an
    item that works against the test) up, over Moodle's guide bands. Negative discrimination (check the
    key) is a red triangle with the question's number. Questions with no discrimination index (a constant
    item) cannot be placed: they are left out and named in the description. ``ItemRow`` items are
    numbered by their position (1, 2 …), as the item table numbers them."""
    text = _plain(text)
    points = [_item_point(position, item) for position, item in enumerate(items, start=1)]
    title = text.items_title
    if not points:
        return _empty("items", title, text, chart_id)
    number = _numbers(text)
    charted = [p for p in points if p.facility is not None and p.discrimination is not None]
    omitted = [p for p in points if p.facility is None or p.discrimination is None]
    if not charted:
        body = [svg.text(WIDTH / 2, 62, text.nothing_to_chart, anchor="middle")]
        desc = " ".join([text.nothing_to_chart, _omitted_sentence(omitted, text)])
        return svg.frame("items", title, desc, 84, body, chart_id)

    left, right, top, bottom = 58, WIDTH - 18, 102, 382
    x_scale = svg.fixed_scale(0, 100, 20, left, right)
    lowest = min(p.discrimination for p in charted)
    y_lo = min(0.0, math.floor(max(lowest, -100) / 20) * 20)
    y_scale = svg.fixed_scale(y_lo, 100, 20, bottom, top)

    def x(p: ItemPoint) -> float:  # facility past 0–1 (penalties, bonus marks) is drawn at the edge
        return x_scale(min(max(100 * p.facility, 0), 100))

    def y(p: ItemPoint) -> float:
        return y_scale(min(max(p.discrimination, y_lo), 100))

    body = [
        f'<circle cx="{left + 6}" cy="44" r="4.5" fill="{POST}"/>',
        svg.text(left + 16, 48, text.item_legend),
        svg.triangle(left + 6, 63, MISKEYED),
        svg.text(left + 16, 67, text.miskeyed_legend),
    ]
    band_lo, band_hi = (x_scale(v) for v in FACILITY_ABOUT_RIGHT)
    band_top = y_scale(DISCRIMINATION_ADEQUATE)
    body.append(
        f'<rect x="{svg.coord(band_lo)}" y="{top}" width="{svg.coord(band_hi - band_lo)}" height="{bottom - top}" '
        f'fill="{BAND_FACILITY}" data-band="facility"/>'
    )
    body.append(
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{svg.coord(band_top - top)}" '
        f'fill="{BAND_DISCRIMINATION}" fill-opacity="0.6" data-band="discrimination"/>'
    )
    body.append(svg.text((band_lo + band_hi) / 2, top - 6, text.facility_band, anchor="middle", size=11))
    # At the top of its band, where items are rare (few discriminate above 90 %), not on the 30 % line
    # where they crowd; its halo keeps it legible over grid lines.
    body.append(svg.text(right - 4, top + 14, text.discrimination_band, anchor="end", size=11, **HALO))
    # Axes: x along the bottom, y up the left, grid lines for both, a dashed zero line when it is inside.
    for tick in y_scale.ticks:
        ty = y_scale(tick)
        body.append(svg.line(left, ty, right, ty, GRID))
        body.append(svg.line(left - 5, ty, left, ty))
        body.append(svg.text(left - 8, ty + 4.5, number(tick, 0), anchor="end"))
    if y_lo < 0:
        body.append(svg.line(left, y_scale(0), right, y_scale(0), AXIS, 1.2, stroke_dasharray="5 4", data_zero="line"))
    body.append(svg.line(left, top, left, bottom))
    body.append(
        svg.text(16, (top + bottom) / 2, text.discrimination_axis, anchor="middle", font_weight="600",
              transform=f"rotate(-90 16 {svg.coord((top + bottom) / 2)})")
    )  # fmt: skip
    body.extend(svg.x_axis(x_scale, bottom, top, text.facility_axis, number))

    for p in sorted(charted, key=lambda p: p.discrimination < 0):  # the miskeyed drawn last, on top
        point = _say(
            text.item_point,
            item=_ref(p, text),
            facility=number(100 * p.facility, 1),
            discrimination=number(p.discrimination, 1),
        )
        if p.discrimination < 0:
            body.append(
                f'<g data-item="{p.number}" data-miskeyed="true"><title>{svg.escaped(point)}</title>'
                f"{svg.triangle(x(p), y(p), MISKEYED)}"
                f"{svg.text(x(p) + 8, y(p) + 4.5, str(p.number), font_weight='700', fill=MISKEYED)}</g>"
            )
        else:
            body.append(
                f'<g data-item="{p.number}"><title>{svg.escaped(point)}</title>'
                f'<circle cx="{svg.coord(x(p))}" cy="{svg.coord(y(p))}" r="4.5" fill="{POST}" '
                f'stroke="#ffffff" stroke-width="1"/></g>'
            )

    about_right = sum(FACILITY_ABOUT_RIGHT[0] <= 100 * p.facility < FACILITY_ABOUT_RIGHT[1] for p in charted)
    adequate = sum(p.discrimination >= DISCRIMINATION_ADEQUATE for p in charted)
    sentences = [_say(text.items_summary, charted=len(charted), about_right=about_right, adequate=adequate)]
    miskeyed = [p for p in charted if p.discrimination < 0]
    if miskeyed:
        sentences.append(_say(text.items_miskeyed, items=_refs(miskeyed, text)))
    if omitted:
        sentences.append(_omitted_sentence(omitted, text))
    return svg.frame("items", title, " ".join(sentences), bottom + 52, body, chart_id)


def _ref(point: ItemPoint, text: ChartText) -> str:
    if point.label:
        return _say(text.item_ref, number=point.number, label=point.label)
    return _say(text.item_number, number=point.number)


def _refs(points: Sequence[ItemPoint], text: ChartText) -> str:
    return ", ".join(_ref(point, text) for point in points)


def _omitted_sentence(points: Sequence[ItemPoint], text: ChartText) -> str:
    return _say(text.items_omitted, items=_refs(points, text))


__all__ = [
    "ChartText",
    "ItemPoint",
    "ScoreGroup",
    "facility_vs_discrimination",
    "gain_with_ci",
    "pre_post_distribution",
    "score_groups",
]
