"""Flask extension objects, created unbound here and initialised in :func:`lms.app.create_app`.

The API (flask-smorest) is built per app in ``lms/api`` because its OpenAPI document belongs to one app.
"""

from flask import request
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect


class VisitorAwareLoginManager(LoginManager):
    """Flask-Login, answering a request that carries no cookie at all with the anonymous user at once.

    Such a request (a first visit, a scanned certificate QR code) has no session and no remember-me cookie,
    and this app has no request or header loader, so Flask-Login's own path ends with the anonymous user too;
    on the way it opens the empty session and hashes the client's address and agent for session protection.
    Skipping that is part of the public certificate page's speed floor (bench/certificates.py).
    """

    def _load_user(self) -> None:
        loaders = (getattr(self, "_request_callback", None), getattr(self, "_header_callback", None))
        if not request.cookies and loaders == (None, None):
            return self._update_request_context_with_user()
        return super()._load_user()


login_manager = VisitorAwareLoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
