"""Forms of assessments. The studio's question bank: the common part of a question (its type's own part is the
type's editor, ``assessments/items/editing.py``, read from the request), categories, moving, import and export.
The instructor's pages: an accommodation (extra time or attempts, with why), a person's grade of an answer, and
the confirmation of a regrade. CSRF through ``lms.forms.Form``; the services check again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from assessments.attempts import MAX_EXTRA_ATTEMPTS, MAX_EXTRA_MINUTES
from assessments.grading import MAX_COMMENT
from assessments.models import Difficulty
from lms.forms import Form, strip


def difficulty_choices():
    return [
        ("", _l("Not set")),
        (Difficulty.EASY.value, _l("Easy")),
        (Difficulty.MEDIUM.value, _l("Medium")),
        (Difficulty.HARD.value, _l("Hard")),
    ]


class QuestionForm(Form):
    """What every question has; the type's fields come after these on the page."""

    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=255)],
        filters=[strip],
        description=_l("For the bank's list; empty: the start of the question text."),
    )
    category = StringField(
        _l("Category"),
        validators=[DataRequired(), Length(max=500)],
        filters=[strip],
        description=_l("A path such as Safety/Isolation; a new one is created."),
    )
    tags = StringField(_l("Tags"), validators=[Optional(), Length(max=500)], description=_l("Words, comma-separated."))
    difficulty = SelectField(_l("Difficulty"), validators=[Optional()])
    stem = TextAreaField(_l("Question text"), validators=[Optional(), Length(max=50_000)], description=_l("HTML."))
    general_feedback = TextAreaField(
        _l("General feedback"),
        validators=[Optional(), Length(max=20_000)],
        description=_l("Shown after the answer, whatever it was."),
    )
    default_mark = StringField(_l("Default mark"), validators=[DataRequired(), Length(max=20)], default="1")
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.difficulty.choices = difficulty_choices()


class CategoryForm(Form):
    path = StringField(_l("New category"), validators=[DataRequired(), Length(max=500)], filters=[strip])
    outcome = SelectField(_l("Learning outcome"), validators=[Optional()])
    submit = SubmitField(_l("Add category"))


class RenameCategoryForm(Form):
    path = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=500)],
        filters=[strip],
        description=_l("A path such as Safety/Isolation."),
    )
    submit = SubmitField(_l("Rename"))


class OutcomeForm(Form):
    outcome = SelectField(_l("Learning outcome"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class MoveQuestionForm(Form):
    category = StringField(
        _l("Move to category"),
        validators=[DataRequired(), Length(max=500)],
        filters=[strip],
        description=_l("An existing category's path, or a new one."),
    )
    submit = SubmitField(_l("Move"))


class ImportForm(Form):
    file = FileField(_l("Question file"), validators=[FileRequired()])
    format = SelectField(
        _l("Format"),
        choices=[("", _l("Guess from the file")), ("gift", "GIFT"), ("aiken", "Aiken"), ("moodlexml", "Moodle XML")],
        validators=[Optional()],
    )
    category = StringField(
        _l("Default category"),
        validators=[Optional(), Length(max=500)],
        filters=[strip],
        description=_l("For questions the file files nowhere."),
    )
    submit = SubmitField(_l("Import"))


# -- the instructor's pages ----------------------------------------------------------------------------------
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
