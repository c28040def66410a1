"""Assessments: each course's question bank (categories, versioned questions of the item types registered
in ``assessments/items``), question interchange (``assessments/formats``), pre/post/practice assessments and
learners' attempts, grading, results, and the analytics: pure statistics (``analytics/``) and the learning-gain
and item-analysis reports (``reports/``).

It stands on the core's seams: ``lms.signals`` (``attempt_submitted``, ``attempt_graded``), ``lms.tasks.enqueue``,
permission rules (``rules.py``), the menu, dashboard and cohort links (the instructor's pages, ``views/``), the
API (``api.py``), and the courses package's gating hook to lock modules until the pre-test is done and its grades
(``courses.progress.record_grade``), and the OLX archive parts, so an exported course carries its bank
(``archive.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Flask is imported by init_app only: the pure parts (analytics, formats) load without it
    from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from assessments import api, archive, cli, demo, models, rules, studio_views, views  # noqa: F401 - tables, rules
    from assessments.delivery import AssessmentService
    from assessments.gates import pre_test_gate
    from assessments.reports import access as report_access  # noqa: F401 - the reports.view rule
    from assessments.reports import api as report_api
    from assessments.reports import views as report_views
    from courses.gating import register_gate
    from courses.olx.parts import register_archive_part
    from courses.studio.catalogue import register_kind
    from lms import api as lms_api
    from lms.demo import register_seeder
    from lms.xblock_host.services import register_service

    cli.init_app(app)
    studio_views.init_app(app)
    app.register_blueprint(views.bp)  # the instructor's pages
    views.init_app(app)  # menu item, cohort link, dashboard panel, the course's studio link
    lms_api.mount(app, api.blp, "")
    report_views.init_app(app)  # the learning-gain and item-analysis reports, their menu item
    lms_api.mount(app, report_api.blp, "")
    register_service("assessments", AssessmentService)
    register_gate("pre-test", pre_test_gate)
    register_archive_part(archive.PART)  # a course archive carries the course's question bank
    register_seeder(demo.seed)  # after the courses' seeder: the demo courses exist by then
    register_kind(
        "assessment",
        _l("Assessment"),
        _l("A pre-test, post-test or practice test drawn from the course's question bank."),
        "exercises",
    )
