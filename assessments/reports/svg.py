"""SVG drawing for the report charts (``charts``): the colours (each with its contrast against white), the
font, linear scales with round ticks, and the few elements the charts are made of (text, lines, dots, legend
boxes, an x axis with its grid) inside an accessible frame.

**Escaping.** Every text and attribute value is escaped once, where it is written (:func:`escaped`): through
``str`` first, so that a lazy gettext string is not taken for safe markup. Coordinates are written with two
decimals at most (:func:`coord`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

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


@dataclass(frozen=True)
class Scale:
    """Linear map from a domain (figures) to a range (viewBox units), with its tick values."""

    lo: float
    hi: float
    start: float
    end: float
    ticks: tuple[float, ...]
    digits: int  # decimals the tick labels need

    def __call__(self, value: float) -> float:
        return self.start + (value - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def nice_scale(lo: float, hi: float, start: float, end: float, count: int = 5) -> Scale:
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
    return Scale(first, last, start, end, ticks, digits)


def fixed_scale(lo: float, hi: float, step: float, start: float, end: float) -> Scale:
    ticks = tuple(lo + i * step for i in range(round((hi - lo) / step) + 1))
    return Scale(lo, hi, start, end, ticks, 0)


def escaped(value: object) -> Markup:
    """Escaped text. Through ``str`` first: a lazy gettext string (or any object with ``__html__``) would
    otherwise pass through ``escape`` as if it were already safe markup."""
    return escape(str(value))


def coord(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def text(
    x: float, y: float, content: str, *, anchor: str = "start", size: int = FONT_SIZE, fill: str = INK, **attributes
) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escaped(value)}"' for name, value in attributes.items())
    return (
        f'<text x="{coord(x)}" y="{coord(y)}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escaped(content)}</text>"
    )


def line(x1: float, y1: float, x2: float, y2: float, colour: str = AXIS, width: float = 1, **attributes) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escaped(value)}"' for name, value in attributes.items())
    return (
        f'<line x1="{coord(x1)}" y1="{coord(y1)}" x2="{coord(x2)}" y2="{coord(y2)}" stroke="{colour}" '
        f'stroke-width="{coord(width)}"{extra}/>'
    )


def fit(label: str, width: float) -> str:
    """The label, shortened with an ellipsis when it would run past ``width`` viewBox units."""
    room = max(4, int(width / CHAR_WIDTH))
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def wrapped(x: float, y: float, content: str, width: float, size: int = 11) -> tuple[list[str], float]:
    """A note broken into lines that fit ``width`` (word by word), and the baseline after its last line."""
    room = max(8, int(width / (CHAR_WIDTH * size / FONT_SIZE)))
    lines: list[str] = []
    for word in content.split():
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    parts = [text(x, y + i * (size + 4), line, size=size) for i, line in enumerate(lines)]
    return parts, y + len(lines) * (size + 4)


def x_axis(scale: Scale, y: float, top: float, title: str, number: Callable[[float, int], str]) -> list[str]:
    """Grid lines from ``top`` down to the axis at ``y``, the axis, its ticks, their labels and its title."""
    parts = []
    for tick in scale.ticks:
        x = scale(tick)
        parts.append(line(x, top, x, y, GRID))
        parts.append(line(x, y, x, y + 5))
        parts.append(text(x, y + 19, number(tick, scale.digits), anchor="middle"))
    parts.append(line(scale.start, y, scale.end, y))
    parts.append(text((scale.start + scale.end) / 2, y + 40, title, anchor="middle", font_weight="600"))
    return parts


def frame(kind: str, title: str, desc: str, height: float, body: Sequence[str], chart_id: str | None) -> Markup:
    """The chart's frame: an accessible image named by its title and described by its desc."""
    if chart_id is None:  # stable across renders, distinct for different charts on one page
        chart_id = f"chart-{kind}-{hashlib.sha1((title + desc).encode()).hexdigest()[:10]}"  # noqa: S324 (an id)
    ident = escaped(chart_id)
    return Markup(  # noqa: S704 - every text and attribute value below is escaped where it is written
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'id="{ident}" viewBox="0 0 {WIDTH} {coord(height)}" width="100%" preserveAspectRatio="xMidYMin meet" '
        f'style="max-width: 40rem; height: auto; display: block" font-family="{escaped(FONT)}">'
        f'<title id="{ident}-title">{escaped(title)}</title>'
        f'<desc id="{ident}-desc">{escaped(desc)}</desc>'
        f'<rect width="{WIDTH}" height="{coord(height)}" fill="#ffffff"/>'
        f"{text(WIDTH / 2, 22, title, anchor='middle', size=TITLE_SIZE, font_weight='700')}"
        f"{''.join(body)}</svg>"
    )


def legend_box(x: float, y: float, stroke: str, fill: str, label: str) -> str:
    return (
        f'<rect x="{coord(x)}" y="{coord(y - 10)}" width="22" height="12" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="1.5"/>{text(x + 28, y, label)}'
    )


def dot(x: float, y: float, colour: str = POST) -> str:
    return f'<circle cx="{coord(x)}" cy="{coord(y)}" r="5.5" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>'


def triangle(cx: float, cy: float, colour: str) -> str:
    """A downward triangle: the miskeyed item's shape (not only its colour)."""
    return (
        f'<polygon points="{coord(cx - 6)},{coord(cy - 5)} {coord(cx + 6)},{coord(cy - 5)} '
        f'{coord(cx)},{coord(cy + 6)}" '
        f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
    )
