"""The studio's OLX import form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from lms.forms import Form


class ImportForm(Form):
    archive = FileField(
        _l("Course archive (.tar.gz)"),
        validators=[FileRequired(_l("Choose the .tar.gz file exported from Open edX Studio."))],
        description=_l("In Open edX Studio: Tools → Export → Export course content."),
        render_kw={"accept": ".tar.gz,.tgz,application/gzip"},
    )
    code = StringField(
        _l("Course code (optional)"),
        validators=[Optional(), Length(max=40)],
        description=_l("Leave empty to use the export's organisation, course and run, e.g. RP-ELEC101-2025."),
    )
    submit = SubmitField(_l("Import course"))
