"""The words the reports use for the codes the statistics return: data-quality warnings, bands, groups.

A programme officer reads "only 12 learners: read with care", not ``small_sample``; the pages, the CSV
files and the charts' text alternatives take their words from here, in the reader's language.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from assessments.analytics import GainWarning, PairedGain

DIMENSION_NAMES = {
    "all": _l("All learners"),
    "cohort": _l("Cohort"),
    "institution": _l("Institution"),
    "gender": _l("Gender"),
    "track": _l("Track"),
    "period": _l("Period"),
}
GENDERS = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other"), "": _l("Not given")}
TRACKS = {"tvet_tot": _l("TVET training of trainers"), "hospital": _l("Hospital skills transfer")}
HAKE_BANDS = {"low": _l("low"), "medium": _l("medium"), "high": _l("high")}
FACILITY_BANDS = {
    "extremely_difficult": _l("extremely difficult"),
    "very_difficult": _l("very difficult"),
    "difficult": _l("difficult"),
    "moderately_difficult": _l("moderately difficult"),
    "about_right": _l("about right for the average learner"),
    "fairly_easy": _l("fairly easy"),
    "easy": _l("easy"),
    "very_easy": _l("very easy"),
    "extremely_easy": _l("extremely easy"),
}
DISCRIMINATION_BANDS = {
    "very_good": _l("very good"),
    "adequate": _l("adequate"),
    "weak": _l("weak"),
    "very_weak": _l("very weak"),
    "invalid": _l("invalid: check the key"),
}
KINDS = {"pre": _l("Pre-test"), "post": _l("Post-test"), "practice": _l("Practice test")}


def group_label(dimension: str, key: str, label: str) -> str:
    """What a group is called on the page: genders and tracks in words, the others by their name."""
    if dimension == "gender":
        return str(GENDERS.get(key, key))
    if dimension == "track":
        return str(TRACKS.get(key, key))
    return label


def warning_text(warning: GainWarning, gain: PairedGain) -> str:
    """One data-quality warning in words a programme officer understands."""
    if warning.code == "no_pairs":
        return _("No learner has taken both tests yet.")
    if warning.code == "small_sample":
        count = int(warning.value)
        return ngettext("Only %(num)d learner: read with care.", "Only %(num)d learners: read with care.", count)
    share = f"{warning.value:.1%}"  # 79.7%, not "80%" beside a threshold of 80%
    if warning.code == "ceiling":
        return _(
            "%(share)s of the learners scored 90%% or more on the pre-test: the test leaves them little to gain.",
            share=share,
        )
    if warning.code == "pre_at_max":
        count = int(warning.value)
        return ngettext(
            "%(num)d learner had the full score on the pre-test and is left out of the average gain per learner.",
            "%(num)d learners had the full score on the pre-test and are left out of the average gain per learner.",
            count,
        )
    if warning.code == "attrition":
        return _(
            "Only %(share)s of the enrolled learners took both tests: those who did may not be typical.",
            share=share,
        )
    return warning.code


def warnings_text(gain: PairedGain) -> list[str]:
    return [warning_text(warning, gain) for warning in gain.warnings]


def chart_text():  # noqa: ANN201 - charts.ChartText
    """The charts' words in the reader's language (``ChartText``'s own strings, through the catalogue), figures
    with the locale's decimal mark."""
    from flask_babel import format_decimal

    from assessments.reports.charts import ChartText

    return ChartText(
        nothing_to_chart=_("Nothing to chart yet."),
        no_pairs=_("no matched learners"),
        group_with_n=_("%(label)s (n = %(n)s)"),
        distribution_title=_("Pre-test and post-test scores"),
        score_axis=_("Score (%)"),
        pre=_("Pre"),
        post=_("Post"),
        pre_legend=_("Pre-test"),
        post_legend=_("Post-test"),
        distribution_key=_("Box: middle half of the learners; line: median; whiskers: lowest to highest."),
        distribution_group=_(
            "%(group)s: pre-test median %(pre_median)s (middle half %(pre_q1)s to %(pre_q3)s, lowest %(pre_min)s, "
            "highest %(pre_max)s); post-test median %(post_median)s (middle half %(post_q1)s to %(post_q3)s, "
            "lowest %(post_min)s, highest %(post_max)s)."
        ),
        distribution_group_empty=_("%(group)s: no matched learners."),
        gain_title=_("Mean gain with its confidence interval (95%)"),
        gain_axis=_("Mean gain (percentage points)"),
        gain_key=_("Dot: mean gain; bar: confidence interval (95%); dashed line: no gain."),
        gain_value_with_ci=_("%(gain)s (%(low)s to %(high)s)"),
        gain_with_ci=_("%(group)s: mean gain %(gain)s points (95%% CI %(low)s to %(high)s)."),
        gain_without_ci=_("%(group)s: mean gain %(gain)s points (too few learners for a confidence interval)."),
        gain_no_pairs=_("%(group)s: no matched learners."),
        items_title=_("Questions: facility and discrimination"),
        facility_axis=_("Facility (%)"),
        discrimination_axis=_("Discrimination index (%)"),
        item_legend=_("Question"),
        miskeyed_legend=_("Negative discrimination: check the key"),
        facility_band=_("facility about right (35–64%)"),
        discrimination_band=_("discrimination adequate or better (≥ 30%)"),
        item_ref=_("question %(number)s (%(label)s)"),
        item_number=_("question %(number)s"),
        item_point=_("%(item)s: facility %(facility)s%%, discrimination %(discrimination)s%%"),
        items_summary=_(
            "Questions charted: %(charted)s. Facility about right (35–64%%): %(about_right)s. "
            "Discrimination adequate or better (30%% or more): %(adequate)s."
        ),
        items_miskeyed=_("Negative discrimination, check the key: %(items)s."),
        items_omitted=_("Not charted, discrimination undefined (every learner scored the same): %(items)s."),
        number=lambda value, digits: format_decimal(value, format="0." + "0" * digits if digits else "0"),
    )
