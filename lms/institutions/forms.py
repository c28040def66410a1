"""Institution form."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import Form
from lms.institutions.models import InstitutionKind


def kind_choices():
    return [
        (InstitutionKind.HOSPITAL.value, _l("Hospital")),
        (InstitutionKind.IPRC.value, _l("IPRC")),
        (InstitutionKind.OTHER.value, _l("Other")),
    ]


class InstitutionForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(
        _l("Short code"),
        validators=[DataRequired(), Length(max=40)],
        description=_l("Lower-case letters, digits and hyphens, e.g. chuk-kigali."),
    )
    kind = SelectField(_l("Kind"), choices=lambda: kind_choices())
    city = StringField(_l("City or district"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Save"))
