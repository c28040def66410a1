"""Admin pages for people: search and page through users, create and edit accounts, invitations, outbox."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms import mail
from lms.accounts import queries, services
from lms.accounts.forms import InvitationForm, UserAdminForm
from lms.accounts.models import Invitation, User
from lms.db import db
from lms.forms import ConfirmForm, add_error
from lms.institutions.queries import all_institutions
from lms.permissions import permission_required
from lms.web import paginate

bp = Blueprint("users_admin", __name__, url_prefix="/admin")


@bp.get("/users")
@permission_required("admin.users")
def users():
    query = request.args.get("q", "").strip()
    role = request.args.get("role") or None
    page = paginate(queries.search_users(query, role))
    return render_template("accounts/admin_users.html", page=page, q=query, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required("admin.users")
def new_user():
    form = UserAdminForm(all_institutions())
    if request.method == "GET":
        form.roles.data = ["learner"]
        form.language.data = current_app.config["DEFAULT_LANGUAGE"]
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data,
                form.name.data,
                roles=form.roles.data,
                institution_id=form.institution_id.data or None,
                language=form.language.data,
                gender=form.gender.data,
                via="admin",
            )
        except services.AccountError as error:
            add_error(form, error.field, error.message)
        else:
            services.send_welcome(user)
            flash(_("Account created; %(email)s received a link to choose a password.", email=user.email), "success")
            return redirect(url_for("users_admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/admin_user_edit.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("admin.users")
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserAdminForm(all_institutions(), obj=user)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.institution_id.data = user.institution_id or 0
        form.gender.data = user.gender or ""
    form.email.data = user.email  # the address is the login; it is not edited here
    if form.validate_on_submit():
        try:
            services.update_profile(
                user,
                name=form.name.data,
                language=form.language.data,
                gender=form.gender.data,
                institution_id=form.institution_id.data or None,
            )
            services.set_roles(user, form.roles.data)
            if form.active.data != user.active:
                services.set_active(user, form.active.data)
        except services.AccountError as error:
            db.session.rollback()
            add_error(form, error.field, error.message)
        else:
            flash(_("Account saved."), "success")
            return redirect(url_for("users_admin.users"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/admin_user_edit.html", form=form, user=user), status


@bp.route("/invitations", methods=["GET", "POST"])
@permission_required("admin.users")
def invitations():
    form = InvitationForm(all_institutions())
    if request.method == "GET":
        form.roles.data = ["learner"]
    if form.validate_on_submit():
        try:
            invitation, _raw = services.create_invitation(
                form.email.data, form.roles.data, form.institution_id.data or None, by=_current_admin()
            )
        except services.AccountError as error:
            add_error(form, error.field, error.message)
        else:
            flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
            return redirect(url_for("users_admin.invitations"))
    pending = db.session.scalars(select(Invitation).order_by(Invitation.created_at.desc()).limit(200)).all()
    status = 400 if request.method == "POST" else 200
    return (
        render_template("accounts/admin_invitations.html", form=form, invitations=pending, confirm_form=ConfirmForm()),
        status,
    )


@bp.post("/invitations/<int:invitation_id>/revoke")
@permission_required("admin.users")
def revoke_invitation(invitation_id: int):
    invitation = db.session.get(Invitation, invitation_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_invitation(invitation)
    flash(_("Invitation revoked."), "info")
    return redirect(url_for("users_admin.invitations"))


@bp.get("/outbox")
@permission_required("admin.outbox")
def outbox():
    return render_template(
        "accounts/admin_outbox.html",
        messages=mail.outbox(),
        undelivered=mail.undelivered(),
        backend=current_app.config["MAIL_BACKEND"],
    )


def _current_admin() -> User:
    from flask_login import current_user

    from lms.accounts.session_user import user_record

    return user_record(current_user)
