"""The report charts as server-side SVG: pre/post score distributions, mean gain with its 95 % CI, and
facility against discrimination per item (issue 23, point 3).

Owns the three chart functions, their input shapes (:class:`ScoreGroup`, :class:`ItemPoint`), the labels
they print (:class:`ChartText`) and the small drawing helpers. Each chart is one self-contained ``<svg>``
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

import hashlib
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace

from markupsafe import Markup, escape

from assessments.analytics import ItemStatistics
from assessments.reports.model import GroupFigures, ItemRow, LearnerPair

# Colours, with their contrast against white (WCAG 2.x relative luminance).
INK = "#1f2937"  # text, 14.7:1
AXIS = "#374151"  # axis lines and ticks, 10.3:1
GRID = "#e5e7eb"  # decorative grid lines (not information)
PRE = "#4b5563"  # pre-test boxes, 7.6:1
POST = "#1d4ed8"  # post-test boxes, gain points, items, 6.7:1
POST_FILL = "#bfdbfe"
MISKEYED = "#b91c1c"  # negative discrimination: marks and their numbers, 6.5:1
BAND_FACILITY = "#e0e7ff"  # background bands: guides, not marks
BAND_DISCRIMINATION = "#d1fae5"
# A white outline behind a label, so a grid or zero line running under it does not cross out its letters.
HALO = {"paint_order": "stroke", "stroke": "#ffffff", "stroke_width": "3", "stroke_linejoin": "round"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

WIDTH = 420  # viewBox width; the SVG scales to its container
FONT_SIZE = 13
TITLE_SIZE = 15
CHAR_WIDTH = 0.56 * FONT_SIZE  # average advance of a character, to decide when a label must be shortened

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


@dataclass(frozen=True)
class _Scale:
    """Linear map from a domain (figures) to a range (viewBox units), with its tick values."""

    lo: float
    hi: float
    start: float
    end: float
    ticks: tuple[float, ...]
    digits: int  # decimals the tick labels need

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def _nice_scale(lo: float, hi: float, start: float, end: float, count: int = 5) -> _Scale:
    """A scale over [lo, hi] widened to round ticks (steps of 1, 2, 2.5 or 5 × 10^k)."""
    if hi <= lo:  # one value: a window of ±1 around it
        lo, hi = lo - 1, hi + 1
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    ticks = tuple(round(first + i * step, 10) for i in range(round((last - first) / step) + 1))
    digits = len(f"{step:.10g}".partition(".")[2])  # as many decimals as the step has
    return _Scale(first, last, start, end, ticks, digits)


def _fixed_scale(lo: float, hi: float, step: float, start: float, end: float) -> _Scale:
    ticks = tuple(lo + i * step for i in range(round((hi - lo) / step) + 1))
    return _Scale(lo, hi, start, end, ticks, 0)


def _numbers(text: ChartText) -> Callable[[float, int], str]:
    """The page's number formatter, fed values already rounded to the digits shown, so that a small
    negative (a CI's lower end at -0.04) reads 0.0, not -0.0."""
    return lambda value, digits: text.number(round(value, digits) + 0.0, digits)


def _e(value: object) -> Markup:
    """Escaped text. Through ``str`` first: a lazy gettext string (or any object with ``__html__``) would
    otherwise pass through ``escape`` as if it were already safe markup."""
    return escape(str(value))


def _plain(text: ChartText) -> ChartText:
    """The labels as plain strings, resolved once (lazy gettext strings resolve in the current locale)."""
    return replace(text, **{f.name: str(getattr(text, f.name)) for f in fields(text) if f.name != "number"})


def _f(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _say(template: str, **values: object) -> str:
    """A ChartText template filled in (gettext's %-style); the caller escapes the result once."""
    return template % values


def _text(
    x: float, y: float, content: str, *, anchor: str = "start", size: int = FONT_SIZE, fill: str = INK, **attributes
) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{_e(value)}"' for name, value in attributes.items())
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{_e(content)}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str = AXIS, width: float = 1, **attributes) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{_e(value)}"' for name, value in attributes.items())
    return (
        f'<line x1="{_f(x1)}" y1="{_f(y1)}" x2="{_f(x2)}" y2="{_f(y2)}" stroke="{colour}" '
        f'stroke-width="{_f(width)}"{extra}/>'
    )


def _fit(label: str, width: float) -> str:
    """The label, shortened with an ellipsis when it would run past ``width`` viewBox units."""
    room = max(4, int(width / CHAR_WIDTH))
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _wrapped(x: float, y: float, content: str, width: float, size: int = 11) -> tuple[list[str], float]:
    """A note broken into lines that fit ``width`` (word by word), and the baseline after its last line."""
    room = max(8, int(width / (CHAR_WIDTH * size / FONT_SIZE)))
    lines: list[str] = []
    for word in content.split():
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    parts = [_text(x, y + i * (size + 4), line, size=size) for i, line in enumerate(lines)]
    return parts, y + len(lines) * (size + 4)


def _x_axis(scale: _Scale, y: float, top: float, title: str, number: Callable[[float, int], str]) -> list[str]:
    """Grid lines from ``top`` down to the axis at ``y``, the axis, its ticks, their labels and its title."""
    parts = []
    for tick in scale.ticks:
        x = scale(tick)
        parts.append(_line(x, top, x, y, GRID))
        parts.append(_line(x, y, x, y + 5))
        parts.append(_text(x, y + 19, number(tick, scale.digits), anchor="middle"))
    parts.append(_line(scale.start, y, scale.end, y))
    parts.append(_text((scale.start + scale.end) / 2, y + 40, title, anchor="middle", font_weight="600"))
    return parts


def _svg(kind: str, title: str, desc: str, height: float, body: Sequence[str], chart_id: str | None) -> Markup:
    """The chart's frame: an accessible image named by its title and described by its desc."""
    if chart_id is None:  # stable across renders, distinct for different charts on one page
        chart_id = f"chart-{kind}-{hashlib.sha1((title + desc).encode()).hexdigest()[:10]}"  # noqa: S324 (an id)
    ident = _e(chart_id)
    return Markup(  # noqa: S704 - every text and attribute value below is escaped where it is written
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'id="{ident}" viewBox="0 0 {WIDTH} {_f(height)}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'style="max-width: 40rem; height: auto; display: block" font-family="{_e(FONT)}">'
        f'<title id="{ident}-title">{_e(title)}</title>'
        f'<desc id="{ident}-desc">{_e(desc)}</desc>'
        f'<rect width="{WIDTH}" height="{_f(height)}" fill="#ffffff"/>'
        f"{_text(WIDTH / 2, 22, title, anchor='middle', size=TITLE_SIZE, font_weight='700')}"
        f"{''.join(body)}</svg>"
    )


def _empty(kind: str, title: str, text: ChartText, chart_id: str | None) -> Markup:
    body = [_text(WIDTH / 2, 62, text.nothing_to_chart, anchor="middle")]
    return _svg(kind, title, text.nothing_to_chart, 84, body, chart_id)


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
    scale = _fixed_scale(0, 100, 20, left + tag_width, right)
    legend_y = 48
    key_lines, top = _wrapped(left, legend_y + 20, text.distribution_key, right - left)
    body: list[str] = []
    sentences: list[str] = []
    y = top + 14
    rows: list[str] = []
    for group in groups:
        pre, post = _scores(group)
        n = max(len(pre), len(post))
        heading = _say(text.group_with_n, label=group.label, n=n)
        rows.append(f'<g data-group="{_e(group.label)}"><title>{_e(heading)}</title>')
        rows.append(_text(left, y, _fit(heading, right - left), font_weight="600", **HALO))
        if not pre and not post:
            rows.append(_text(left + tag_width, y + 20, text.no_pairs))
            sentences.append(_say(text.distribution_group_empty, group=heading))
            rows.append("</g>")
            y += 44
            continue
        figures = {}
        for offset, (name, scores, stroke, fill, tag) in enumerate(
            (("pre", pre, PRE, "#ffffff", text.pre), ("post", post, POST, POST_FILL, text.post))
        ):
            row_y = y + 16 + offset * 22  # centre of this box
            rows.append(_text(left, row_y + 4.5, tag, size=12))
            if not scores:
                rows.append(_text(scale.start, row_y + 4.5, text.no_pairs, size=12))
                continue
            five = _five_numbers(scores)
            figures.update({f"{name}_{key}": number(value, 1) for key, value in vars(five).items()})
            x = {key: scale(value) for key, value in vars(five).items()}
            rows.append(_line(x["low"], row_y, x["q1"], row_y, stroke, 1.5))
            rows.append(_line(x["q3"], row_y, x["high"], row_y, stroke, 1.5))
            for end in (x["low"], x["high"]):
                rows.append(_line(end, row_y - 5, end, row_y + 5, stroke, 1.5))
            rows.append(
                f'<rect x="{_f(x["q1"])}" y="{_f(row_y - 8)}" width="{_f(max(x["q3"] - x["q1"], 1))}" height="16" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.5" data-box="{name}"/>'
            )
            rows.append(_line(x["median"], row_y - 8, x["median"], row_y + 8, stroke, 3.5, data_median=name))
        for name in ("pre", "post"):  # a side with no scores reads as a dash
            for key in ("low", "q1", "median", "q3", "high"):
                figures.setdefault(f"{name}_{key}", "–")
        figures = {key.replace("_low", "_min").replace("_high", "_max"): value for key, value in figures.items()}
        sentences.append(_say(text.distribution_group, group=heading, **figures))
        rows.append("</g>")
        y += 66
    axis_y = y - 10
    body.append(_legend_box(left, legend_y, PRE, "#ffffff", text.pre_legend))
    body.append(_legend_box(left + 120, legend_y, POST, POST_FILL, text.post_legend))
    body.extend(key_lines)
    body.extend(_x_axis(scale, axis_y, top, text.score_axis, number))
    body.extend(rows)
    return _svg("distribution", text.distribution_title, " ".join(sentences), axis_y + 52, body, chart_id)


def _legend_box(x: float, y: float, stroke: str, fill: str, label: str) -> str:
    return (
        f'<rect x="{_f(x)}" y="{_f(y - 10)}" width="22" height="12" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="1.5"/>{_text(x + 28, y, label)}'
    )


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
    scale = _nice_scale(min(values), max(values), left + 8, right - 8)
    key, top = _wrapped(left, 48, text.gain_key, right - left)
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
            marks = [_dot(scale(gain.mean_gain), centre)]
        else:
            low, high = gain.ci95
            figures = {"gain": number(gain.mean_gain, 1), "low": number(low, 1), "high": number(high, 1)}
            value = _say(text.gain_value_with_ci, **figures)
            sentence = _say(text.gain_with_ci, group=heading, **figures)
            x_low, x_high = scale(low), scale(high)
            marks = [
                _line(x_low, centre, x_high, centre, POST, 2.5, data_ci="bar"),
                _line(x_low, centre - 7, x_low, centre + 7, POST, 2.5),
                _line(x_high, centre - 7, x_high, centre + 7, POST, 2.5),
                _dot(scale(gain.mean_gain), centre),
            ]
        sentences.append(sentence)
        value_room = len(value) * CHAR_WIDTH + 12
        rows.append(f'<g data-group="{_e(group.key)}"><title>{_e(sentence)}</title>')
        rows.append(_text(left, y, _fit(heading, right - left - value_room), font_weight="600", **HALO))
        rows.append(_text(right, y, value, anchor="end", **HALO))
        rows.extend(marks)
        rows.append("</g>")
        y += 46
    axis_y = y - 6
    zero = scale(0)
    body = key
    body.extend(_x_axis(scale, axis_y, top, text.gain_axis, number))
    body.append(_line(zero, top, zero, axis_y, AXIS, 1.5, stroke_dasharray="5 4", data_zero="line"))
    body.extend(rows)
    return _svg("gain", text.gain_title, " ".join(sentences), axis_y + 52, body, chart_id)


def _dot(x: float, y: float, colour: str = POST) -> str:
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="5.5" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>'


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
        body = [_text(WIDTH / 2, 62, text.nothing_to_chart, anchor="middle")]
        desc = " ".join([text.nothing_to_chart, _omitted_sentence(omitted, text)])
        return _svg("items", title, desc, 84, body, chart_id)

    left, right, top, bottom = 58, WIDTH - 18, 102, 382
    x_scale = _fixed_scale(0, 100, 20, left, right)
    lowest = min(p.discrimination for p in charted)
    y_lo = min(0.0, math.floor(max(lowest, -100) / 20) * 20)
    y_scale = _fixed_scale(y_lo, 100, 20, bottom, top)

    def x(p: ItemPoint) -> float:  # facility past 0–1 (penalties, bonus marks) is drawn at the edge
        return x_scale(min(max(100 * p.facility, 0), 100))

    def y(p: ItemPoint) -> float:
        return y_scale(min(max(p.discrimination, y_lo), 100))

    body = [
        f'<circle cx="{left + 6}" cy="44" r="4.5" fill="{POST}"/>',
        _text(left + 16, 48, text.item_legend),
        _triangle(left + 6, 63, MISKEYED),
        _text(left + 16, 67, text.miskeyed_legend),
    ]
    band_lo, band_hi = (x_scale(v) for v in FACILITY_ABOUT_RIGHT)
    band_top = y_scale(DISCRIMINATION_ADEQUATE)
    body.append(
        f'<rect x="{_f(band_lo)}" y="{top}" width="{_f(band_hi - band_lo)}" height="{bottom - top}" '
        f'fill="{BAND_FACILITY}" data-band="facility"/>'
    )
    body.append(
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{_f(band_top - top)}" '
        f'fill="{BAND_DISCRIMINATION}" fill-opacity="0.6" data-band="discrimination"/>'
    )
    body.append(_text((band_lo + band_hi) / 2, top - 6, text.facility_band, anchor="middle", size=11))
    # At the top of its band, where items are rare (few discriminate above 90 %), not on the 30 % line
    # where they crowd; its halo keeps it legible over grid lines.
    body.append(_text(right - 4, top + 14, text.discrimination_band, anchor="end", size=11, **HALO))
    # Axes: x along the bottom, y up the left, grid lines for both, a dashed zero line when it is inside.
    for tick in y_scale.ticks:
        ty = y_scale(tick)
        body.append(_line(left, ty, right, ty, GRID))
        body.append(_line(left - 5, ty, left, ty))
        body.append(_text(left - 8, ty + 4.5, number(tick, 0), anchor="end"))
    if y_lo < 0:
        body.append(_line(left, y_scale(0), right, y_scale(0), AXIS, 1.2, stroke_dasharray="5 4", data_zero="line"))
    body.append(_line(left, top, left, bottom))
    body.append(
        _text(16, (top + bottom) / 2, text.discrimination_axis, anchor="middle", font_weight="600",
              transform=f"rotate(-90 16 {_f((top + bottom) / 2)})")
    )  # fmt: skip
    body.extend(_x_axis(x_scale, bottom, top, text.facility_axis, number))

    for p in sorted(charted, key=lambda p: p.discrimination < 0):  # the miskeyed drawn last, on top
        point = _say(
            text.item_point,
            item=_ref(p, text),
            facility=number(100 * p.facility, 1),
            discrimination=number(p.discrimination, 1),
        )
        if p.discrimination < 0:
            body.append(
                f'<g data-item="{p.number}" data-miskeyed="true"><title>{_e(point)}</title>'
                f"{_triangle(x(p), y(p), MISKEYED)}"
                f"{_text(x(p) + 8, y(p) + 4.5, str(p.number), font_weight='700', fill=MISKEYED)}</g>"
            )
        else:
            body.append(
                f'<g data-item="{p.number}"><title>{_e(point)}</title>'
                f'<circle cx="{_f(x(p))}" cy="{_f(y(p))}" r="4.5" fill="{POST}" stroke="#ffffff" stroke-width="1"/></g>'
            )

    about_right = sum(FACILITY_ABOUT_RIGHT[0] <= 100 * p.facility < FACILITY_ABOUT_RIGHT[1] for p in charted)
    adequate = sum(p.discrimination >= DISCRIMINATION_ADEQUATE for p in charted)
    sentences = [_say(text.items_summary, charted=len(charted), about_right=about_right, adequate=adequate)]
    miskeyed = [p for p in charted if p.discrimination < 0]
    if miskeyed:
        sentences.append(_say(text.items_miskeyed, items=_refs(miskeyed, text)))
    if omitted:
        sentences.append(_omitted_sentence(omitted, text))
    return _svg("items", title, " ".join(sentences), bottom + 52, body, chart_id)


def _triangle(cx: float, cy: float, colour: str) -> str:
    """A downward triangle: the miskeyed item's shape (not only its colour)."""
    return (
        f'<polygon points="{_f(cx - 6)},{_f(cy - 5)} {_f(cx + 6)},{_f(cy - 5)} {_f(cx)},{_f(cy + 6)}" '
        f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
    )


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
