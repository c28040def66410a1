"""Certificates: completion rules, issuance, Open Badges 3.0 signing, renderings, verification and
revocation (next issues). Today it owns the public verification page's address, so verifiers have a
place to check a code; it answers honestly that no certificate has been issued by this installation.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from certificates import views

    app.register_blueprint(views.bp)
