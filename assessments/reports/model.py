"""The shapes of the learning-gain and item-analysis reports: plain frozen dataclasses built by
``assessments.reports.service`` and read by the pages, the CSV and JSON downloads and the charts.

**Matched learners.** A learner enters a gain when both their pre-test and their post-test are submitted
and graded; the score of each is the learner's *first* graded attempt of it, as a percentage of its
maximum (a retake of the post-test would otherwise measure practice on the same test, and a retaken pre-test
would no longer be a baseline). Enrolled learners without both are counted (attrition), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from assessments.analytics import ItemAnalysis, ItemStatistics, PairedGain

# The breakdowns of a gain report, in the order the page shows them.
DIMENSIONS = ("cohort", "institution", "gender", "track", "period")


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the report to; empty means everything they may see."""

    cohort_ids: frozenset[int] = frozenset()
    institution_ids: frozenset[int] = frozenset()
    genders: frozenset[str] = frozenset()  # "female", "male", "other", "" (not given)
    tracks: frozenset[str] = frozenset()
    starts_from: date | None = None  # cohorts starting on or after
    starts_until: date | None = None  # cohorts starting on or before


@dataclass(frozen=True)
class Scope:
    """What the reader may see of a course: every cohort (``cohort_ids`` None: an admin or the course's
    owner) or only these (an instructor: the cohorts they run)."""

    cohort_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class LearnerPair:
    """One matched learner: their groups and first graded pre and post scores (percent)."""

    user_id: int
    name: str
    cohort_id: int
    cohort_name: str
    institution_id: int | None
    institution_name: str
    gender: str  # "" when not given
    track: str
    period: str  # the quarter the cohort started in, e.g. "2026-Q3"
    pre: float
    post: float

    @property
    def gain(self) -> float:
        return self.post - self.pre

    @property
    def normalized_change(self) -> float | None:
        """Marx & Cummings' c for one learner: gain over what was left to gain, loss over what was had."""
        if self.post > self.pre:
            return (self.post - self.pre) / (100 - self.pre)
        if self.post < self.pre:
            return (self.post - self.pre) / self.pre
        return None if self.pre in (0, 100) else 0.0


@dataclass(frozen=True)
class GroupFigures:
    """The paired figures of one group of a breakdown (or of the whole report: ``dimension`` "all")."""

    dimension: str
    key: str  # the group's value: a cohort's id, a gender, a period … ("" for not given)
    label: str  # what the page shows
    enrolled: int  # learners enrolled in the group, matched or not (attrition = enrolled - gain.n)
    gain: PairedGain


@dataclass(frozen=True)
class OutcomeFigures:
    """The paired figures of one learning outcome: each matched learner's percent of the outcome's marks on
    the pre-test and on the post-test (parallel forms may assess it with different items). ``items_pre`` and
    ``items_post``: the most items of the outcome any of these learners answered on each test."""

    outcome: str
    items_pre: int
    items_post: int
    gain: PairedGain


@dataclass(frozen=True)
class GainReport:
    course_id: int
    course_code: str
    course_title: str
    pass_mark: float | None  # the post-test's, for the share who passed
    filters: Filters
    overall: GroupFigures
    breakdowns: dict[str, tuple[GroupFigures, ...]]  # by DIMENSIONS
    learners: tuple[LearnerPair, ...]  # sorted by name
    outcomes: tuple[OutcomeFigures, ...] = ()  # the outcomes both tests assess, in the course's order


@dataclass(frozen=True)
class ItemRow:
    """One question version's figures in an item analysis, with what it is."""

    version_id: int
    question_id: int
    label: str  # the question's title or the start of its text
    attempts: int  # attempts that drew it
    statistics: ItemStatistics
    facility_band: str | None
    discrimination_band: str | None
    miskeyed: bool  # negative discrimination: check the key


@dataclass(frozen=True)
class ItemReport:
    """An assessment's item analysis, pooled across the cohorts by question version."""

    course_id: int
    usage_key: str
    title: str
    kind: str  # pre, post, practice
    test: ItemAnalysis
    items: tuple[ItemRow, ...] = field(default=())
