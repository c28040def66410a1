"""Certificates: completion rules, issuance, Open Badges 3.0 signing, renderings, verification and revocation.

- ``vc/``: the standards, with no Flask: contexts pinned by hash, canonicalisation, Ed25519 proofs, status
  lists, certificate codes, the verification checklist (also run offline by ``lms verify``);
- ``models``, ``keys`` (where private keys live, rotation, the DID document), ``credential`` (the Open Badges
  3.0 document), ``status`` (revocation lists), ``services`` (issue, re-issue, revoke, reinstate),
  ``verification`` (the checklist with this installation's keys and database), ``lookup`` (checking a stored
  certificate by code: its proof remembered, revocation and validity live), ``bulk`` (a CSV of codes in, a
  report out), ``throttle`` (the public checks' per-client rate limit), ``api`` (the public JSON API);
- ``rules`` (the completion rules' registry and a learner's evaluation), ``awarding`` (issuing, or queueing
  for approval, when a fact signal may have made a learner eligible), ``approvals`` (the approval queue);
- ``rendering/``: the PDF and the baked PNG badge;
- ``views/``: published documents, the learner's pages, verification pages, admin pages.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from certificates import awarding, cli, models, permissions, views  # noqa: F401 - tables, permission rules
    from certificates.views import approvals, course_rules, learner  # noqa: F401 - routes
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
    from certificates import demo
    from lms.demo import register_seeder

    register_seeder(demo.seed)  # after the assessments' seeder: simulated learners have taken their tests
    _register_rules_pages()
    awarding.connect()


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


def _register_rules_pages() -> None:
    """The completion rules' pages: the studio's "Certificate" page, the learner's panel on the course outline,
    and the approval queue's count on an admin's dashboard."""
    from flask_babel import lazy_gettext as _l

    from certificates import approvals
    from certificates.views import course_rules
    from courses.courseware.panels import register_outline_panel
    from courses.studio.links import register_course_page
    from lms.dashboard import register_panel
    from lms.permissions import can

    register_course_page("certificates.course_settings", _l("Certificate"), order=60)
    register_outline_panel("certificate", "certificates/panels/course_progress.html", course_rules.outline_panel)
    register_panel(
        "certificate-approvals",
        "certificates/panels/approvals.html",
        lambda user: can("certificates.manage", user=user),
        context=lambda _user: {"waiting": approvals.waiting_count()},
        order=45,
    )
