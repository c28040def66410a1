"""The report pages: the courses one may report on, a course's learning gain (broken down by cohort,
institution, gender, track and period, with filters), its learners' pairs, and an assessment's item
analysis; each table also as CSV. Who sees what is ``assessments.reports.access``'s to say."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from assessments.analytics import hake_band
from assessments.reports import access, charts, service, wording
from assessments.reports.forms import FilterForm
from assessments.reports.model import DIMENSIONS, Filters, GainReport, ItemReport
from courses.queries import by_code
from lms.clock import utcnow
from lms.csv_export import csv_response
from lms.navigation import register_menu_item
from lms.web import list_page

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="../templates")
LEARNERS_PER_PAGE = 50


def init_app(app) -> None:  # noqa: ANN001
    app.register_blueprint(bp)
    register_menu_item("reports", _l("Reports"), "reports.index", _may_report, order=34)


def _may_report(user) -> bool:  # noqa: ANN001
    # Learners and verifiers never report: no query on their pages.
    return user.is_admin or user.has_role("author", "assessor")


def _course_and_scope(code: str):  # noqa: ANN202
    course = by_code(code)
    if course is None:
        abort(404)
    scope = access.scope_for(current_user, course)
    if scope is None:
        abort(403)
    return course, scope


def _filters(course, scope) -> tuple[FilterForm, Filters | None]:  # noqa: ANN001
    """The filter form read from the address; None for the filters when it does not validate."""
    form = FilterForm(formdata=request.args).offer(service.filter_choices(course, scope))
    if request.args and not form.validate():
        return form, None
    return form, form.filters()


def _filter_query() -> str:
    """The address's filters as a query string for the page's other links (the CSV, the learners), without
    the page number."""
    return urlencode([(key, value) for key, value in request.args.items(multi=True) if key != "page"])


def _download_name(kind: str, course, filtered: bool) -> str:  # noqa: ANN001
    """A file name that tells a filtered download from the whole report, and the day it was taken."""
    return f"{kind}-{course.code}{'-filtered' if filtered else ''}-{utcnow():%Y-%m-%d}.csv"


def _filtered_report(code: str) -> tuple:
    """The course and its gain report as the address filters it, for a download (a bad filter: 400)."""
    course, scope = _course_and_scope(code)
    _form, filters = _filters(course, scope)
    if filters is None:
        abort(400)
    return course, service.gain_report(course, filters, scope)


@bp.get("/")
@login_required
def index():
    if not _may_report(current_user):
        abort(403)
    return render_template("assessments/reports/index.html", courses=access.reportable_courses(current_user))


@bp.get("/<code>/")
@login_required
def gain(code: str):
    course, scope = _course_and_scope(code)
    form, filters = _filters(course, scope)
    if filters is None:
        return render_template("assessments/reports/gain.html", course=course, form=form, report=None), 400
    report = service.gain_report(course, filters, scope)
    return render_template(
        "assessments/reports/gain.html",
        course=course,
        form=form,
        report=report,
        # A course has one track: its breakdown would repeat the whole report (the API still gives it).
        dimensions=[d for d in DIMENSIONS if len(report.breakdowns.get(d, ())) > (1 if d == "track" else 0)],
        charts=_gain_charts(report),
        assessments=service.report_assessments(course),
        wording=wording,
        query=_filter_query(),
        restricted=scope.cohort_ids is not None,
        hake=hake_band,
    )


@bp.get("/<code>/gain.csv")
@login_required
def gain_csv(code: str):
    course, report = _filtered_report(code)
    return csv_response(_download_name("learning-gain", course, report.filters != Filters()), _gain_rows(report))


@bp.get("/<code>/learners")
@login_required
def learners(code: str):
    course, scope = _course_and_scope(code)
    form, filters = _filters(course, scope)
    if filters is None:
        return render_template("assessments/reports/learners.html", course=course, form=form, page=None), 400
    report = service.gain_report(course, filters, scope)
    return render_template(
        "assessments/reports/learners.html",
        course=course,
        form=form,
        report=report,
        page=list_page(list(report.learners), LEARNERS_PER_PAGE),
        query=_filter_query(),
    )


@bp.get("/<code>/learners.csv")
@login_required
def learners_csv(code: str):
    course, report = _filtered_report(code)
    return csv_response(_download_name("learners-gain", course, report.filters != Filters()), _learner_rows(report))


@bp.get("/<code>/items")
@login_required
def items(code: str):
    course, scope = _course_and_scope(code)
    report = _item_report(course, scope)
    return render_template(
        "assessments/reports/items.html",
        course=course,
        report=report,
        chart=charts.facility_vs_discrimination(report.items, text=_chart_text()),
        drawn=any(row.attempts < report.test.n for row in report.items),  # drawn from a bank: not one shared set
        assessments=service.report_assessments(course),
        wording=wording,
    )


@bp.get("/<code>/items.csv")
@login_required
def items_csv(code: str):
    course, scope = _course_and_scope(code)
    report = _item_report(course, scope)
    return csv_response(_download_name("item-analysis", course, False), _item_rows(report))


def _item_report(course, scope) -> ItemReport:  # noqa: ANN001
    key = request.args.get("assessment", "")
    known = {a.key for a in service.report_assessments(course)}
    if key not in known:
        abort(404)
    return service.item_report(course, key, scope)


# -- charts and tables ----------------------------------------------------------------------------------------
def _chart_text():  # noqa: ANN202
    return wording.chart_text()


def _gain_charts(report: GainReport) -> dict:
    text = _chart_text()
    by_cohort = {str(learner.cohort_id): [] for learner in report.learners}
    for learner in report.learners:
        by_cohort[str(learner.cohort_id)].append(learner)
    cohorts = report.breakdowns.get("cohort", ())
    return {
        "distribution": charts.pre_post_distribution(
            [
                charts.ScoreGroup(
                    label=group.label,
                    pre=[learner.pre for learner in by_cohort.get(group.key, ())],
                    post=[learner.post for learner in by_cohort.get(group.key, ())],
                )
                for group in cohorts
            ],
            text=text,
        ),
        "gain_by_cohort": charts.gain_with_ci(cohorts, text=text),
        "gain_by_institution": charts.gain_with_ci(report.breakdowns.get("institution", ()), text=text),
    }


def _number(value: float | None, digits: int = 1) -> float | str:
    return "" if value is None else round(value, digits)


def _significant(value: float | None) -> float | str:
    """A p-value to four significant figures: a tiny one stays readable (1.37e-05), never rounded to 0."""
    return "" if value is None else float(f"{value:.4g}")


def _gain_rows(report: GainReport):  # noqa: ANN202
    yield [
        _("Breakdown"), _("Group"), _("Enrolled learners"), _("Matched (n)"), _("Pre-test mean"), _("Pre-test SD"),
        _("Post-test mean"), _("Post-test SD"), _("Mean gain"), _("95% CI low"), _("95% CI high"),
        _("Normalized gain <g>"), _("Band"), _("Normalized change"), _("d_av"), _("d_z"), _("p (paired t-test)"),
        _("Wilcoxon p"), _("Passed post-test"), _("Warnings"),
    ]  # fmt: skip
    groups = [report.overall, *(g for d in DIMENSIONS for g in report.breakdowns.get(d, ()))]
    rows = [
        (
            str(wording.DIMENSION_NAMES[g.dimension]),
            wording.group_label(g.dimension, g.key, g.label),
            g.enrolled,
            g.gain,
        )
        for g in groups
    ]
    # Outcomes have no enrolled count of their own: their learners are the report's matched ones.
    rows += [(_("Learning outcome"), o.outcome, "", o.gain) for o in report.outcomes]
    for breakdown, label, enrolled, gain in rows:
        low, high = gain.ci95 if gain.ci95 else (None, None)
        band = wording.HAKE_BANDS.get(str(hake_band(gain.hake_g)), "")
        yield [
            breakdown,
            label,
            enrolled,
            gain.n,
            _number(gain.mean_pre), _number(gain.sd_pre), _number(gain.mean_post), _number(gain.sd_post),
            _number(gain.mean_gain), _number(low), _number(high),
            _number(gain.hake_g, 3), str(band), _number(gain.normalized_change, 3),
            _number(gain.d_av, 3), _number(gain.d_z, 3), _significant(gain.p), _significant(gain.wilcoxon_p),
            "" if gain.passed_share is None else f"{gain.passed_share:.0%}",
            " ".join(wording.warnings_text(gain)),
        ]  # fmt: skip


def _learner_rows(report: GainReport):  # noqa: ANN202
    yield [_("Learner"), _("Cohort"), _("Institution"), _("Gender"), _("Pre-test %"), _("Post-test %"),
           _("Gain (points)"), _("Normalized change")]  # fmt: skip
    for learner in report.learners:
        yield [
            learner.name, learner.cohort_name, learner.institution_name, str(wording.GENDERS.get(learner.gender, "")),
            round(learner.pre, 1), round(learner.post, 1), round(learner.gain, 1),
            _number(learner.normalized_change, 3),
        ]  # fmt: skip


def _item_rows(report: ItemReport):  # noqa: ANN202
    yield [_("Item"), _("Question"), _("Attempts"), _("Facility index %"), _("Facility"), _("Standard deviation %"),
           _("Discrimination index %"), _("Discrimination"), _("Discriminative efficiency %"),
           _("Effective weight %"), _("Check the key")]  # fmt: skip
    for number, row in enumerate(report.items, start=1):
        stats = row.statistics
        yield [
            number, row.label, row.attempts,
            _number(None if stats.facility is None else 100 * stats.facility),
            str(wording.FACILITY_BANDS.get(row.facility_band or "", "")),
            _number(None if stats.sd is None else 100 * stats.sd),
            _number(stats.discrimination_index),
            str(wording.DISCRIMINATION_BANDS.get(row.discrimination_band or "", "")),
            _number(stats.discriminative_efficiency), _number(stats.effective_weight),
            _("yes") if row.miskeyed else "",
        ]  # fmt: skip
