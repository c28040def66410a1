"""Flask extension objects, created unbound here and initialised in :func:`lms.app.create_app`.

The API (flask-smorest) is built per app in ``lms/api`` because its OpenAPI document belongs to one app.
"""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
migrate = Migrate()
