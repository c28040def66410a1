"""Form pieces shared by every package: the base :class:`Form`, the confirmation form, the multi-checkbox
field, the strip filter."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from lms.i18n import wtforms_translations


class Form(FlaskForm):
    """Every form of the LMS: Flask-WTF's (CSRF, file uploads), with WTForms' messages in the page's
    language, Kinyarwanda included (``lms.i18n.wtforms_translations``), and no NUL character in any
    field: PostgreSQL cannot store one, and no one types it (uploaded files are not fields' text)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):  # noqa: ANN001, ANN202
            return wtforms_translations()

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators)
        for field in self:
            if any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ()):
                field.errors = [*field.errors, _l("This field cannot contain a NUL character.")]
                valid = False
        return valid


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(Form):
    """An empty form: the CSRF-protected button behind every destructive or state-changing action."""

    submit = SubmitField(_l("Confirm"))


def strip(value):
    """A WTForms filter: phones often add a space after an auto-completed address."""
    return value.strip() if isinstance(value, str) else value


def add_error(form: FlaskForm, field_name: str | None, message: str) -> None:
    """Show a service's error next to the field it concerns (or at the top of the form)."""
    field = getattr(form, field_name, None) if field_name else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)
