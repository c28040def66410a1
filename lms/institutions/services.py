"""Changes to institutions: the default IPRCs, and hospitals or other hosts added by admins."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms import audit
from lms.db import db
from lms.institutions.defaults import IPRCS
from lms.institutions.models import Institution, InstitutionKind
from lms.sql import dialect_insert, recheck_on_conflict


class InstitutionError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


def ensure_default_institutions() -> int:
    """Create any of the eight IPRCs that is missing; returns how many were added (idempotent)."""
    existing = set(db.session.scalars(select(Institution.code)))
    missing = [{"kind": InstitutionKind.IPRC, **iprc} for iprc in IPRCS if iprc["code"] not in existing]
    if not missing:
        return 0
    # Two seedings at once (two workers starting) both find the same IPRCs missing: the second adds nothing.
    inserted = db.session.execute(
        dialect_insert(Institution).values(missing).on_conflict_do_nothing().returning(Institution.id)
    )
    return len(inserted.all())


def _check_unique(code: str, name: str, exclude_id: int | None = None) -> None:
    for column, value, field in ((Institution.code, code, "code"), (Institution.name, name, "name")):
        stmt = select(Institution.id).where(func.lower(column) == value.lower())
        if exclude_id is not None:
            stmt = stmt.where(Institution.id != exclude_id)
        if db.session.scalar(stmt) is not None:
            raise InstitutionError(_("Another institution already uses this value."), field)


def save_institution(institution: Institution | None, *, code: str, name: str, kind: str, city: str | None):
    code = code.strip().lower()
    name = name.strip()
    if not CODE_PATTERN.match(code):
        raise InstitutionError(_("Use 2–40 lower-case letters, digits and hyphens."), "code")
    if kind not in {k.value for k in InstitutionKind}:
        raise InstitutionError(_("Unknown kind of institution."), "kind")
    exclude_id = institution.id if institution else None
    _check_unique(code, name, exclude_id)
    created = institution is None
    # Another admin saving the same code or name at once passes the look above too; the constraint decides.
    with recheck_on_conflict(lambda: _check_unique(code, name, exclude_id)):
        if created:
            institution = Institution()
            db.session.add(institution)
        institution.code, institution.name, institution.kind, institution.city = code, name, kind, (city or None)
    audit.record("institution.created" if created else "institution.updated", "institution", institution.id)
    return institution


def delete_institution(institution: Institution) -> None:
    """Delete an institution nobody and no cohort refers to."""
    from lms.accounts.models import User
    from lms.cohorts.models import Cohort

    used = db.session.scalar(select(func.count()).select_from(User).where(User.institution_id == institution.id))
    used += db.session.scalar(select(func.count()).select_from(Cohort).where(Cohort.institution_id == institution.id))
    if used:
        raise InstitutionError(_("This institution still has people or cohorts; it cannot be deleted."))
    audit.record("institution.deleted", "institution", institution.id, code=institution.code)
    db.session.delete(institution)
    db.session.flush()
