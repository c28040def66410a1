"""Certificates: completion rules, issuance, Open Badges 3.0 signing, renderings, verification and revocation.

- ``vc/``: the standards, with no Flask: contexts pinned by hash, canonicalisation, Ed25519 proofs, status
  lists, certificate codes, the verification checklist (also run offline by ``lms verify``);
- ``models``, ``keys`` (where private keys live, rotation, the DID document), ``credential`` (the Open Badges
  3.0 document), ``status`` (revocation lists), ``services`` (issue, re-issue, revoke, reinstate),
  ``verification`` (the checklist with this installation's keys and database);
- ``rendering/``: the PDF and the baked PNG badge;
- ``views/``: published documents, the learner's pages, verification pages, admin pages.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from certificates import cli, models, permissions, views  # noqa: F401 - tables, permission rules
    from certificates.views import learner
    from lms.dashboard import register_panel, register_public_panel
    from lms.permissions import can

    app.register_blueprint(views.bp)
    cli.init_app(app)
    from certificates import api

    api.init_app(app)
    register_panel("verify", "certificates/panels/verify.html", lambda user: can("verify", user=user), order=40)
    register_panel(
        "my-certificates",
        "certificates/panels/mine.html",
        lambda user: True,
        context=lambda user: {"certificates": found} if (found := learner.mine(user.id)) else None,
        order=15,
    )
    # Anyone may check a certificate: the landing page offers the same box to visitors.
    register_public_panel("verify", "certificates/panels/verify.html", order=40)
    _register_links()


def _register_links() -> None:
    from flask import url_for
    from flask_babel import gettext as _
    from flask_babel import lazy_gettext as _l

    from lms.navigation import Link, register_cohort_link, register_menu_item
    from lms.permissions import can

    register_menu_item(
        "my_certificates",
        _l("My certificates"),
        "certificates.my_certificates",
        lambda user: user.has_role("learner"),
        12,
    )
    register_menu_item(
        "certificates",
        _l("Certificates"),
        "certificates.admin_index",
        lambda user: can("certificates.manage", user=user),
        60,
    )
    register_cohort_link(
        "certificates",
        lambda cohort: (
            Link(_("Issue certificates"), url_for("certificates.admin_issue_cohort", cohort_id=cohort.id))
            if can("certificates.manage")
            else None
        ),
    )
