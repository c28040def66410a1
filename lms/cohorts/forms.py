"""Cohort forms: the cohort itself, enrolling one learner, uploading a CSV of learners."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, EmailField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from lms.forms import Form, strip


class CohortForm(Form):
    name = StringField(
        _l("Cohort name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("e.g. IPRC Huye — Industrial Electricity ToT, March 2027"),
    )
    course_id = SelectField(_l("Course"), coerce=int, validators=[DataRequired(_l("Choose a course."))])
    institution_id = SelectField(_l("Host institution"), coerce=int)
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    instructor_ids = SelectMultipleField(
        _l("Instructors"), coerce=int, validators=[Optional()], description=_l("Hold Ctrl (or Cmd) to choose several.")
    )
    submit = SubmitField(_l("Save cohort"))


class EnrollForm(Form):
    email = EmailField(_l("Learner's e-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name (for a new account)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Enroll"))


class ImportForm(Form):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))],
        description=_l("Columns: email, name, and optionally institution (code), language (en/fr/rw), gender."),
    )
    submit = SubmitField(_l("Import learners"))
