"""Account forms: log-in, registration, passwords, profile, API tokens and the admin's user forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from lms.accounts.models import Gender, Role
from lms.forms import Form, MultiCheckboxField, strip


def role_choices():
    labels = {
        Role.LEARNER: _l("Learner"),
        Role.AUTHOR: _l("Author"),
        Role.ASSESSOR: _l("Assessor"),
        Role.VERIFIER: _l("Verifier"),
        Role.ADMIN: _l("Programme admin"),
    }
    return [(role.value, labels[role]) for role in Role]


def gender_choices():
    return [
        ("", _l("Prefer not to say")),
        (Gender.FEMALE.value, _l("Female")),
        (Gender.MALE.value, _l("Male")),
        (Gender.OTHER.value, _l("Other")),
    ]


def language_choices():
    return list(current_app.config["LANGUAGES"].items())


class LoginForm(Form):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class RegistrationForm(Form):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))]
    )
    language = SelectField(_l("Preferred language"))
    gender = SelectField(_l("Gender (optional, for anonymous reports)"), validators=[Optional()])
    submit = SubmitField(_l("Create my account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices()
        self.gender.choices = gender_choices()


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))]
    )
    submit = SubmitField(_l("Save the new password"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))]
    )
    submit = SubmitField(_l("Change password"))


class ProfileForm(Form):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    institution_id = SelectField(_l("Institution"), coerce=int)
    language = SelectField(_l("Preferred language"))
    gender = SelectField(_l("Gender (optional, for anonymous reports)"), validators=[Optional()])
    submit = SubmitField(_l("Save profile"))

    def __init__(self, institutions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.institution_id.choices = [(0, _l("— none —"))] + [(i.id, i.name) for i in institutions]
        self.language.choices = language_choices()
        self.gender.choices = gender_choices()


class ApiTokenForm(Form):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Create token"))


class UserAdminForm(Form):
    """Used both to create an account and to edit one (email is read-only when editing)."""

    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired(_l("Choose at least one role."))])
    institution_id = SelectField(_l("Institution"), coerce=int)
    language = SelectField(_l("Preferred language"))
    gender = SelectField(_l("Gender (optional)"), validators=[Optional()])
    active = BooleanField(_l("Account active"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, institutions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()
        self.institution_id.choices = [(0, _l("— none —"))] + [(i.id, i.name) for i in institutions]
        self.language.choices = language_choices()
        self.gender.choices = gender_choices()


class InvitationForm(Form):
    email = EmailField(_l("E-mail"), filters=[strip], validators=[DataRequired(), Email(), Length(max=254)])
    roles = MultiCheckboxField(_l("Roles"), validators=[DataRequired(_l("Choose at least one role."))])
    institution_id = SelectField(_l("Institution"), coerce=int)
    submit = SubmitField(_l("Send invitation"))

    def __init__(self, institutions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = role_choices()
        self.institution_id.choices = [(0, _l("— none —"))] + [(i.id, i.name) for i in institutions]
