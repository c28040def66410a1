"""Certificates' pages, one module per audience, on one blueprint (``certificates``):

- ``published``: what the issuer publishes for any verifier: its DID document, the revocation status lists;
- ``learner``: "My certificates", a certificate's page and its downloads (JSON, PDF, PNG badge);
- ``verify``: the public verification pages (by code, by uploaded file, in bulk);
- ``admin``: finding, revoking, reinstating and re-issuing certificates, issuing for a cohort.
"""

from flask import Blueprint

bp = Blueprint("certificates", __name__, template_folder="../templates")

from certificates.views import (  # noqa: E402, F401 - routes
    admin,  # noqa: E402, F401 - routes
    learner,
    published,
    verify,  # noqa: E402, F401 - routes
)
