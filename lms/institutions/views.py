"""Admin pages for institutions: list, add, edit, delete (with confirmation)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.db import db
from lms.forms import ConfirmForm, add_error
from lms.institutions import queries, services
from lms.institutions.forms import InstitutionForm
from lms.institutions.models import Institution
from lms.permissions import permission_required

bp = Blueprint("institutions", __name__, url_prefix="/admin/institutions")


@bp.get("/")
@permission_required("admin.institutions")
def index():
    return render_template(
        "institutions/index.html", institutions=queries.all_institutions(), counts=queries.user_counts()
    )


@bp.route("/new", methods=["GET", "POST"], defaults={"institution_id": None})
@bp.route("/<int:institution_id>/edit", methods=["GET", "POST"])
@permission_required("admin.institutions")
def edit(institution_id: int | None):
    institution = None
    if institution_id is not None:
        institution = db.session.get(Institution, institution_id) or abort(404)
    form = InstitutionForm(obj=institution)
    if form.validate_on_submit():
        try:
            services.save_institution(
                institution, code=form.code.data, name=form.name.data, kind=form.kind.data, city=form.city.data
            )
        except services.InstitutionError as error:
            add_error(form, error.field, error.message)
        else:
            flash(_("Institution saved."), "success")
            return redirect(url_for("institutions.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("institutions/edit.html", form=form, institution=institution), status


@bp.route("/<int:institution_id>/delete", methods=["GET", "POST"])
@permission_required("admin.institutions")
def delete(institution_id: int):
    institution = db.session.get(Institution, institution_id) or abort(404)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            services.delete_institution(institution)
        except services.InstitutionError as exc:
            error = exc.message
        else:
            flash(_("Institution deleted."), "info")
            return redirect(url_for("institutions.index"))
    return (
        render_template(
            "confirm.html",
            form=form,
            error=error,
            title=_("Delete %(name)s?", name=institution.name),
            message=_("This cannot be undone."),
            cancel_url=url_for("institutions.index"),
            danger=True,
        ),
        409 if error else 200,
    )
