"""The approval queue: learners who meet the rules of a course that asks an admin to approve each certificate.

Automatic awarding (``certificates.awarding``) adds a learner once (:func:`add_waiting`: the unique key on
learner and course, not a check, makes it once, so two racing jobs add one row; a declined learner is not
added again). A programme admin then approves (the certificate is issued, by ``services.issue``) or declines
with a note, and can put a declined learner back in the queue (a decision made on wrong facts, or facts that
changed). Each decision is audited. Like services, these flush and never commit.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select

from certificates import services
from certificates.models import ApprovalState, Certificate, PendingCertificate
from lms import audit
from lms.clock import utcnow
from lms.db import db
from lms.sql import dialect_insert


class AlreadyDecided(Exception):
    """Someone else approved or declined this learner in the meantime."""


class NotDeclined(Exception):
    """The learner is not (or no longer) declined: someone put them back in the queue or approved them."""


def add_waiting(user_id: int, course_id: int) -> bool:
    """Put the learner in the course's queue unless they are in it (waiting or decided); True if added."""
    inserted = db.session.execute(
        dialect_insert(PendingCertificate)
        .values(
            user_id=user_id,
            course_id=course_id,
            cohort_id=_cohort_id(user_id, course_id),
            eligible_at=utcnow(),
            state=ApprovalState.WAITING,
            note="",
        )
        .on_conflict_do_nothing(index_elements=["user_id", "course_id"])
        .returning(PendingCertificate.id)
    ).scalar()
    return inserted is not None


def cohorts(cohort_ids: set[int]) -> dict[int, object]:
    """The cohorts the queue's page names, in one query."""
    from lms.cohorts.models import Cohort

    if not cohort_ids:
        return {}
    return {cohort.id: cohort for cohort in db.session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids)))}


def waiting() -> Select:
    """The learners waiting, longest waiting first, with their user and course loaded for the queue."""
    from sqlalchemy.orm import selectinload

    return (
        select(PendingCertificate)
        .where(PendingCertificate.state == ApprovalState.WAITING)
        .options(selectinload(PendingCertificate.user), selectinload(PendingCertificate.course))
        .order_by(PendingCertificate.eligible_at, PendingCertificate.id)
    )


def declined() -> Select:
    """The declined learners, latest decision first, with their user, course and decider loaded."""
    from sqlalchemy.orm import selectinload

    return (
        select(PendingCertificate)
        .where(PendingCertificate.state == ApprovalState.DECLINED)
        .options(
            selectinload(PendingCertificate.user),
            selectinload(PendingCertificate.course),
            selectinload(PendingCertificate.decided_by),
        )
        .order_by(PendingCertificate.decided_at.desc(), PendingCertificate.id.desc())
    )


def declined_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(PendingCertificate).where(PendingCertificate.state == ApprovalState.DECLINED)
    )


def waiting_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(PendingCertificate).where(PendingCertificate.state == ApprovalState.WAITING)
    )


def approve(pending: PendingCertificate, actor_id: int) -> Certificate:
    """Issue the learner's certificate. ``services.CannotIssue`` leaves the learner waiting."""
    _still_waiting(pending)
    certificate = services.issue(pending.user_id, pending.course_id, cohort_id=pending.cohort_id, actor_id=actor_id)
    _decide(pending, ApprovalState.APPROVED, actor_id, "")
    audit.record(
        "certificate.approve", "certificate_approval", pending.id, course_id=pending.course_id,
        user_id=pending.user_id, certificate=certificate.code,
    )  # fmt: skip
    return certificate


def decline(pending: PendingCertificate, actor_id: int, note: str) -> None:
    _still_waiting(pending)
    _decide(pending, ApprovalState.DECLINED, actor_id, note.strip())
    audit.record(
        "certificate.decline", "certificate_approval", pending.id, course_id=pending.course_id,
        user_id=pending.user_id, note=note.strip(),
    )  # fmt: skip


def reconsider(pending: PendingCertificate, actor_id: int) -> None:
    """Put a declined learner back in the queue, waiting since they first became eligible; the decision and
    its note stay in the audit log."""
    if pending.state != ApprovalState.DECLINED:
        raise NotDeclined
    earlier_note = pending.note
    pending.state, pending.decided_at, pending.decided_by_id, pending.note = ApprovalState.WAITING, None, None, ""
    db.session.flush()
    audit.record(
        "certificate.reconsider", "certificate_approval", pending.id, course_id=pending.course_id,
        user_id=pending.user_id, declined_because=earlier_note,
    )  # fmt: skip


def _still_waiting(pending: PendingCertificate) -> None:
    if pending.state != ApprovalState.WAITING:
        raise AlreadyDecided


def _decide(pending: PendingCertificate, state: ApprovalState, actor_id: int, note: str) -> None:
    pending.state, pending.decided_at, pending.decided_by_id, pending.note = state, utcnow(), actor_id, note
    db.session.flush()


def _cohort_id(user_id: int, course_id: int) -> int | None:
    """The cohort the learner took the course in (their latest, if several), for the queue and the certificate."""
    from lms.cohorts.models import Cohort, Enrollment

    return db.session.scalar(
        select(Cohort.id)
        .join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.user_id == user_id, Cohort.course_id == course_id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        .limit(1)
    )
