"""The site's identity: the name and logo a deployment gives it (``LMS_SITE_NAME``, ``LMS_SITE_LOGO``).

Templates read them as ``site_name`` and ``site_logo_url`` (the header, page titles, the footer, the
landing page); mail subjects and bodies through ``site_name()``. The logo is a file on the server (an
image of the deployment's own, such as Rwanda Polytechnic's), served from ``/site-logo``: no page loads
anything from another origin.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_file, url_for

from lms.config import LOGO_TYPES

bp = Blueprint("site", __name__)

# Opened on its own, an SVG logo runs no script and loads nothing.
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def site_name() -> str:
    return current_app.config["SITE_NAME"]


def logo_path() -> Path | None:
    configured = current_app.config.get("SITE_LOGO")
    return Path(configured) if configured else None


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def inject_site():
        return {"site_name": site_name(), "site_logo_url": url_for("site.logo") if logo_path() else None}


@bp.get("/site-logo")
def logo():
    path = logo_path()
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=LOGO_TYPES[path.suffix.lower()], max_age=3600)
    response.headers["Content-Security-Policy"] = LOGO_POLICY
    return response
