"""The certificate's wording, shared by the PDF and the badge, in the language forced by the caller
(``flask_babel.force_locale(facts.locale)``): labels, dates and numbers in that language's forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import format_percent
from flask import current_app, has_app_context
from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _

from certificates.rendering.facts import CertificateFacts


def language(facts: CertificateFacts) -> str:
    """The certificate's language if the installation offers it, else its default one: a language
    without catalogue would print English labels around dates in another language, and a malformed one
    would stop the rendering."""
    if has_app_context() and facts.locale not in current_app.config["LANGUAGES"]:
        return current_app.config["DEFAULT_LANGUAGE"]
    return facts.locale


def title() -> str:
    return _("Certificate of completion")


def track(value: str) -> str | None:
    # The same words as the course studio's track choices (courses/studio/forms.py).
    labels = {"tvet_tot": _("TVET training of trainers"), "hospital": _("Hospital skills transfer")}
    return labels.get(value)


def hours(value: float) -> str:
    # gettext's plural rules take whole numbers: a fractional count ("1.5 hours") takes the plural.
    count = int(value) if float(value).is_integer() else 2
    return ngettext("%(hours)s hour", "%(hours)s hours", count, hours=format_decimal(value))


def day(value: date) -> str:
    return format_date(value, "long")


def cohort_line(facts: CertificateFacts) -> str | None:
    """'Cohort: IPRC-Kigali 2026 A · IPRC Kigali · 12 January 2026 – 20 March 2026', whatever is known."""
    parts = []
    if facts.cohort_name:
        parts.append(_("Cohort: %(name)s", name=facts.cohort_name))
    if facts.institution_name:
        parts.append(facts.institution_name)
    if facts.cohort_start and facts.cohort_end:
        parts.append(f"{day(facts.cohort_start)} – {day(facts.cohort_end)}")
    elif facts.cohort_start:
        parts.append(_("from %(date)s", date=day(facts.cohort_start)))
    return " · ".join(parts) or None


def course_line(facts: CertificateFacts) -> str | None:
    parts = [label for label in (track(facts.track),) if label]
    if facts.hours is not None:
        parts.append(hours(facts.hours))
    return " · ".join(parts) or None


def score(value: float) -> str:
    # The language's own percent pattern ("87,5 %" in French), with at most one decimal shown: through
    # Decimal, as 33.3 / 100 in binary floating point would print as 33.29999…
    fraction = Decimal(str(round(value, 1))) / 100
    shown = format_percent(fraction, locale=get_locale(), decimal_quantization=False)
    return _("Final assessment score: %(score)s", score=shown)
