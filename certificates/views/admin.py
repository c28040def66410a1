"""Admin pages: find certificates (search, filter, pages), revoke with a reason, reinstate, re-issue under a
corrected name, and issue for a whole cohort with a progress page. Every change is a POST with CSRF, audited
by the service it calls."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from certificates import cohort_runs, services
from certificates.forms import ReinstateForm, ReissueForm, RevokeForm
from certificates.models import Certificate, CertificateState, IssueRun, RunState
from certificates.vc import codes
from certificates.views import bp
from lms.db import db
from lms.forms import ConfirmForm
from lms.permissions import permission_required
from lms.web import paginate

STATES = ("valid", "revoked")


def _search(query: str, state: str | None):  # noqa: ANN202
    from courses.models import Course
    from lms.accounts.models import User

    stmt = (
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .join(Course, Course.id == Certificate.course_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    if query:
        code = codes.normalise(query)
        like = f"%{query.lower()}%"
        conditions = [Certificate.learner_name.ilike(like), User.email.ilike(like), Course.code.ilike(like)]
        if code:
            conditions.append(Certificate.code == code.replace("-", ""))
        stmt = stmt.where(or_(*conditions))
    if state in STATES:
        stmt = stmt.where(Certificate.state == state)
    return stmt


@bp.get("/admin/certificates/")
@permission_required("certificates.manage")
def admin_index():
    query = request.args.get("q", "").strip()[:200]
    state = request.args.get("state") or None
    return render_template(
        "certificates/admin/index.html", page=paginate(_search(query, state)), q=query, state=state, codes=codes
    )


@bp.get("/admin/certificates/<code>")
@permission_required("certificates.manage")
def admin_detail(code: str):
    certificate = services.by_code(code) or abort(404)
    return render_template(
        "certificates/admin/detail.html",
        certificate=certificate,
        display=codes.normalise,
        revoke_form=RevokeForm(),
        reinstate_form=ReinstateForm(),
        reissue_form=ReissueForm(learner_name=certificate.learner_name),
    )


@bp.post("/admin/certificates/<code>/revoke")
@permission_required("certificates.manage")
def admin_revoke(code: str):
    certificate = services.by_code(code) or abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail_with_errors(certificate, revoke_form=form)
    services.revoke(certificate, form.reason.data, current_user.id)
    flash(_("Certificate %(code)s revoked.", code=codes.normalise(certificate.code)), "success")
    return redirect(url_for("certificates.admin_detail", code=certificate.code))


@bp.post("/admin/certificates/<code>/reinstate")
@permission_required("certificates.manage")
def admin_reinstate(code: str):
    certificate = services.by_code(code) or abort(404)
    form = ReinstateForm()
    if not form.validate_on_submit():
        return _detail_with_errors(certificate, reinstate_form=form)
    if certificate.superseded:
        flash(_("A re-issued certificate cannot be reinstated: its replacement is the valid one."), "error")
        return redirect(url_for("certificates.admin_detail", code=certificate.code))
    services.reinstate(certificate, current_user.id, form.note.data or "")
    flash(_("Certificate %(code)s reinstated.", code=codes.normalise(certificate.code)), "success")
    return redirect(url_for("certificates.admin_detail", code=certificate.code))


@bp.post("/admin/certificates/<code>/reissue")
@permission_required("certificates.manage")
def admin_reissue(code: str):
    certificate = services.by_code(code) or abort(404)
    form = ReissueForm()
    if not form.validate_on_submit():
        return _detail_with_errors(certificate, reissue_form=form)
    try:
        new = services.reissue(certificate, form.learner_name.data, current_user.id, form.reason.data)
    except services.CannotIssue as refused:
        form.form_errors.append(str(refused))
        return _detail_with_errors(certificate, reissue_form=form, status=409)
    flash(_("Re-issued as %(code)s; the old certificate is revoked.", code=codes.normalise(new.code)), "success")
    return redirect(url_for("certificates.admin_detail", code=new.code))


def _detail_with_errors(certificate: Certificate, status: int = 400, **forms):  # noqa: ANN003, ANN202
    chosen = {
        "revoke_form": RevokeForm(formdata=None),
        "reinstate_form": ReinstateForm(formdata=None),
        "reissue_form": ReissueForm(formdata=None, learner_name=certificate.learner_name),
        **forms,
    }
    page = render_template("certificates/admin/detail.html", certificate=certificate, display=codes.normalise, **chosen)
    return page, status


# -- a cohort at once ---------------------------------------------------------------------------------------


@bp.route("/admin/certificates/cohorts/<int:cohort_id>/issue", methods=["GET", "POST"])
@permission_required("certificates.manage")
def admin_issue_cohort(cohort_id: int):
    from lms.cohorts.models import Cohort

    cohort = db.session.get(Cohort, cohort_id) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        issue_run = cohort_runs.start(cohort.id, current_user.id)
        return redirect(url_for("certificates.admin_run", run_id=issue_run.id))
    learners = len(cohort_runs.active_learners(cohort.id))
    holding = db.session.scalar(
        select(func.count()).where(
            Certificate.cohort_id == cohort.id, ~Certificate.superseded, Certificate.state == CertificateState.VALID
        )
    )
    return render_template(
        "certificates/admin/issue_cohort.html", cohort=cohort, form=form, learners=learners, holding=holding
    )


@bp.get("/admin/certificates/runs/<int:run_id>")
@permission_required("certificates.manage")
def admin_run(run_id: int):
    issue_run = db.session.get(IssueRun, run_id) or abort(404)
    running = issue_run.state in (RunState.QUEUED, RunState.RUNNING)
    return render_template("certificates/admin/run.html", run=issue_run, refresh=2 if running else None)
