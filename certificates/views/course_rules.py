"""A course's certificate, seen from the course: the studio's "Certificate" settings page (for the people who
may edit the course, ``course.edit``) and the panel on the learner's outline saying what the certificate still
needs, or that it is earned (registered with ``courses.courseware.panels``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from certificates import rules
from certificates.forms import settings_form
from certificates.models import ApprovalState, PendingCertificate
from certificates.views import bp
from lms.db import db
from lms.permissions import require


def _editable_course(code: str):  # noqa: ANN202
    from courses import queries

    course = queries.by_code(code) or abort(404)
    require("course.edit", course)
    return course


@bp.route("/studio/courses/<code>/certificate", methods=["GET", "POST"])
def course_settings(code: str):
    course = _editable_course(code)
    form = settings_form(course, rules.settings_of(course.id))
    if form.validate_on_submit():
        rules.save_settings(
            course,
            enabled=form.enabled.data,
            requirements=form.options(),
            needs_approval=form.needs_approval.data,
            valid_for_days=form.valid_for_days.data,
        )
        flash(_("Certificate settings saved."), "success")
        return redirect(url_for("certificates.course_settings", code=course.code))
    status = 400 if request.method == "POST" else 200
    requirements = [(r, form.choices_of(r.name)) for r in rules.requirements()]
    return render_template(
        "certificates/course_settings.html", course=course, form=form, requirements=requirements
    ), status


def outline_panel(user, course) -> dict | None:  # noqa: ANN001
    """The outline's certificate panel: None for a course without certificates."""
    from certificates import services

    settings = rules.settings_of(course.id)
    if settings is None or not settings.enabled:
        return None
    certificate = services.current_certificate(user.id, course.id)
    if certificate is not None:
        return {"certificate": certificate}
    evaluation = rules.evaluate(user.id, course.id)
    pending = None
    if settings.needs_approval and evaluation.eligible:
        pending = db.session.scalar(
            db.select(PendingCertificate).where(
                PendingCertificate.user_id == user.id, PendingCertificate.course_id == course.id
            )
        )
    return {"evaluation": evaluation, "pending": pending, "declined": ApprovalState.DECLINED}
