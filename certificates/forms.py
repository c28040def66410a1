"""Certificates' forms: revoking with a reason, re-issuing under a corrected name, declining an approval."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.forms import Form, strip


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
