"""Assessments: each course's question bank (categories, versioned questions of the item types registered
in ``assessments/items``), question interchange (``assessments/formats``), pre/post/practice assessments and
learners' attempts, grading, results, and later the analytics (learning gain, item analysis).

It stands on the core's seams: ``lms.signals`` (``attempt_submitted``), ``lms.tasks.enqueue``, permission
rules, and the courses package's gating hook to lock modules until the pre-test is done.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from assessments import models  # noqa: F401 - its tables register on import
