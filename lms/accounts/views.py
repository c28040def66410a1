"""Account pages for everyone: log in and out (here or everywhere), register, reset and change a password,
profile, API tokens."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from lms import rate_limits
from lms.accounts import checks, logins, services
from lms.accounts import tokens as api_tokens
from lms.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegistrationForm,
    ResetPasswordForm,
)
from lms.accounts.models import ApiToken, Role
from lms.accounts.session_user import user_record
from lms.db import db
from lms.forms import ConfirmForm, add_error
from lms.institutions.queries import all_institutions
from lms.permissions import permission_required
from lms.request_transaction import keep_writes_on_error, writes
from lms.web import client_ip, safe_next

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, client_ip())
        except services.LoginThrottled as throttled:
            minutes = max(1, -(-throttled.retry_after // 60))
            form.form_errors.append(
                ngettext(
                    "Too many failed attempts. Try again in %(num)d minute or reset your password.",
                    "Too many failed attempts. Try again in %(num)d minutes or reset your password.",
                    minutes,
                )
            )
            response = current_app.make_response((render_template("accounts/login.html", form=form), 429))
            response.headers["Retry-After"] = str(throttled.retry_after)
            return response
        if user is None:
            keep_writes_on_error()  # the failure record must survive the error response
            form.form_errors.append(_("The e-mail address or the password is not correct."))
            status = 401
        else:
            logins.log_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logins.log_out()  # the log-in itself ends: a copy of this session's cookies no longer works either
    flash(_("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"], defaults={"token": None})
@bp.route("/register/<token>", methods=["GET", "POST"])
@writes  # a logged-in visitor is logged out first, and that deletes the log-in's record, on GET too
def register(token: str | None):
    invitation = services.invitation_for_token(token) if token else None
    if token and invitation is None:
        return render_template("accounts/invitation_invalid.html"), 404
    if invitation is None and not current_app.config["OPEN_REGISTRATION"]:
        return render_template("accounts/registration_closed.html"), 403
    if current_user.is_authenticated:
        logins.log_out()
    form = RegistrationForm()
    if invitation is not None:
        form.email.data = invitation.email  # the invitation fixes the address
    if request.method == "GET":
        form.language.data = request.accept_languages.best_match(list(current_app.config["LANGUAGES"])) or "en"
    if form.validate_on_submit():
        try:
            if invitation is not None:
                user = services.accept_invitation(
                    invitation,
                    name=form.name.data,
                    password=form.password.data,
                    language=form.language.data,
                    gender=form.gender.data,
                )
            else:
                user = services.create_user(
                    form.email.data,
                    form.name.data,
                    form.password.data,
                    roles=[Role.LEARNER],
                    language=form.language.data,
                    gender=form.gender.data,
                    via="self",
                )
        except services.AccountError as error:
            add_error(form, error.field, error.message)
        else:
            logins.log_in(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            return redirect(url_for("dashboard.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/register.html", form=form, invitation=invitation), status


_RESET_WINDOW = "PASSWORD_RESET_WINDOW_SECONDS"
RESET_PER_EMAIL = rate_limits.Limit("password_reset.email", "PASSWORD_RESET_MAX_PER_EMAIL", _RESET_WINDOW)
RESET_PER_IP = rate_limits.Limit("password_reset.ip", "PASSWORD_RESET_MAX_PER_IP", _RESET_WINDOW)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            rate_limits.use((RESET_PER_EMAIL, checks.normalize_email(form.email.data)), (RESET_PER_IP, client_ip()))
        except rate_limits.RateLimited as limited:
            # The same answer whether or not the address has an account: counts are per address asked for.
            minutes = max(1, -(-limited.retry_after // 60))
            form.form_errors.append(
                ngettext(
                    "Too many reset requests. Try again in %(num)d minute.",
                    "Too many reset requests. Try again in %(num)d minutes.",
                    minutes,
                )
            )
            response = current_app.make_response((render_template("accounts/forgot_password.html", form=form), 429))
            response.headers["Retry-After"] = str(limited.retry_after)
            return response
        services.send_password_reset(form.email.data)
        flash(_("If an account uses this address, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/forgot_password.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_from_reset_token(token)
    if user is None:
        return render_template("accounts/reset_invalid.html"), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data)
        except services.AccountError as error:
            add_error(form, error.field, error.message)
        else:
            logins.log_in(user)
            flash(_("Your new password is saved."), "success")
            return redirect(url_for("dashboard.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/reset_password.html", form=form, user=user), status


def _profile_page(profile_form=None, password_form=None, token_form=None, new_token=None, status=200):
    user = current_user
    if profile_form is None:
        profile_form = ProfileForm(all_institutions(), obj=user)
        profile_form.institution_id.data = user.institution_id or 0
        profile_form.gender.data = user.gender or ""
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)
    ).all()
    return (
        render_template(
            "accounts/profile.html",
            profile_form=profile_form,
            password_form=password_form or ChangePasswordForm(),
            token_form=token_form or ApiTokenForm(),
            confirm_form=ConfirmForm(),
            tokens=tokens,
            new_token=new_token,
        ),
        status,
    )


@bp.get("/profile")
@permission_required("profile.edit")
def profile():
    return _profile_page()


@bp.post("/profile")
@permission_required("profile.edit")
def save_profile():
    form = ProfileForm(all_institutions())
    if form.validate_on_submit():
        try:
            services.update_profile(
                user_record(current_user),
                name=form.name.data,
                language=form.language.data,
                gender=form.gender.data,
                institution_id=form.institution_id.data or None,
            )
        except services.AccountError as error:
            add_error(form, error.field, error.message)
        else:
            flash(_("Profile saved."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(profile_form=form, status=400)


@bp.post("/profile/password")
@permission_required("profile.edit")
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(user_record(current_user), form.current_password.data, form.password.data)
        except services.AccountError as error:
            add_error(form, error.field, error.message)
        else:
            # Every log-in ended with the old password: start a new one here, others stay ended. Pass the user
            # itself: Flask-Login would store the proxy as the request's user and every later use of
            # current_user would recurse.
            logins.log_in(user_record(current_user))
            flash(_("Password changed. Other devices have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return _profile_page(password_form=form, status=400)


@bp.post("/profile/tokens")
@permission_required("profile.edit")
def create_token():
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            _token, raw = api_tokens.create_api_token(current_user, form.name.data)
        except services.AccountError as error:
            add_error(form, error.field, error.message)
        else:
            # Shown once; only its hash is stored.
            return _profile_page(new_token=raw)
    return _profile_page(token_form=form, status=400)


@bp.post("/profile/tokens/<int:token_id>/revoke")
@permission_required("profile.edit")
def revoke_token(token_id: int):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    api_tokens.revoke_api_token(token)
    flash(_("Token revoked."), "info")
    return redirect(url_for("accounts.profile"))


@bp.route("/profile/logins/end", methods=["GET", "POST"])
@permission_required("profile.edit")
def log_out_everywhere():
    """Every log-in of the account ends, this browser's included: sessions and remember-me cookies on
    every device, and any copy of them. The user logs in again here."""
    form = ConfirmForm()
    if form.validate_on_submit():
        logins.log_out_everywhere()
        flash(_("You are logged out on every device, this one included."), "info")
        return redirect(url_for("accounts.login"))
    page = render_template(
        "confirm.html",
        form=form,
        title=_("Log out everywhere?"),
        message=_(
            "Every session of your account ends: on this device, on your other devices and browsers, "
            "and wherever someone may have copied one. You will log in again."
        ),
        confirm_label=_("Log out everywhere"),
        cancel_url=url_for("accounts.profile"),
        danger=True,
    )
    return page, 400 if request.method == "POST" else 200
