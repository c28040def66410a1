"""The learning-gain and item-analysis reports of a course: the rows of ``reports.queries`` through the pure
statistics of ``assessments.analytics``, as the dataclasses of ``reports.model``.

**Which tests.** A course's gain is between its *first* published pre-test and its *first* published
post-test in course order (a course with several of a kind — a module's own tests — reports its opening and
closing ones here; each one's items can still be analysed). The share who passed uses that post-test's
pass mark.

Labels: a cohort's and an institution's name; a gender's or a track's raw value (the page words it, and
translates it). Who may see what is the caller's: it passes the reader's :class:`Scope`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from assessments.analytics import discrimination_band, facility_band, item_statistics, looks_miskeyed, paired_gain
from assessments.published import AssessmentInfo, published_assessments
from assessments.reports import queries
from assessments.reports.model import (
    DIMENSIONS,
    Filters,
    GainReport,
    GroupFigures,
    ItemReport,
    ItemRow,
    LearnerPair,
    OutcomeFigures,
    Scope,
)

REPORT_KINDS = ("pre", "post", "practice")


class ReportError(LookupError):
    """The report cannot be made for what was asked (an assessment that is not the course's); a 404."""


def report_assessments(course) -> list[AssessmentInfo]:  # noqa: ANN001
    """The course's published pre-tests, post-tests and practice tests in course order, with their titles
    (what the item-analysis picker offers)."""
    return [a for a in published_assessments(course) if a.kind in REPORT_KINDS]


def gain_tests(course) -> tuple[AssessmentInfo | None, AssessmentInfo | None]:  # noqa: ANN001
    """The course's first published pre-test and first published post-test (None where there is none)."""
    found = report_assessments(course)
    return (next((a for a in found if a.kind == "pre"), None), next((a for a in found if a.kind == "post"), None))


# -- gain ------------------------------------------------------------------------------------------------
def gain_report(course, filters: Filters | None = None, scope: Scope | None = None) -> GainReport:  # noqa: ANN001
    """The course's gain report: every matched learner in scope and filters, overall and by each of
    :data:`DIMENSIONS`, with attrition against the learners enrolled in each group, and by learning outcome.
    Three queries (the pairs, the enrolled counts, the marks per outcome) whatever the number of learners."""
    filters, scope = filters or Filters(), scope or Scope()
    pre_test, post_test = gain_tests(course)
    pass_mark = post_test.pass_mark if post_test else None
    rows = (
        queries.matched_pairs(course.id, course.track, pre_test.key, post_test.key, scope, filters)
        if pre_test and post_test
        else []  # no pair without both tests; the enrolled are still counted
    )
    cells = queries.enrolled_cells(course.id, course.track, scope, filters)
    outcomes = (
        _outcome_figures(
            queries.outcome_marks(course.id, course.track, pre_test.key, post_test.key, scope, filters),
            course.outcomes,
        )
        if rows
        else ()
    )
    learners = tuple(_learner(row, course.track) for row in rows)

    groups: dict[str, dict[str, list[LearnerPair]]] = {d: defaultdict(list) for d in DIMENSIONS}
    for learner in learners:
        for dimension in DIMENSIONS:
            groups[dimension][_key(learner, dimension)].append(learner)
    enrolled: dict[str, dict[str, int]] = {d: defaultdict(int) for d in DIMENSIONS}
    labels: dict[str, dict[str, str]] = {d: {} for d in DIMENSIONS}
    order: dict[str, dict[str, tuple]] = {d: {} for d in DIMENSIONS}
    for cell in cells:
        for dimension, key, label, rank in _cell_groups(cell, course.track):
            enrolled[dimension][key] += cell.enrolled
            labels[dimension][key] = label
            order[dimension].setdefault(key, rank)

    def figures(dimension: str, key: str, label: str, members: list[LearnerPair], count: int) -> GroupFigures:
        gain = paired_gain([m.pre for m in members], [m.post for m in members], 100, pass_mark, enrolled=count)
        return GroupFigures(dimension, key, label, count, gain)

    total = sum(cell.enrolled for cell in cells)
    overall = figures("all", "", course.title, list(learners), total)
    breakdowns = {
        dimension: tuple(
            figures(dimension, key, labels[dimension][key], groups[dimension].get(key, []), enrolled[dimension][key])
            for key in sorted(order[dimension], key=order[dimension].__getitem__)
        )
        for dimension in DIMENSIONS
    }
    return GainReport(
        course_id=course.id,
        course_code=course.code,
        course_title=course.title,
        pass_mark=pass_mark,
        filters=filters,
        overall=overall,
        breakdowns=breakdowns,
        learners=learners,
        outcomes=outcomes,
    )


def _outcome_figures(marks: list[queries.OutcomeMarks], course_outcomes: list[str]) -> tuple[OutcomeFigures, ...]:
    """:func:`paired_gain` of the learners' outcome percents, per outcome both tests assess (the same as
    ``competency_gains`` on the per-item marks, summed by the database). A learner counts for an outcome
    when both their tests had items of it (a form drawn from a bank may have none for someone). No pass
    mark (the post-test's applies to the whole test) and no enrolled count (attrition is the report's)."""
    by_outcome: dict[str, dict[int, dict[str, queries.OutcomeMarks]]] = defaultdict(lambda: defaultdict(dict))
    for row in marks:
        if row.max_mark > 0:
            by_outcome[row.outcome][row.user_id][row.test] = row
    # The course's outcomes in its order; an outcome no longer among them (edited since) after, by name.
    rank = {outcome: index for index, outcome in enumerate(course_outcomes)}
    figures = []
    for outcome in sorted(by_outcome, key=lambda o: (rank.get(o, len(rank)), o)):
        pairs = [tests for tests in by_outcome[outcome].values() if len(tests) == 2]
        if not pairs:
            continue  # assessed by one test only: nothing to pair
        pre = [_percent(100 * t["pre"].mark / t["pre"].max_mark) for t in pairs]
        post = [_percent(100 * t["post"].mark / t["post"].max_mark) for t in pairs]
        figures.append(
            OutcomeFigures(
                outcome=outcome,
                items_pre=max(t["pre"].items for t in pairs),
                items_post=max(t["post"].items for t in pairs),
                gain=paired_gain(pre, post, 100),
            )
        )
    return tuple(figures)


def _percent(value: float) -> float:
    # A mark a hair above the maximum (bonus marks, float rounding of 100·m/M) would be refused as out of range.
    return min(100.0, max(0.0, float(value)))


def _learner(row: queries.PairRow, track: str) -> LearnerPair:
    return LearnerPair(
        user_id=row.user_id,
        name=row.name,
        cohort_id=row.cohort_id,
        cohort_name=row.cohort_name,
        institution_id=row.institution_id,
        institution_name=row.institution_name,
        gender=row.gender,
        track=track,
        period=queries.period_of(row.starts_on),
        pre=_percent(row.pre),
        post=_percent(row.post),
    )


def _key(learner: LearnerPair, dimension: str) -> str:
    if dimension == "cohort":
        return str(learner.cohort_id)
    if dimension == "institution":
        return "" if learner.institution_id is None else str(learner.institution_id)
    return getattr(learner, dimension)


def _cell_groups(cell: queries.EnrolledCell, track: str) -> list[tuple[str, str, str, tuple]]:
    """The (dimension, key, label, sort order) of each group a cell of enrolled learners belongs to."""
    institution = "" if cell.institution_id is None else str(cell.institution_id)
    period = queries.period_of(cell.starts_on)
    return [
        ("cohort", str(cell.cohort_id), cell.cohort_name, (cell.starts_on, cell.cohort_id)),
        ("institution", institution, cell.institution_name, (cell.institution_name.lower(), institution)),
        # Not given last: a breakdown reads best with the declared groups first.
        ("gender", cell.gender, cell.gender, (cell.gender == "", cell.gender)),
        ("track", track, track, (track,)),
        ("period", period, period, (period,)),
    ]


# -- items -----------------------------------------------------------------------------------------------
def item_report(course, usage_key: str, scope: Scope | None = None) -> ItemReport:  # noqa: ANN001
    """The item analysis of one of the course's published assessments, pooled across the cohorts in scope
    by question version: every submitted, graded attempt (two queries: the marks, the questions' titles).

    Attempts of a test that draws from a bank do not all have every version: each version's figures are
    over the attempts that drew it (``item_statistics(..., not_drawn=True)``), and the test's internal
    consistency is then left out (see ``assessments.analytics.items``)."""
    info = next((a for a in report_assessments(course) if a.key == usage_key), None)
    if info is None:
        raise ReportError(f"{usage_key!r} is not a published pre-test, post-test or practice test of this course")
    matrix = queries.item_marks(course.id, usage_key, scope or Scope())
    if not matrix.version_ids:
        # No graded attempt yet: the test's figures are all undefined, and there are no items to show.
        test = replace(item_statistics([], [1.0]), max_total=0.0, items=())
        return ItemReport(course.id, usage_key, info.title, info.kind, test, ())
    test = item_statistics(matrix.marks, matrix.max_marks, not_drawn=True)
    labels = queries.version_labels(matrix.version_ids)
    rows = []
    for version_id, drawn, statistics in zip(matrix.version_ids, matrix.drawn, test.items, strict=True):
        question_id, title, number = labels[version_id]
        rows.append(
            ItemRow(
                version_id=version_id,
                question_id=question_id,
                label=title if number == 1 else f"{title} (v{number})",
                attempts=drawn,
                statistics=statistics,
                facility_band=_value(facility_band(statistics.facility)),
                discrimination_band=_value(discrimination_band(statistics.discrimination_index)),
                miskeyed=looks_miskeyed(statistics),
            )
        )
    return ItemReport(course.id, usage_key, info.title, info.kind, test, tuple(rows))


def _value(band) -> str | None:  # noqa: ANN001
    return None if band is None else str(band.value)


# -- filters ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FilterChoices:
    """What the gain report's filter form can offer the reader: only what is present in their scope."""

    cohorts: tuple[Choice, ...]
    institutions: tuple[Choice, ...]
    genders: tuple[Choice, ...]  # "" for not given; the page words them
    tracks: tuple[Choice, ...]
    periods: tuple[Choice, ...]


def filter_choices(course, scope: Scope | None = None) -> FilterChoices:  # noqa: ANN001
    """The cohorts (oldest first), institutions (by name), genders and tracks present in the reader's scope
    of the course (two queries)."""
    scope = scope or Scope()
    cohorts = queries.cohorts_in_scope(course.id, scope)
    institutions = {str(i): name for _, _, _, i, name in cohorts if i is not None}
    periods = sorted({queries.period_of(starts_on) for _, _, starts_on, _, _ in cohorts})
    genders = queries.genders_in_scope(course.id, scope)
    return FilterChoices(
        cohorts=tuple(Choice(str(cid), name) for cid, name, _, _, _ in cohorts),
        institutions=tuple(Choice(k, v) for k, v in sorted(institutions.items(), key=lambda kv: kv[1].lower())),
        genders=tuple(Choice(g, g) for g in sorted(genders, key=lambda g: (g == "", g))),
        tracks=(Choice(course.track, course.track),) if cohorts else (),
        periods=tuple(Choice(p, p) for p in periods),
    )
