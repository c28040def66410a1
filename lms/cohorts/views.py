"""Cohort pages: list, create, edit, learners, enroll, CSV import, withdraw.

Who may do what is in ``lms/cohorts/rules.py``: the cohort's page is seen by those who run it (admins, the
course's owner and co-authors) and its instructors; every change is made by those who run it.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from lms.accounts.models import Role, User, UserRole
from lms.cohorts import catalogue, queries, services
from lms.cohorts.forms import CohortForm, EnrollForm, ImportForm
from lms.cohorts.models import Cohort, Enrollment
from lms.db import db
from lms.forms import ConfirmForm, add_error
from lms.institutions.queries import all_institutions
from lms.permissions import permission_required, require
from lms.web import paginate

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


def _get_cohort(cohort_id: int, permission: str = "cohort.manage") -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    require(permission, cohort)
    return cohort


@bp.get("/")
@permission_required("cohort.list")
def index():
    q = request.args.get("q", "").strip()
    page = paginate(queries.visible_cohorts(current_user, q))
    counts = queries.enrollment_counts([cohort.id for cohort in page.items])
    return render_template("cohorts/index.html", page=page, counts=counts, q=q)


def _cohort_form(cohort: Cohort | None) -> CohortForm:
    form = CohortForm(obj=cohort)
    courses = catalogue.course_choices(current_user)
    if cohort is not None and cohort.course_id not in {cid for cid, _label in courses}:
        courses.append((cohort.course_id, cohort.course.title))
    form.course_id.choices = [(0, _("— choose —"))] + courses
    form.institution_id.choices = [(i.id, i.name) for i in all_institutions()]
    staff = db.session.scalars(
        select(User)
        .where(User.role_rows.any(UserRole.role.in_([Role.AUTHOR, Role.ASSESSOR, Role.ADMIN])), User.active)
        .order_by(User.name)
    ).all()
    form.instructor_ids.choices = [(u.id, f"{u.name} <{u.email}>") for u in staff]
    if request.method == "GET" and cohort is not None:
        form.instructor_ids.data = [u.id for u in cohort.instructors]
    elif request.method == "GET":
        form.institution_id.data = current_user.institution_id
    return form


@bp.route("/new", methods=["GET", "POST"], defaults={"cohort_id": None})
@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
def edit(cohort_id: int | None):
    if cohort_id is None:
        require("cohort.create")
        cohort = None
    else:
        cohort = _get_cohort(cohort_id)
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        if form.course_id.data not in {cid for cid, _label in form.course_id.choices if cid}:
            add_error(form, "course_id", _("Choose a course."))
        else:
            instructors = [
                u for u in db.session.scalars(select(User).where(User.id.in_(form.instructor_ids.data or [])))
            ]
            try:
                cohort = services.save_cohort(
                    cohort,
                    name=form.name.data,
                    course_id=form.course_id.data,
                    institution_id=form.institution_id.data,
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                    instructors=instructors,
                    by=current_user,
                )
            except services.CohortError as error:
                add_error(form, error.field, error.message)
            else:
                flash(_("Cohort saved."), "success")
                return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    status = 400 if request.method == "POST" else 200
    return render_template("cohorts/edit.html", form=form, cohort=cohort), status


def _detail_page(cohort: Cohort, enroll_form=None, import_form=None, report=None, status=200):
    q = request.args.get("q", "").strip()
    page = paginate(queries.cohort_enrollments(cohort, q))
    return (
        render_template(
            "cohorts/detail.html",
            cohort=cohort,
            page=page,
            q=q,
            enroll_form=enroll_form or EnrollForm(),
            import_form=import_form or ImportForm(),
            confirm_form=ConfirmForm(),
            report=report,
        ),
        status,
    )


@bp.get("/<int:cohort_id>")
def detail(cohort_id: int):
    return _detail_page(_get_cohort(cohort_id, "cohort.view"))


@bp.post("/<int:cohort_id>/enroll")
def enroll(cohort_id: int):
    cohort = _get_cohort(cohort_id)
    form = EnrollForm()
    if form.validate_on_submit():
        try:
            enrollment, created, new = services.enroll_by_email(cohort, form.email.data, form.name.data)
        except services.CohortError as error:
            add_error(form, error.field, error.message)
        else:
            user = enrollment.user
            if not new:
                flash(_("%(name)s was already enrolled.", name=user.name), "info")
            elif created:
                flash(
                    _("Account created for %(name)s and enrolled; a welcome e-mail is on its way.", name=user.name),
                    "success",
                )
            else:
                flash(_("%(name)s enrolled.", name=user.name), "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return _detail_page(cohort, enroll_form=form, status=400)


@bp.post("/<int:cohort_id>/import")
def import_csv(cohort_id: int):
    cohort = _get_cohort(cohort_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _detail_page(cohort, import_form=form, status=400)
    report = services.import_enrollments_csv(cohort, form.file.data.read())
    if not report.ok:
        # Nothing was written; the teardown rolls back anyway because of the 400.
        return _detail_page(cohort, import_form=form, report=report, status=400)
    flash(
        # Translators: e.g. "Imported: 3 enrolled (2 new accounts), 1 already enrolled."; each count's part is
        # translated on its own, with its plural forms.
        _(
            "Imported: %(enrolled)s (%(created)s), %(already)s.",
            enrolled=ngettext("%(num)d enrolled", "%(num)d enrolled", report.enrolled),
            created=ngettext("%(num)d new account", "%(num)d new accounts", report.accounts_created),
            already=ngettext("%(num)d already enrolled", "%(num)d already enrolled", report.already_enrolled),
        ),
        "success",
    )
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/enrollments/<int:enrollment_id>/withdraw", methods=["GET", "POST"])
def withdraw(cohort_id: int, enrollment_id: int):
    cohort = _get_cohort(cohort_id)
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.cohort_id != cohort.id:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.withdraw(enrollment)
        flash(_("%(name)s withdrawn from the cohort.", name=enrollment.user.name), "info")
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template(
        "confirm.html",
        form=form,
        title=_("Withdraw %(name)s from %(cohort)s?", name=enrollment.user.name, cohort=cohort.name),
        message=_("Their progress is kept; enrolling them again restores access."),
        cancel_url=url_for("cohorts.detail", cohort_id=cohort.id),
        danger=True,
    )
