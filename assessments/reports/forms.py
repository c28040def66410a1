"""The reports' filter form: a GET form (it changes nothing, so no CSRF token), its choices what the reader
may see of the course."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SubmitField
from wtforms.validators import Optional, ValidationError

from assessments.reports import wording
from assessments.reports.model import Filters
from lms.forms import Form, MultiCheckboxField


class FilterForm(Form):
    class Meta:
        csrf = False

    cohort = MultiCheckboxField(_l("Cohorts"), coerce=int, validators=[Optional()])
    institution = MultiCheckboxField(_l("Institutions"), coerce=int, validators=[Optional()])
    gender = MultiCheckboxField(_l("Gender"), validators=[Optional()])
    track = MultiCheckboxField(_l("Track"), validators=[Optional()])
    starts_from = DateField(_l("Cohorts starting from"), validators=[Optional()])
    starts_until = DateField(_l("Cohorts starting until"), validators=[Optional()])
    submit = SubmitField(_l("Show"))

    def offer(self, choices) -> FilterForm:  # noqa: ANN001 - service.FilterChoices
        """Offer what the reader may see (a value outside it is refused as not a valid choice)."""
        self.cohort.choices = [(int(choice.value), choice.label) for choice in choices.cohorts]
        self.institution.choices = [(int(choice.value), choice.label) for choice in choices.institutions]
        # Every gender and track, present or not: a bookmarked address keeps working (as in the API), and the
        # sets are small and say nothing about anyone. Cohorts and institutions are only the reader's own.
        self.gender.choices = [(key, str(label)) for key, label in wording.GENDERS.items()]
        self.track.choices = [(key, str(label)) for key, label in wording.TRACKS.items()]
        return self

    def validate_starts_until(self, field) -> None:  # noqa: ANN001
        if field.data and self.starts_from.data and field.data < self.starts_from.data:
            raise ValidationError(_l("The end of the period is before its start."))

    def filters(self) -> Filters:
        return Filters(
            cohort_ids=frozenset(self.cohort.data or ()),
            institution_ids=frozenset(self.institution.data or ()),
            genders=frozenset(self.gender.data or ()),
            tracks=frozenset(self.track.data or ()),
            starts_from=self.starts_from.data,
            starts_until=self.starts_until.data,
        )

    def active(self) -> bool:
        return self.filters() != Filters()
