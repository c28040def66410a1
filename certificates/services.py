"""Every change to certificates: issue, re-issue, revoke and reinstate. Services flush, never commit; each
records its audit event and announces its fact signal for after the commit.

**Issuing** gathers the plain facts (the learner's name as it will be printed, the course as published, the
cohort and its institution, the post-test score), builds the Open Badges 3.0 credential
(``certificates.credential``), signs it with the site's current key (``certificates.keys``) and stores the
signed bytes exactly as they will be served. It is idempotent: a learner's current certificate for a course
is returned as it is, and two issues racing past that check meet the database's unique index, where the
loser's savepoint rolls back and it returns the winner's certificate.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from certificates import keys, status
from certificates.credential import Achievement, Issuer, Subject, build, timestamp
from certificates.models import Certificate, CertificateSettings, CertificateState
from certificates.vc import codes, proofs
from courses.models import Course
from lms import audit, signals
from lms.clock import utcnow
from lms.db import db


class CannotIssue(Exception):
    """The certificate cannot be issued: the message says why, for the person who asked."""


def current_certificate(user_id: int, course_id: int) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course_id, ~Certificate.superseded
        )
    )


def by_code(code: str) -> Certificate | None:
    """The certificate with ``code`` (any accepted spelling: lower case, hyphens, O for 0), or None."""
    normal = codes.normalise(code)
    if normal is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == normal.replace("-", "")))


def issue(
    user_id: int,
    course_id: int,
    *,
    cohort_id: int | None = None,
    actor_id: int | None = None,
    learner_name: str | None = None,
    replaces: Certificate | None = None,
) -> Certificate:
    """Issue the learner's certificate for the course (or return the one they hold)."""
    if replaces is None:
        existing = current_certificate(user_id, course_id)
        if existing is not None:
            return existing
    from lms.accounts.models import User

    user = db.session.get(User, user_id)
    course = db.session.get(Course, course_id)
    if user is None or course is None:
        raise CannotIssue("No such learner or course.")
    if course.published_version_id is None:
        raise CannotIssue(f"{course.code} has no published version.")
    cohort = _cohort(user_id, course_id, cohort_id)
    settings = db.session.get(CertificateSettings, course_id)
    now = utcnow()
    valid_until = now + timedelta(days=settings.valid_for_days) if settings and settings.valid_for_days else None
    code = _free_code()
    status_row, index = status.allocate()
    key_row, private = keys.signing_key()
    name = (learner_name or user.name).strip()
    credential_id = f"urn:uuid:{uuid.uuid4()}"
    score = _post_test_percent(user_id, course_id)
    entrustment = _entrustment(user_id, course)
    institution = cohort.institution if cohort else None
    unsigned = build(
        credential_id=credential_id,
        issuer=_issuer(),
        achievement=_achievement(course),
        subject=Subject(
            name=name,
            email=user.email,
            salt=secrets.token_hex(8),
            institution_name=institution.name if institution else None,
            institution_url=f"{current_app.config['BASE_URL']}/institutions/{institution.code}"
            if institution
            else None,
            cohort_start=cohort.starts_on if cohort else None,
            cohort_end=cohort.ends_on if cohort else None,
            score_percent=score,
            entrustment=entrustment,
        ),
        valid_from=now,
        valid_until=valid_until,
        status_list_url=status.list_url(status_row.id),
        status_index=index,
    )
    signed = proofs.sign(unsigned, private, keys.verification_method(key_row.key_id), timestamp(now))
    certificate = Certificate(
        code=code,
        credential_id=credential_id,
        user_id=user_id,
        course_id=course_id,
        cohort_id=cohort.id if cohort else None,
        learner_name=name,
        credential=json.dumps(signed, ensure_ascii=False, indent=2).encode(),
        facts={**_facts(course, cohort, score), "entrustment": [list(pair) for pair in entrustment]},
        key_id=key_row.key_id,
        status_list_id=status_row.id,
        status_index=index,
        issued_at=now,
        valid_until=valid_until,
        issued_by_id=actor_id,
        replaces_id=replaces.id if replaces else None,
    )
    try:
        with db.session.begin_nested():
            if replaces is not None:
                replaces.superseded = True  # frees the learner's one current certificate for the new one
                db.session.flush()
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError:
        winner = current_certificate(user_id, course_id)
        if winner is None:
            raise
        return winner
    if replaces is not None:
        replaces.replaced_by_id = certificate.id
    audit.record("certificate.issue", "certificate", certificate.code, actor=_actor(actor_id), course=course.code)
    signals.announce(signals.certificate_issued, certificate.id, user_id=user_id, course_id=course_id)
    return certificate


def revoke(certificate: Certificate, reason: str, actor_id: int | None) -> None:
    """Revoke with a reason: the status list changes in this transaction."""
    if certificate.revoked:
        return
    certificate.state = CertificateState.REVOKED
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor_id
    certificate.revoke_reason = reason.strip()
    status.set_revoked(certificate.status_list, certificate.status_index, True)
    audit.record("certificate.revoke", "certificate", certificate.code, actor=_actor(actor_id), reason=reason)
    signals.announce(signals.certificate_revoked, certificate.id, user_id=certificate.user_id)


def reinstate(certificate: Certificate, actor_id: int | None, note: str = "") -> None:
    if not certificate.revoked or certificate.superseded:
        return
    certificate.state = CertificateState.VALID
    certificate.revoked_at = None
    certificate.revoked_by_id = None
    certificate.revoke_reason = ""
    status.set_revoked(certificate.status_list, certificate.status_index, False)
    audit.record("certificate.reinstate", "certificate", certificate.code, actor=_actor(actor_id), note=note)


def reissue(certificate: Certificate, learner_name: str, actor_id: int | None, reason: str) -> Certificate:
    """A corrected certificate (a name spelt right): the old one is revoked, linked to the new one."""
    if certificate.superseded:
        raise CannotIssue("This certificate was already re-issued.")
    new = issue(
        certificate.user_id,
        certificate.course_id,
        cohort_id=certificate.cohort_id,
        actor_id=actor_id,
        learner_name=learner_name,
        replaces=certificate,
    )
    revoke(certificate, reason or f"Re-issued as {codes.normalise(new.code)}", actor_id)
    return new


# -- the facts of a certificate -----------------------------------------------------------------------------


def _free_code() -> str:
    while True:
        code = codes.new_code().replace("-", "")
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


def _cohort(user_id: int, course_id: int, cohort_id: int | None):  # noqa: ANN202
    from lms.cohorts.models import Cohort, Enrollment

    if cohort_id is not None:
        return db.session.get(Cohort, cohort_id)
    return db.session.scalar(
        select(Cohort)
        .join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.user_id == user_id, Cohort.course_id == course_id)
        .order_by(Cohort.starts_on.desc())
        .limit(1)
    )


def _post_test_percent(user_id: int, course_id: int) -> float | None:
    from assessments import queries as assessment_queries

    result = assessment_queries.result(user_id, course_id, "post")
    return None if result is None or result.percent is None else round(float(result.percent), 1)


def _entrustment(user_id: int, course: Course) -> tuple[tuple[str, int], ...]:
    """Each skill checklist's entrustment level, from the learner's competent sign-off (hospital track)."""
    from courses import queries as course_queries

    checklists = course_queries.published_blocks(course, "skill_checklist")
    levels = course_queries.signoff_levels(user_id, [key for key, _title in checklists])
    return tuple((title, levels[key]) for key, title in checklists if key in levels)


def _institution_url(institution) -> str | None:  # noqa: ANN001
    """The host institution's identifier in the credential: a URN (the site has no public institution page)."""
    return f"urn:tot-lms:institution:{institution.code}" if institution else None


def _issuer() -> Issuer:
    config = current_app.config
    return Issuer(did=keys.issuer_did(), name=config["SITE_NAME"], url=config["BASE_URL"])


def _achievement(course: Course) -> Achievement:
    base = current_app.config["BASE_URL"]
    outcomes = tuple(course.outcomes)
    hours = f" ({course.hours} hours)" if course.hours else ""
    return Achievement(
        url=f"{base}/achievements/{course.code}",
        course_code=course.code,
        title=course.title,
        description=course.description or course.title,
        criteria=f"Completed the course {course.title}{hours} and met its completion rules.",
        language=course.language,
        track=str(course.track),
        hours=course.hours,
        outcomes=outcomes,
        outcomes_url=f"{base}/achievements/{course.code}",
    )


def _facts(course: Course, cohort, score: float | None) -> dict:  # noqa: ANN001
    return {
        "course_code": course.code,
        "course_title": course.title,
        "track": str(course.track),
        "hours": course.hours,
        "outcomes": course.outcomes,
        "cohort_name": cohort.name if cohort else None,
        "cohort_start": cohort.starts_on.isoformat() if cohort else None,
        "cohort_end": cohort.ends_on.isoformat() if cohort else None,
        "institution_name": cohort.institution.name if cohort else None,
        "score_percent": score,
    }


def _actor(actor_id: int | None):  # noqa: ANN202
    if actor_id is None:
        return None
    from lms.accounts.models import User

    return db.session.get(User, actor_id)
