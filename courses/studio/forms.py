"""Studio forms: course settings, co-authors, outline actions, publishing, files."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from courses.models import Track
from lms.forms import Form


def track_choices():
    return [
        (Track.TVET_TOT.value, _l("TVET training of trainers")),
        (Track.HOSPITAL.value, _l("Hospital skills transfer")),
    ]


class CourseForm(Form):
    track = SelectField(_l("Track"))
    code = StringField(
        _l("Course code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Permanent, e.g. TOT-ELEC-101. Letters, digits, dots, hyphens, underscores."),
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    hours = IntegerField(_l("Hours of learning"), validators=[Optional(), NumberRange(min=1, max=2000)])
    language = SelectField(_l("Language of the course"))
    learning_outcomes = TextAreaField(
        _l("Learning outcomes"), validators=[Optional(), Length(max=5000)], description=_l("One per line.")
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.track.choices = track_choices()
        self.language.choices = list(current_app.config["LANGUAGES"].items())


class CoAuthorForm(Form):
    email = EmailField(_l("Co-author's e-mail"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Add co-author"))


class AddBlockForm(Form):
    block_type = SelectField(_l("Kind"), validators=[DataRequired()])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add"))


class RenameForm(Form):
    display_name = StringField(_l("New name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Rename"))


class MoveForm(Form):
    direction = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Move"))


class PublishForm(Form):
    note = StringField(_l("What changed (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Publish"))


class AssetForm(Form):
    file = FileField(_l("File"), validators=[FileRequired()])
    submit = SubmitField(_l("Upload"))
