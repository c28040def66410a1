"""Words for the figures: Moodle's facility and discrimination bands, Hake's gain bands, the miskey flag.

Owns the band enums and the functions that place a figure in its band. Each function takes the figure on
the scale :mod:`assessments.analytics` returns it (facility a fraction 0–1; discrimination index a
percent; Hake's g a fraction) and gives ``None`` for ``None``, so a table can band every cell.
"""

from __future__ import annotations

from enum import StrEnum

from assessments.analytics.items import ItemStatistics


class FacilityBand(StrEnum):
    """Moodle's reading of the facility index (quiz statistics report documentation, written by the Open
    University: ≤ 5 extremely difficult or something wrong with the question; 6–10 very difficult; 11–20
    difficult; 20–34 moderately difficult; 35–64 about right for the average student; 66–80 fairly easy;
    81–89 easy; 90–94 very easy; 95–100 extremely easy)."""

    EXTREMELY_DIFFICULT = "extremely_difficult"
    VERY_DIFFICULT = "very_difficult"
    DIFFICULT = "difficult"
    MODERATELY_DIFFICULT = "moderately_difficult"
    ABOUT_RIGHT = "about_right"
    FAIRLY_EASY = "fairly_easy"
    EASY = "easy"
    VERY_EASY = "very_easy"
    EXTREMELY_EASY = "extremely_easy"


class DiscriminationBand(StrEnum):
    """Bands of the discrimination index (percent): ≥ 50 very good, 30–50 adequate, 20–29 weak, 0–19 very
    weak, negative invalid (the item works against the test: check its key)."""

    VERY_GOOD = "very_good"
    ADEQUATE = "adequate"
    WEAK = "weak"
    VERY_WEAK = "very_weak"
    INVALID = "invalid"


class HakeBand(StrEnum):
    """Hake (1998): low ⟨g⟩ < 0.3, medium 0.3 ≤ ⟨g⟩ < 0.7, high ⟨g⟩ ≥ 0.7 (a negative ⟨g⟩ is low too)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Upper limits in percent, checked in order. The published table is in whole percents and leaves gaps
# (34–35, 64–66, 80–81, 89–90, 94–95) and one overlap (20): a band runs up to the next band's first figure,
# the gap 64–66 is split at 65, and 20 itself is "difficult" (the first band that lists it).
_FACILITY_LIMITS = (
    (5, True, FacilityBand.EXTREMELY_DIFFICULT),
    (10, True, FacilityBand.VERY_DIFFICULT),
    (20, True, FacilityBand.DIFFICULT),
    (35, False, FacilityBand.MODERATELY_DIFFICULT),
    (65, False, FacilityBand.ABOUT_RIGHT),
    (81, False, FacilityBand.FAIRLY_EASY),
    (90, False, FacilityBand.EASY),
    (95, False, FacilityBand.VERY_EASY),
)


def facility_band(facility: float | None) -> FacilityBand | None:
    """The band of a facility given as a fraction (0.42 is 42 %); values past 0 or 1 (penalties, bonus
    marks) fall in the end bands."""
    if facility is None:
        return None
    # Rounded so that a fraction like 0.07 (7.000000000000001 once ×100) lands where it is written.
    percent = round(100 * facility, 9)
    for limit, inclusive, band in _FACILITY_LIMITS:
        if percent < limit or (inclusive and percent == limit):
            return band
    return FacilityBand.EXTREMELY_EASY


def discrimination_band(discrimination_index: float | None) -> DiscriminationBand | None:
    """The band of a discrimination index in percent (Moodle's scale: 42.3 for a correlation of 0.423)."""
    if discrimination_index is None:
        return None
    if discrimination_index < 0:
        return DiscriminationBand.INVALID
    if discrimination_index < 20:
        return DiscriminationBand.VERY_WEAK
    if discrimination_index < 30:
        return DiscriminationBand.WEAK
    if discrimination_index < 50:
        return DiscriminationBand.ADEQUATE
    return DiscriminationBand.VERY_GOOD


def hake_band(g: float | None) -> HakeBand | None:
    """Hake's band of a class-average normalized gain."""
    if g is None:
        return None
    if g < 0.3:
        return HakeBand.LOW
    if g < 0.7:
        return HakeBand.MEDIUM
    return HakeBand.HIGH


def looks_miskeyed(item: ItemStatistics) -> bool:
    """True when the item discriminates negatively: learners who did worse on the rest of the test did
    better on this item, the usual sign of a wrong key (or an ambiguous stem)."""
    return item.discrimination_index is not None and item.discrimination_index < 0
