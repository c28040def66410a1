"""Courses: the catalogue, the authoring studio, versions, OLX import and export, learner courseware,
progress and completion, and our XBlocks (``courses/blocks``), including the hospital track's
skills-transfer blocks.

``init_app`` plugs the package into the core's seams: permission rules, the XBlock learning-context
resolver, the cohort course catalogue, dashboard panels, menu items, demo seeding, signals and CLI.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from courses import (  # noqa: F401 - models and rules register themselves on import
        assets,
        context,
        demo,
        models,
        progress,
        queries,
        rules,
    )
    from courses import views as file_views
    from courses.assessor import views as assessor_views
    from courses.courseware import instructor
    from courses.courseware import views as courseware_views
    from courses.olx import models as olx_models  # noqa: F401 - its tables register on import
    from courses.olx import views as olx_views
    from courses.studio import blueprint as studio
    from courses.studio import components, files, views  # noqa: F401 - their routes register on studio.bp
    from lms import signals
    from lms.cohorts.catalogue import register_course_provider, register_staffed_courses
    from lms.demo import register_seeder
    from lms.xblock_host.context import register_resolver

    register_resolver(context.resolve)
    register_course_provider(queries.offerable_by)
    register_staffed_courses(queries.staffed_by)
    register_seeder(demo.seed)
    modules = (studio, courseware_views, instructor, olx_views, assessor_views)
    app.register_blueprint(file_views.bp)  # course files; also the package's template folder
    for module in modules:
        app.register_blueprint(module.bp)
    signals.xblock_event.connect(progress.on_xblock_event)
    for module in modules:
        if hasattr(module, "init_app"):
            module.init_app(app)  # menu items, panels, signal receivers, CLI commands
