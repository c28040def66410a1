"""The XBlock host: the LMS as a genuine XBlock runtime.

``runtime.py`` (one runtime per request and user), ``kvs.py`` and ``models.py`` (every field scope in
SQL, or in an immutable published snapshot), ``services.py`` (user, i18n, settings, replace_urls),
``tokens.py`` and ``views.py`` (signed handler URLs, resources), ``registry.py`` (allowed block types),
``context.py`` (the seam to the package that owns courses), ``page.py`` and ``static/`` (the browser
runtime). The blocks themselves live with the domains that own them (``courses/blocks``).
"""

from __future__ import annotations

from flask import Flask

from lms.xblock_host import django_setup

# Before any xblock module is imported: xblock.reference checks for a configured Django on import.
django_setup.configure()


def init_app(app: Flask) -> None:
    from lms.xblock_host import models  # noqa: F401 - models register their tables
    from lms.xblock_host.registry import BlockTypes
    from lms.xblock_host.views import bp

    app.extensions["xblock_types"] = BlockTypes(app.config.get("XBLOCK_ALLOWLIST"))
    app.register_blueprint(bp)
