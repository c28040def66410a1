"""Every change to an account: create, authenticate, passwords, invitations, roles, profile, API tokens
(log-ins themselves: ``lms.accounts.logins``; what a name, an address or a password must be:
``lms.accounts.checks``).

Functions flush and never commit (see ``lms/db.py``). Errors a user can fix are raised as
:class:`AccountError` with a translatable message; views show them next to the form.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms import audit, mail, signals
from lms.accounts import logins
from lms.accounts.checks import name_problem, normalize_email, password_problem
from lms.accounts.models import (
    Invitation,
    LoginFailure,
    Role,
    User,
    UserRole,
    hash_token,
)
from lms.clock import utcnow
from lms.db import db
from lms.rate_limits import seconds_left
from lms.site import site_name
from lms.sql import dialect_insert, recheck_on_conflict
from lms.web import external_url


class AccountError(ValueError):
    """A problem the user can correct; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class LoginThrottled(Exception):
    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _hash_password(password: str) -> str:
    # werkzeug's default is scrypt (n=2**15, r=8, p=1): memory-hard, as OWASP recommends.
    return generate_password_hash(password)


def get_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def _check_address_free(email: str) -> None:
    if get_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."), "email")


def create_user(
    email: str,
    name: str,
    password: str | None = None,
    roles: list[str] | tuple[str, ...] = (Role.LEARNER,),
    institution_id: int | None = None,
    language: str = "en",
    gender: str | None = None,
    via: str = "admin",
) -> User:
    email = normalize_email(email)
    name = name.strip()
    problem = name_problem(name)
    if problem:
        raise AccountError(problem, "name")
    _check_address_free(email)
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise AccountError(problem, "password")
    unknown = set(roles) - {r.value for r in Role}
    if unknown:
        raise AccountError(_("Unknown role: %(role)s", role=", ".join(sorted(unknown))), "roles")
    user = User(
        email=email,
        name=name,
        password_hash=_hash_password(password) if password else None,
        institution_id=institution_id,
        language=language,
        gender=gender or None,
        role_rows=[UserRole(role=str(role)) for role in sorted(set(roles))],
    )
    # Two sign-ups with one address at once both pass the look above; the unique address decides.
    with recheck_on_conflict(lambda: _check_address_free(email)):
        db.session.add(user)
    audit.record("user.created", "user", user.id, via=via, roles=sorted(user.roles))
    signals.announce(signals.user_registered, user.id, via=via)
    return user


def set_roles(user: User, roles: list[str]) -> None:
    wanted = set(roles)
    unknown = wanted - {r.value for r in Role}
    if unknown:
        raise AccountError(_("Unknown role: %(role)s", role=", ".join(sorted(unknown))), "roles")
    if not wanted:
        raise AccountError(_("Choose at least one role."), "roles")
    if user.is_admin and Role.ADMIN not in wanted and _is_last_active_admin(user):
        raise AccountError(_("This is the last programme admin: make someone else admin first."), "roles")
    # Statements rather than the ORM collection, which would insert what it found missing and delete what it
    # found present: a second request doing the same at once would hit the primary key or a vanished row.
    db.session.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role.not_in(wanted)))
    db.session.execute(
        dialect_insert(UserRole).on_conflict_do_nothing(index_elements=["user_id", "role"]),
        [{"user_id": user.id, "role": role} for role in sorted(wanted)],
    )
    db.session.expire(user, ["role_rows"])
    audit.record("user.roles", "user", user.id, roles=sorted(wanted))


def update_profile(user: User, *, name: str, language: str, gender: str | None, institution_id: int | None) -> None:
    if language not in current_app.config["LANGUAGES"]:
        raise AccountError(_("Unknown language."), "language")
    problem = name_problem(name.strip())
    if problem:
        raise AccountError(problem, "name")
    user.name = name.strip()
    user.language = language
    user.gender = gender or None
    user.institution_id = institution_id
    db.session.flush()


def _is_last_active_admin(user: User) -> bool:
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.id != user.id, User.active, User.role_rows.any(UserRole.role == Role.ADMIN))
    )
    return others == 0


def set_active(user: User, active: bool) -> None:
    if not active and user.is_admin and _is_last_active_admin(user):
        raise AccountError(_("This is the last programme admin: it cannot be deactivated."), "active")
    user.active = active
    user.session_nonce = secrets.token_hex(8)
    logins.end_all(user)
    db.session.flush()
    audit.record("user.activated" if active else "user.deactivated", "user", user.id)


# --- log-in -------------------------------------------------------------------------------------------


def throttle_retry_after(email: str, ip: str) -> int:
    """Seconds until this address and client may try again (0: now)."""
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    since = utcnow() - window
    email = normalize_email(email)
    per_email, first_email = db.session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.email == email, LoginFailure.at >= since)
    ).one()
    per_ip, first_ip = db.session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(LoginFailure.ip == ip, LoginFailure.at >= since)
    ).one()
    return max(
        seconds_left(per_email, first_email, config["LOGIN_MAX_FAILURES"], window),
        seconds_left(per_ip, first_ip, config["LOGIN_MAX_FAILURES_PER_IP"], window),
    )


def authenticate(email: str, password: str, ip: str) -> User | None:
    """The user these credentials belong to, or None (and the failure is recorded).

    Raises :class:`LoginThrottled` while too many recent failures exist for the address or client,
    without even checking the password, so guessing cannot continue at full speed.
    """
    email = normalize_email(email)
    retry_after = throttle_retry_after(email, ip)
    if retry_after:
        raise LoginThrottled(retry_after)
    user = get_by_email(email)
    if user is None or not user.password_hash:
        # Spend the same time as a real check, so response time does not reveal which addresses exist.
        check_password_hash(_DUMMY_HASH(), password)
        user = None
    elif not check_password_hash(user.password_hash, password):
        user = None
    if user is None or not user.is_active:
        db.session.add(LoginFailure(email=email, ip=ip))
        db.session.flush()
        return None
    user.last_login_at = utcnow()
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    old = utcnow() - timedelta(days=1)
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < old))
    db.session.flush()
    return user


_dummy_hash: list[str] = []


def _DUMMY_HASH() -> str:  # noqa: N802 - a lazily built constant
    if not _dummy_hash:
        _dummy_hash.append(generate_password_hash(secrets.token_hex(16)))
    return _dummy_hash[0]


# --- passwords ------------------------------------------------------------------------------------------


def set_password(user: User, password: str) -> None:
    problem = password_problem(password, user.email)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = _hash_password(password)
    user.session_nonce = secrets.token_hex(8)  # log out every session (the view starts a new one for this one)
    logins.end_all(user)
    # Whoever chose this password owns the address: past guesses must not keep it locked out.
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    db.session.flush()
    audit.record("user.password", "user", user.id)


def change_password(user: User, current: str, new: str) -> None:
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise AccountError(_("The current password is not correct."), "current_password")
    set_password(user, new)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Binds the token to the current password: once it is used (or the password changes), it is void.
    return hash_token(f"{user.id}:{user.password_hash or ''}:{user.session_nonce}")[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})


def user_from_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"])
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(data.get("f", ""), _password_fingerprint(user)):
        return None
    return user


def _mail(to: str, language: str, subject, *paragraphs) -> None:  # noqa: ANN001
    """Mail ``to`` in ``language`` (the recipient's, not the sender's), once the request has committed."""
    with force_locale(language):
        subject_text = str(subject)
        body = "\n\n".join(str(paragraph) for paragraph in paragraphs) + "\n"
    mail.queue(to, subject_text, body)


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; say nothing either way (no account probing)."""
    user = get_by_email(email)
    if user is None or not user.is_active:
        return
    link = external_url("accounts.reset_password", token=make_reset_token(user))
    hours = max(1, current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 3600)
    _mail(
        user.email,
        user.language,
        _l("Reset your %(site)s password", site=site_name()),
        lazy_ngettext(
            "Open this link to choose a new password (valid for %(num)d hour):",
            "Open this link to choose a new password (valid for %(num)d hours):",
            hours,
        ),
        link,
        _l("If you did not ask for this, ignore this message."),
    )


def send_welcome(user: User) -> None:
    """Mail a new account (created by an admin or an import) a link to choose its password."""
    link = external_url("accounts.reset_password", token=make_reset_token(user))
    _mail(
        user.email,
        user.language,
        _l("Your %(site)s account", site=site_name()),
        _l("An account was created for you. Open this link to choose your password:"),
        link,
    )


# --- invitations ----------------------------------------------------------------------------------------


def create_invitation(email: str, roles: list[str], institution_id: int | None, by: User) -> tuple[Invitation, str]:
    email = normalize_email(email)
    _check_address_free(email)
    unknown = set(roles) - {r.value for r in Role}
    if unknown or not roles:
        raise AccountError(_("Choose at least one valid role."), "roles")
    raw = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    invitation = Invitation(
        email=email,
        token_hash=hash_token(raw),
        roles=",".join(sorted(set(roles))),
        institution_id=institution_id,
        created_by_id=by.id,
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    link = external_url("accounts.register", token=raw)
    _mail(
        email,
        current_app.config["DEFAULT_LANGUAGE"],  # the invitee has no account, so no language, yet
        _l("You are invited to %(site)s", site=site_name()),
        lazy_ngettext(
            "%(name)s invited you to %(site)s. Open this link to create your account (valid %(num)d day):",
            "%(name)s invited you to %(site)s. Open this link to create your account (valid %(num)d days):",
            days,
            name=by.name,
            site=site_name(),
        ),
        link,
    )
    audit.record("invitation.created", "invitation", invitation.id, email=email, roles=invitation.role_list)
    return invitation, raw


def invitation_for_token(raw: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(raw)))
    if invitation is None or not invitation.is_usable:
        return None
    return invitation


def accept_invitation(invitation: Invitation, *, name: str, password: str, language: str, gender: str | None) -> User:
    user = create_user(
        invitation.email,
        name,
        password,
        roles=invitation.role_list,
        institution_id=invitation.institution_id,
        language=language,
        gender=gender,
        via="invitation",
    )
    invitation.accepted_at = utcnow()
    db.session.flush()
    return user


def revoke_invitation(invitation: Invitation) -> None:
    invitation.expires_at = utcnow()
    db.session.flush()
    audit.record("invitation.revoked", "invitation", invitation.id)
