"""Institutions: the eight IPRCs of Rwanda Polytechnic, partner hospitals and other host organisations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.db import db


class InstitutionKind(enum.StrEnum):
    IPRC = "iprc"
    HOSPITAL = "hospital"
    OTHER = "other"


class Institution(db.Model):
    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=InstitutionKind.OTHER)
    city: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Institution {self.code}>"
