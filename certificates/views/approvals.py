"""The approval queue's pages, for programme admins (``certificates.manage``): the learners waiting (course,
cohort, name, eligible since; by pages), approve (issues the certificate) and decline with a note, after a
confirmation page; the declined learners (when, by whom, why; by pages), each of whom can be put back in the
queue. Each decision is a POST with CSRF, audited by ``certificates.approvals``."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certificates import approvals, services
from certificates.forms import DeclineForm
from certificates.models import PendingCertificate
from certificates.vc import codes
from certificates.views import bp
from lms.db import db
from lms.forms import ConfirmForm
from lms.permissions import permission_required
from lms.web import paginate


def _pending(pending_id: int) -> PendingCertificate:
    return db.session.get(PendingCertificate, pending_id) or abort(404)


@bp.get("/admin/certificates/approvals/")
@permission_required("certificates.manage")
def approvals_index():
    page = paginate(approvals.waiting())
    cohorts = approvals.cohorts({p.cohort_id for p in page.items if p.cohort_id})
    return render_template(
        "certificates/admin/approvals.html",
        page=page,
        cohorts=cohorts,
        approve_form=ConfirmForm(),
        declined_count=approvals.declined_count(),
    )


@bp.get("/admin/certificates/approvals/declined/")
@permission_required("certificates.manage")
def declined_index():
    page = paginate(approvals.declined())
    cohorts = approvals.cohorts({p.cohort_id for p in page.items if p.cohort_id})
    return render_template("certificates/admin/declined.html", page=page, cohorts=cohorts, form=ConfirmForm())


@bp.post("/admin/certificates/approvals/<int:pending_id>/reconsider")
@permission_required("certificates.manage")
def reconsider(pending_id: int):
    pending = _pending(pending_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        approvals.reconsider(pending, current_user.id)
    except approvals.NotDeclined:
        flash(_("This learner is no longer declined."), "error")
    else:
        flash(_("%(name)s is back in the queue.", name=pending.user.name), "success")
    return redirect(url_for("certificates.declined_index"))


@bp.post("/admin/certificates/approvals/<int:pending_id>/approve")
@permission_required("certificates.manage")
def approve(pending_id: int):
    pending = _pending(pending_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        certificate = approvals.approve(pending, current_user.id)
    except approvals.AlreadyDecided:
        flash(_("This learner was already approved or declined."), "error")
        return redirect(url_for("certificates.approvals_index"))
    except services.CannotIssue as refused:
        flash(_("The certificate could not be issued: %(why)s", why=str(refused)), "error")
        return redirect(url_for("certificates.approvals_index"))
    flash(
        _("Certificate %(code)s issued to %(name)s.", code=codes.normalise(certificate.code), name=pending.user.name),
        "success",
    )
    return redirect(url_for("certificates.approvals_index"))


@bp.route("/admin/certificates/approvals/<int:pending_id>/decline", methods=["GET", "POST"])
@permission_required("certificates.manage")
def decline(pending_id: int):
    pending = _pending(pending_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            approvals.decline(pending, current_user.id, form.note.data)
        except approvals.AlreadyDecided:
            flash(_("This learner was already approved or declined."), "error")
        else:
            flash(_("Certificate declined for %(name)s.", name=pending.user.name), "success")
        return redirect(url_for("certificates.approvals_index"))
    cohort = approvals.cohorts({pending.cohort_id}).get(pending.cohort_id) if pending.cohort_id else None
    status = 400 if form.is_submitted() else 200
    return render_template("certificates/admin/decline.html", pending=pending, cohort=cohort, form=form), status
