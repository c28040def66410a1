"""The demo's certificates: each demo course's completion rules, and certificates for the simulated learners
who meet them (the assessments seeder ran first: their modules and post-tests are done), one of them revoked,
so the verification page can be tried on a valid and on a revoked certificate straight away.

Idempotent, like every seeder: rules already set are kept, a learner's certificate is issued once, and one
revoked certificate is enough.
"""

from __future__ import annotations

from sqlalchemy import select

from certificates import rules, services
from certificates.models import Certificate, CertificateSettings, CertificateState
from certificates.vc import codes
from courses import queries as courses
from lms.db import db
from lms.demo import SeedContext

# The rules each demo course's owner set in the studio: the hospital course also asks for its skill
# checklists signed off, which the simulated learners do not have, so only the trainers' course certifies.
RULES: dict[str, dict[str, dict]] = {
    "TOT-ELEC-101": {"modules": {}, "post_test": {}},
    "HOSP-NRP-201": {"modules": {}, "post_test": {}, "checklists": {}},
}
REVOKED_REASON = "Demo: revoked to show what a verifier sees (the post-test was taken by someone else)."


def seed(ctx: SeedContext) -> None:
    from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus

    issued = 0
    for code, requirements in RULES.items():
        course = courses.by_code(code)
        if course is None or course.published_version_id is None:
            continue
        if db.session.get(CertificateSettings, course.id) is None:
            db.session.add(CertificateSettings(course_id=course.id, enabled=True, requirements=requirements))
            db.session.flush()
        learners = db.session.execute(
            select(Enrollment.user_id, Cohort.id)
            .join(Cohort, Cohort.id == Enrollment.cohort_id)
            .where(Cohort.course_id == course.id, Enrollment.status == EnrollmentStatus.ACTIVE)
            .order_by(Enrollment.id)
        ).all()
        for user_id, cohort_id in learners:
            if services.current_certificate(user_id, course.id) is None and rules.evaluate(user_id, course.id).eligible:
                services.issue(user_id, course.id, cohort_id=cohort_id)
                issued += 1
    revoked = _revoke_one()
    total = db.session.scalar(select(db.func.count()).select_from(Certificate)) or 0
    if total:
        note = f"Certificates: {total} issued to demo learners who met their course's rules ({issued} now)"
        if revoked:
            note += f"; {codes.normalise(revoked.code)} is revoked, to show what a verifier sees"
        ctx.summary.notes.append(note + ". Verify any at /verify.")


def _revoke_one() -> Certificate | None:
    revoked = db.session.scalar(select(Certificate).where(Certificate.state == CertificateState.REVOKED).limit(1))
    if revoked is not None:
        return revoked
    victim = db.session.scalar(select(Certificate).order_by(Certificate.id.desc()).limit(1))
    if victim is not None:
        services.revoke(victim, REVOKED_REASON, actor_id=None)
    return victim
