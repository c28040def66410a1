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
    if warning.code == "ceiling":
        return _(
            "%(share)s of the learners scored 90%% or more on the pre-test: the test leaves them little to gain.",
            share=f"{warning.value:.0%}",
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
            share=f"{warning.value:.0%}",
        )
    return warning.code


def warnings_text(gain: PairedGain) -> list[str]:
    return [warning_text(warning, gain) for warning in gain.warnings]
