"""The forms of the instructor's pages: an accommodation (extra time or attempts, with why), a person's grade of
an answer, and the confirmation of a regrade. CSRF through ``lms.forms.Form``; the services check again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from assessments.attempts import MAX_EXTRA_ATTEMPTS, MAX_EXTRA_MINUTES
from assessments.grading import MAX_COMMENT
from lms.forms import Form, strip

MAX_REASON = 1000


class AccommodationForm(Form):
    assessment = SelectField(_l("Assessment"), validators=[DataRequired()])
    extra_minutes = IntegerField(
        _l("Extra minutes"),
        validators=[Optional(), NumberRange(min=0, max=MAX_EXTRA_MINUTES)],
        description=_l("Added to the time limit of this attempt and the next ones."),
    )
    extra_attempts = IntegerField(
        _l("Extra attempts"), validators=[Optional(), NumberRange(min=0, max=MAX_EXTRA_ATTEMPTS)]
    )
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip],
        validators=[DataRequired(_l("Say why the learner gets this.")), Length(max=MAX_REASON)],
        description=_l("Recorded with your name; other instructors of the course see it."),
    )
    confirmed = HiddenField()
    submit = SubmitField(_l("Continue"))

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators)
        if valid and not (self.extra_minutes.data or self.extra_attempts.data):
            self.extra_minutes.errors = [*self.extra_minutes.errors, str(_l("Give extra minutes or extra attempts."))]
            valid = False
        return valid


class GradeForm(Form):
    score = StringField(_l("Score"), filters=[strip], validators=[DataRequired()])
    comment = TextAreaField(
        _l("Comment for the learner"),
        filters=[strip],
        validators=[Length(max=MAX_COMMENT)],
    )
    # The grade the grader saw (empty: none): someone else's grade given meanwhile is not silently replaced.
    seen = HiddenField()
    submit = SubmitField(_l("Save the grade"))


class RegradeForm(Form):
    submit = SubmitField(_l("Regrade the attempts"))
