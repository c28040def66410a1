"""Accounts: users and their global roles, log-ins, invitations, personal API tokens, failed log-ins.

Secrets are stored only as hashes (passwords with scrypt, tokens with SHA-256), so a database dump
holds nothing that lets its reader log in, accept an invitation or call the API.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.db import db


class Role(enum.StrEnum):
    """Global roles. Per-course roles (author, co-author, cohort instructor) live with courses and cohorts."""

    LEARNER = "learner"
    AUTHOR = "author"
    ASSESSOR = "assessor"
    VERIFIER = "verifier"
    ADMIN = "admin"


class Gender(enum.StrEnum):
    """Optional, self-declared; used only for disaggregated reports."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserRole(db.Model):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class AccountIdentity(UserMixin):
    """What Flask-Login and permission rules ask of an account, from its ``id``, ``active``,
    ``session_nonce``, ``login_token`` and ``roles``: one definition for the ORM ``User`` and the request's
    ``SessionUser``.

    The session id (``id:nonce:login``, which Flask-Login keeps in the session and in the remember-me cookie)
    carries the nonce and the token of one log-in (``UserLogin``): changing the password or deactivating the
    account rotates the nonce, and every session minted before stops loading; logging out deletes the
    log-in, and that session and its remember-me cookie stop loading, wherever a copy of them is.
    """

    # Set by lms.accounts.logins when a log-in starts, and by the session loader: not a column.
    login_token: str | None = None

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}:{self.login_token or ''}"

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


class User(AccountIdentity, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8), default="en")
    gender: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on password change and deactivation: every session cookie minted before stops working.
    session_nonce: Mapped[str] = mapped_column(String(32), default=lambda: secrets.token_hex(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by=UserRole.role
    )
    institution = relationship("Institution", lazy="joined")

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


# How long a log-in counts at most, remembered or not (also the remember-me cookie's lifetime).
LOGIN_LIFETIME = timedelta(days=365)


class UserLogin(db.Model):
    """One log-in: the session it opened and that session's remember-me cookie name it by its token, stored
    only as a hash. Deleting the row ends the log-in wherever its cookies are (``lms.accounts.logins``)."""

    __tablename__ = "user_login"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Invitation(db.Model):
    """An invitation link to register with given roles; only the token's hash is stored."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[str] = mapped_column(String(100))  # comma-separated Role values
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]

    institution = relationship("Institution")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > utcnow()


class ApiToken(db.Model):
    """A personal access token for ``/api/v1``; shown once at creation, stored as a hash."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # first characters, to recognise a token in a list
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user = relationship("User")


class LoginFailure(db.Model):
    """One failed log-in; counted per address and per client to throttle guessing."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_email_at", "email", "at"), Index("ix_login_failure_ip_at", "ip", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.current_timestamp())
