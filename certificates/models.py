"""Certificates' data: the signing keys' public halves, the revocation status lists, each course's completion
rules, the certificates issued (their signed credential kept byte for byte as issued), the approval queue and
the runs that issue for a whole cohort.

**Keys.** A :class:`SigningKey` row is a key's public half and validity period: what ``/.well-known/did.json``
and the trust bundle publish. The private half never enters the database (``certificates/keys.py``).

**One certificate per learner and course.** A partial unique index over the certificates not superseded by a
re-issue makes a second issue for the same learner and course fail in the database, so two events racing to
issue give one certificate; a re-issue marks the old row superseded before it stores the new one.

**Status lists.** Each certificate holds one bit of a :class:`StatusList` (131,072 bits, the herd the
Bitstring Status List asks for), at an index drawn at random. The list's signed credential is re-signed in
the transaction that revokes or reinstates, so its URL answers with the change at once.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.clock import utcnow
from lms.db import db

STATUS_LIST_BITS = 131_072


class SigningKey(db.Model):
    """The public half of a key the site signs with; ``valid_until`` is set when a newer key takes over."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(String(60), unique=True)  # the DID URL fragment: key-2026-1
    public_key_multibase: Mapped[str] = mapped_column(String(100), unique=True)
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime | None]


class StatusList(db.Model):
    """A revocation list: its bits, and its signed ``BitstringStatusListCredential`` as last issued."""

    __tablename__ = "certificate_status_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20), default="revocation")
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    used: Mapped[int] = mapped_column(Integer, default=0)  # how many indexes certificates hold
    credential: Mapped[bytes | None] = mapped_column(LargeBinary)  # signed JSON, served as it is
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateSettings(db.Model):
    """A course's completion rules, set by its owner in the studio. ``requirements`` maps a requirement's name
    (``certificates.rules``) to its options; a course without a row gives no certificate."""

    __tablename__ = "certificate_settings"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    requirements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_for_days: Mapped[int | None] = mapped_column(Integer)  # None: does not expire
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CertificateState(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"


class Certificate(db.Model):
    """A certificate issued to a learner for a course: its code, its signed credential as issued, its status."""

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        # One current certificate per learner and course: a second issue, even racing, fails here.
        Index(
            "uq_certificate_current",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=text("NOT superseded"),
            postgresql_where=text("NOT superseded"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # 12 symbols + check, no hyphens
    credential_id: Mapped[str] = mapped_column(String(60), unique=True)  # urn:uuid:…
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="RESTRICT"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    learner_name: Mapped[str] = mapped_column(String(200))  # as printed and signed
    credential: Mapped[bytes] = mapped_column(LargeBinary)  # the signed JSON, exactly as issued
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what the PDF and pages print
    key_id: Mapped[str] = mapped_column(String(60))
    status_list_id: Mapped[int] = mapped_column(ForeignKey("certificate_status_list.id", ondelete="RESTRICT"))
    status_index: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_until: Mapped[datetime | None]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default=CertificateState.VALID)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)  # re-issued: replaced_by names the new one
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # rendered on first download

    user = relationship("User", foreign_keys=[user_id])
    course = relationship("Course")
    cohort = relationship("Cohort")
    status_list: Mapped[StatusList] = relationship()
    replaced_by: Mapped[Certificate | None] = relationship(foreign_keys=[replaced_by_id], remote_side=[id])
    replaces: Mapped[Certificate | None] = relationship(foreign_keys=[replaces_id], remote_side=[id])

    @property
    def revoked(self) -> bool:
        return self.state == CertificateState.REVOKED


class ApprovalState(enum.StrEnum):
    WAITING = "waiting"
    APPROVED = "approved"
    DECLINED = "declined"


class PendingCertificate(db.Model):
    """A learner who meets a course's rules where the course asks an admin to approve each certificate."""

    __tablename__ = "certificate_approval"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"))
    eligible_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default=ApprovalState.WAITING)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User", foreign_keys=[user_id])
    course = relationship("Course")
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class RunState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class IssueRun(db.Model):
    """An admin's issue for a whole cohort, run as a job: how far it got, for its progress page."""

    __tablename__ = "certificate_issue_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(10), default=RunState.QUEUED)
    total: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)  # already certified, or not meeting the rules
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    cohort = relationship("Cohort")
