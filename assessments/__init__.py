"""Assessments (next issue): question bank, item types, pre/post/practice assessments, attempts and
grading, question import/export, analytics (learning gain, item analysis) and reports.

It will stand on the core's seams: ``lms.signals`` (``attempt_submitted``), ``lms.tasks.enqueue``,
permission rules, and the courses package's gating hook to lock modules until the pre-test is done.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing to register yet."""
