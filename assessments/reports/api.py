"""API: the learning-gain and item-analysis reports as JSON (``/api/v1/reports/...``), the same figures
as the pages and their CSV files, for the same readers (``assessments.reports.access``: the course's staff
every cohort, an instructor the cohorts they teach). Filters are the pages' (repeat a key for several
values: ``?cohort=3&cohort=4``); a value outside what the reader may see is a 422, as a malformed one."""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask_login import current_user
from flask_smorest import Page

from assessments.reports import access, service
from assessments.reports.model import DIMENSIONS, Filters
from courses.queries import by_code
from lms.api import api_blueprint
from lms.web import ID_MAX

blp = api_blueprint(
    "api_reports",
    __name__,
    description="Learning gain between pre-test and post-test (per cohort, institution, gender, track and "
    "period; per learner) and item analysis of an assessment.",
)
_Number = lambda description: ma.fields.Float(allow_none=True, metadata={"description": description})  # noqa: E731


class FilterArgsSchema(ma.Schema):
    cohort = ma.fields.List(ma.fields.Int(validate=ma.validate.Range(min=1, max=ID_MAX)), load_default=list)
    institution = ma.fields.List(ma.fields.Int(validate=ma.validate.Range(min=1, max=ID_MAX)), load_default=list)
    gender = ma.fields.List(
        ma.fields.Str(validate=ma.validate.OneOf(["female", "male", "other", ""])), load_default=list
    )
    track = ma.fields.List(ma.fields.Str(validate=ma.validate.Length(max=20)), load_default=list)
    starts_from = ma.fields.Date(load_default=None, metadata={"description": "Cohorts starting on or after."})
    starts_until = ma.fields.Date(load_default=None, metadata={"description": "Cohorts starting on or before."})


class ItemArgsSchema(ma.Schema):
    assessment = ma.fields.Str(required=True, metadata={"description": "The assessment block's usage key."})


class WarningSchema(ma.Schema):
    code = ma.fields.Str(metadata={"enum": ["no_pairs", "small_sample", "ceiling", "pre_at_max", "attrition"]})
    value = ma.fields.Float()
    threshold = ma.fields.Float(allow_none=True)


class GainSchema(ma.Schema):
    n = ma.fields.Int(metadata={"description": "Matched learners (both tests graded)."})
    mean_pre = _Number("Mean pre-test score, percent.")
    mean_post = _Number("Mean post-test score, percent.")
    sd_pre = _Number("Standard deviation of the pre-test scores.")
    sd_post = _Number("Standard deviation of the post-test scores.")
    mean_gain = _Number("Mean gain, percentage points.")
    ci95 = ma.fields.List(ma.fields.Float(), allow_none=True, metadata={"description": "95% CI of the mean gain."})
    hake_g = _Number("Class-average normalized gain (Hake).")
    g_ave = _Number("Average of the learners' normalized gains.")
    excluded_at_ceiling = ma.fields.Int()
    normalized_change = _Number("Average normalized change (Marx & Cummings).")
    t = _Number("Paired t statistic.")
    df = ma.fields.Int(allow_none=True)
    p = _Number("Two-sided p of the paired t-test.")
    wilcoxon_w = _Number("Wilcoxon signed-rank statistic.")
    wilcoxon_p = _Number("Two-sided p of the Wilcoxon signed-rank test.")
    rank_biserial = _Number("Matched-pairs rank-biserial correlation.")
    d_z = _Number("Cohen's d_z.")
    d_av = _Number("Cohen's d_av.")
    improved_share = _Number("Share of learners whose score rose.")
    passed_share = _Number("Share at or above the post-test's pass mark.")
    warnings = ma.fields.List(ma.fields.Nested(WarningSchema))


class GroupSchema(ma.Schema):
    dimension = ma.fields.Str(metadata={"enum": ["all", *DIMENSIONS]})
    key = ma.fields.Str()
    label = ma.fields.Str()
    enrolled = ma.fields.Int()
    gain = ma.fields.Nested(GainSchema)


class OutcomeSchema(ma.Schema):
    outcome = ma.fields.Str(metadata={"description": "One of the course's learning outcomes."})
    items_pre = ma.fields.Int(metadata={"description": "Most items of the outcome a learner answered on the pre-test."})
    items_post = ma.fields.Int(
        metadata={"description": "Most items of the outcome a learner answered on the post-test."}
    )
    gain = ma.fields.Nested(GainSchema, metadata={"description": "Over the learners' percents of the outcome's marks."})


class GainReportSchema(ma.Schema):
    course_id = ma.fields.Int()
    course_code = ma.fields.Str()
    course_title = ma.fields.Str()
    pass_mark = ma.fields.Float(allow_none=True)
    overall = ma.fields.Nested(GroupSchema)
    breakdowns = ma.fields.Dict(keys=ma.fields.Str(), values=ma.fields.List(ma.fields.Nested(GroupSchema)))
    outcomes = ma.fields.List(
        ma.fields.Nested(OutcomeSchema),
        metadata={
            "description": "Gain per learning outcome both tests assess (questions by their category's outcome)."
        },
    )


class LearnerSchema(ma.Schema):
    user_id = ma.fields.Int()
    name = ma.fields.Str()
    cohort_id = ma.fields.Int()
    cohort_name = ma.fields.Str()
    institution_name = ma.fields.Str()
    gender = ma.fields.Str()
    track = ma.fields.Str()
    period = ma.fields.Str()
    pre = ma.fields.Float()
    post = ma.fields.Float()
    gain = ma.fields.Float()
    normalized_change = ma.fields.Float(allow_none=True)


class ItemSchema(ma.Schema):
    version_id = ma.fields.Int()
    question_id = ma.fields.Int()
    label = ma.fields.Str()
    attempts = ma.fields.Int()
    facility = ma.fields.Function(lambda row: row.statistics.facility, metadata={"description": "0–1."})
    sd = ma.fields.Function(lambda row: row.statistics.sd)
    discrimination_index = ma.fields.Function(lambda row: row.statistics.discrimination_index)
    discriminative_efficiency = ma.fields.Function(lambda row: row.statistics.discriminative_efficiency)
    effective_weight = ma.fields.Function(lambda row: row.statistics.effective_weight)
    facility_band = ma.fields.Str(allow_none=True)
    discrimination_band = ma.fields.Str(allow_none=True)
    miskeyed = ma.fields.Bool(metadata={"description": "Negative discrimination: check the key."})


class TestFiguresSchema(ma.Schema):
    n = ma.fields.Int()
    max_total = ma.fields.Float()
    mean = _Number("Mean total, marks.")
    median = _Number("Median total, marks.")
    sd = _Number("Standard deviation of the totals, marks.")
    skewness = _Number("Skewness.")
    kurtosis = _Number("Excess kurtosis.")
    internal_consistency = _Number("Coefficient of internal consistency (Cronbach's alpha), percent.")
    error_ratio = _Number("Error ratio, percent.")
    standard_error = _Number("Standard error, marks.")


class ItemReportSchema(ma.Schema):
    course_id = ma.fields.Int()
    usage_key = ma.fields.Str()
    title = ma.fields.Str()
    kind = ma.fields.Str()
    test = ma.fields.Nested(TestFiguresSchema)
    items = ma.fields.List(ma.fields.Nested(ItemSchema))


def _course_and_scope(code: str):  # noqa: ANN202
    course = by_code(code)
    if course is None:
        abort(404, "No course with this code.")
    scope = access.scope_for(current_user, course)
    if scope is None:
        abort(403, "You may not read this course's reports.")
    return course, scope


def _filters(course, scope, args: dict) -> Filters:  # noqa: ANN001
    choices = service.filter_choices(course, scope)
    allowed = {
        "cohort": {int(choice.value) for choice in choices.cohorts},
        "institution": {int(choice.value) for choice in choices.institutions},
    }
    for name, values in allowed.items():
        unknown = set(args[name]) - values
        if unknown:
            abort(422, f"Not a {name} of this report: {', '.join(map(str, sorted(unknown)))}.")
    if args["starts_from"] and args["starts_until"] and args["starts_until"] < args["starts_from"]:
        abort(422, "starts_until is before starts_from.")
    return Filters(
        cohort_ids=frozenset(args["cohort"]),
        institution_ids=frozenset(args["institution"]),
        genders=frozenset(args["gender"]),
        tracks=frozenset(args["track"]),
        starts_from=args["starts_from"],
        starts_until=args["starts_until"],
    )


@blp.route("/reports/courses/<code>/gain")
@blp.arguments(FilterArgsSchema, location="query")
@blp.response(200, GainReportSchema)
def course_gain(args, code: str):
    """The course's learning gain, overall and broken down by cohort, institution, gender, track and period."""
    course, scope = _course_and_scope(code)
    return service.gain_report(course, _filters(course, scope, args), scope)


@blp.route("/reports/courses/<code>/learners")
@blp.arguments(FilterArgsSchema, location="query")
@blp.response(200, LearnerSchema(many=True))
@blp.paginate(Page)
def course_learners(args, code: str):
    """Each matched learner's first graded pre-test and post-test score, gain and normalized change. Paginated."""
    course, scope = _course_and_scope(code)
    return list(service.gain_report(course, _filters(course, scope, args), scope).learners)


@blp.route("/reports/courses/<code>/items")
@blp.arguments(ItemArgsSchema, location="query")
@blp.response(200, ItemReportSchema)
def course_items(args, code: str):
    """Item analysis of one of the course's assessments, pooled across its cohorts by question version
    (Moodle's quiz statistics: facility, discrimination, discriminative efficiency, effective weight)."""
    course, scope = _course_and_scope(code)
    if args["assessment"] not in {a.key for a in service.report_assessments(course)}:
        abort(404, "No assessment with this key in the course's published version.")
    return service.item_report(course, args["assessment"], scope)
