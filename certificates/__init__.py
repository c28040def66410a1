"""Certificates: completion rules, issuance, Open Badges 3.0 signing, renderings, verification and
revocation (next issues). Today it owns the public verification page's address, so verifiers have a
place to check a code, the verify box that leads there (on the dashboard and the landing page), and the
"My certificates" dashboard panel; they answer honestly that no certificate has been issued by this installation yet.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from certificates import views
    from lms.dashboard import register_panel, register_public_panel
    from lms.permissions import can

    app.register_blueprint(views.bp)
    # Every learner's dashboard has the panel (issuance, next issue, will fill it); staff who are not learners
    # do not get an empty one.
    register_panel(
        "my_certificates", "certificates/panels/my_certificates.html", lambda user: user.has_role("learner"), order=6
    )
    register_panel("verify", "certificates/panels/verify.html", lambda user: can("verify", user=user), order=40)
    # Anyone may check a certificate: the landing page offers the same box to visitors.
    register_public_panel("verify", "certificates/panels/verify.html", order=40)
