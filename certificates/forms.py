"""Certificates' forms, by who fills them in:

- admins: revoking with a reason, reinstating, re-issuing under a corrected name;
- a course's authors: the studio's "Certificate" settings (on or off, the requirements with the choices some
  offer, such as the modules, approval by an admin, validity), built per course, as the choices come from its
  published version;
- verifiers and the public: one credential file to check (JSON, PNG or PDF), a CSV of codes (multipart, with
  the CSRF token of every form).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from certificates import rules
from lms.forms import Form, MultiCheckboxField, strip

# -- admins ---------------------------------------------------------------------------------------------------


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Reason (shown on the verification page)"), filters=[strip], validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("Revoke the certificate"))


class ReinstateForm(Form):
    note = StringField(
        _l("Why it is reinstated (kept in the audit log)"), filters=[strip], validators=[Length(max=500)]
    )
    submit = SubmitField(_l("Reinstate"))


class ReissueForm(Form):
    learner_name = StringField(
        _l("Name as it must be printed"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    reason = StringField(
        _l("Reason (shown on the old certificate's verification page)"),
        filters=[strip],
        validators=[DataRequired(), Length(max=500)],
    )
    submit = SubmitField(_l("Re-issue"))


class DeclineForm(Form):
    note = TextAreaField(
        _l("Why (kept in the audit log)"), filters=[strip], validators=[DataRequired(), Length(max=500)]
    )
    submit = SubmitField(_l("Decline the certificate"))


# -- the studio's settings -------------------------------------------------------------------------------------

MAX_VALID_DAYS = 100 * 366


class CertificateSettingsForm(Form):
    enabled = BooleanField(_l("Learners who meet the requirements get a certificate"))
    requirements = MultiCheckboxField(_l("Requirements"))
    needs_approval = BooleanField(_l("An admin approves each certificate"))
    valid_for_days = IntegerField(
        _l("Valid for (days)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_VALID_DAYS)],
        description=_l("Leave empty: the certificate does not expire."),
    )
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators)
        if valid and self.enabled.data and not self.requirements.data:
            self.requirements.errors = [*self.requirements.errors, _l("Choose at least one requirement.")]
            valid = False
        return valid

    def options(self) -> dict[str, dict]:
        """The requirements chosen, each with its options as ``CertificateSettings.requirements`` stores them."""
        chosen = {}
        for name in self.requirements.data or []:
            field = self.choices_of(name)
            chosen[name] = {"only": list(field.data)} if field is not None and field.data else {}
        return chosen

    def choices_of(self, name: str):  # noqa: ANN201 - MultiCheckboxField | None
        """The field narrowing requirement ``name`` to some of its choices, if it offers any."""
        return getattr(self, choice_field(name), None)


def choice_field(name: str) -> str:
    return f"only_{name}"


def settings_form(course, settings):  # noqa: ANN001, ANN201
    """The form for ``course``, filled from its ``settings`` row (or the defaults) unless a POST fills it."""

    class CourseForm(CertificateSettingsForm):
        pass

    registered = rules.requirements()
    for requirement in registered:
        if requirement.choices is not None:
            field = MultiCheckboxField(requirement.label, choices=requirement.choices(course))
            setattr(CourseForm, choice_field(requirement.name), field)
    stored = (settings.requirements if settings else None) or {}
    data = {
        "enabled": bool(settings and settings.enabled),
        "needs_approval": bool(settings and settings.needs_approval),
        "valid_for_days": settings.valid_for_days if settings else None,
        "requirements": [name for name in stored if rules.get(name)],
    }
    for name, options in stored.items():
        data[choice_field(name)] = list((options or {}).get("only") or [])
    form = CourseForm(data=data)
    form.requirements.choices = [(requirement.name, str(requirement.label)) for requirement in registered]
    return form


# -- verification ---------------------------------------------------------------------------------------------


class CredentialUploadForm(Form):
    """A file to check. No CSRF token: checking writes nothing and tells the poster only about their own file
    (``POST /api/v1/verify`` does the same without one), and the verification page then needs no session
    (``certificates.views.verify``)."""

    class Meta:
        csrf = False

    file = FileField(
        _l("Credential file (JSON, PNG badge or PDF certificate)"),
        validators=[FileRequired(_l("Choose the file to check."))],
    )
    submit = SubmitField(_l("Check the file"))


class BulkForm(Form):
    file = FileField(
        _l("CSV file of certificate codes"),
        validators=[FileRequired(_l("Choose the CSV file of codes."))],
    )
    submit = SubmitField(_l("Check the codes"))
