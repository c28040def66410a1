"""Assessments: each course's question bank (categories, versioned questions of the item types registered
in ``assessments/items``), question interchange (``assessments/formats``), pre/post/practice assessments and
learners' attempts, grading, results, and later the analytics (learning gain, item analysis).

It stands on the core's seams: ``lms.signals`` (``attempt_submitted``), ``lms.tasks.enqueue``, permission
rules, and the courses package's gating hook to lock modules until the pre-test is done.
"""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from assessments import cli, demo, models, studio_views  # noqa: F401 - its tables register on import
    from assessments.delivery import AssessmentService
    from assessments.gates import pre_test_gate
    from courses.gating import register_gate
    from courses.studio.catalogue import register_kind
    from lms.demo import register_seeder
    from lms.xblock_host.services import register_service

    cli.init_app(app)
    studio_views.init_app(app)
    register_service("assessments", AssessmentService)
    register_gate("pre-test", pre_test_gate)
    register_seeder(demo.seed)  # after the courses' seeder: the demo courses exist by then
    register_kind(
        "assessment",
        _l("Assessment"),
        _l("A pre-test, post-test or practice test drawn from the course's question bank."),
        "exercises",
    )
