"""The verification pages' upload forms: one credential file (JSON, PNG or PDF), and a CSV of codes.

Kept apart from ``certificates/forms.py`` (the admins' and the studio's forms) because they serve the public
and the verifier role; both are multipart and carry the CSRF token of every form.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from lms.forms import Form


class CredentialUploadForm(Form):
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
