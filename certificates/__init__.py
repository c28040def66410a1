"""Certificates: completion rules, issuance, Open Badges 3.0 signing, renderings, verification and
revocation (next issues). Today it owns the public verification page's address, so verifiers have a
place to check a code, and the verify box that leads there (on the dashboard and the landing page); they
answer honestly that no certificate has been issued by this installation yet. Learners are promised
nothing: there is no "My certificates" panel until a course can give a certificate (issuance will
register it).
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from certificates import cli, models, views  # noqa: F401 - tables
    from lms.dashboard import register_panel, register_public_panel
    from lms.permissions import can

    app.register_blueprint(views.bp)
    cli.init_app(app)
    register_panel("verify", "certificates/panels/verify.html", lambda user: can("verify", user=user), order=40)
    # Anyone may check a certificate: the landing page offers the same box to visitors.
    register_public_panel("verify", "certificates/panels/verify.html", order=40)
