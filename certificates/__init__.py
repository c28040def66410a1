"""Certificates: completion rules, issuance, Open Badges 3.0 signing, renderings, verification and
revocation (next issues). Today it owns the public verification page's address, so verifiers have a
place to check a code, the dashboard's verify box that leads there, and the "My certificates" dashboard
panel; they answer honestly that no certificate has been issued by this installation yet.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from certificates import views
    from lms.dashboard import register_panel
    from lms.permissions import can

    app.register_blueprint(views.bp)
    # Every learner's dashboard has the panel; issuance (next issue) will fill it.
    register_panel("my_certificates", "certificates/panels/my_certificates.html", lambda user: True, order=6)
    register_panel("verify", "certificates/panels/verify.html", lambda user: can("verify", user=user), order=40)
