"""Outgoing mail: messages are stored with the fact they announce, then delivered by a job.

:func:`queue` adds an :class:`OutgoingMail` row in the caller's unit of work and asks for
:func:`deliver_due` through ``lms.tasks.enqueue``: a message exists exactly when its fact was committed,
and nothing is sent inside the request that asked (a CSV import of 500 learners answers at once). The
job claims each due message in a short transaction, sends it outside any transaction (SMTP can take
seconds; SQLite's write lock must not wait for it), then records the outcome. A failed send is kept with
its error and tried again later (after 1, 5, 30 and 120 minutes; failed for good after five attempts);
``lms send-mail`` (from cron) delivers whatever is due, retries included. Bodies are erased once sent:
reset links do not linger in database dumps.

Backends: ``outbox`` (the default) prints each message to the console and writes it as a JSON file under
the instance folder's ``outbox/``, where admins read it at ``/admin/outbox``; ``smtp`` delivers through
``MAIL_SERVER``.
"""

from __future__ import annotations

import json
import logging
import smtplib
import sys
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from lms.clock import utcnow
from lms.db import db
from lms.tasks import enqueue

log = logging.getLogger(__name__)
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
# A message claimed this long ago and never recorded: its sender died; it is due again (at least once).
CLAIM_EXPIRES = timedelta(minutes=10)
PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # "" once sent
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(default=utcnow)  # next attempt (or claim expiry while sending)
    sent_at: Mapped[datetime | None]


def queue(to: str, subject: str, body: str) -> OutgoingMail:
    """Store a message in the current unit of work; it is sent after the commit."""
    message = OutgoingMail(to=to, subject=subject[:300], body=body)
    db.session.add(message)
    db.session.flush()
    enqueue(deliver_due)
    return message


def deliver_due(limit: int = 500) -> int:
    """The job: send up to ``limit`` due messages, each in transactions of its own; returns how many went."""
    db.session.commit()  # whatever the job's unit of work holds: the steps below are transactions of their own
    sent = 0
    for message_id in _due_ids(limit):
        message = _claim(message_id)
        if message is None:
            continue  # another worker took it
        to, subject, body = message
        try:
            send(to, subject, body)
        except Exception as error:  # noqa: BLE001 - any failure is recorded and retried
            log.warning("mail %s to %s failed: %s", message_id, to, error)
            _record_failure(message_id, f"{type(error).__name__}: {error}")
        else:
            _record_sent(message_id)
            sent += 1
    return sent


def _due_ids(limit: int) -> list[int]:
    now = utcnow()
    due = select(OutgoingMail.id).where(
        OutgoingMail.due_at <= now, or_(OutgoingMail.status == PENDING, OutgoingMail.status == SENDING)
    )
    ids = list(db.session.scalars(due.order_by(OutgoingMail.id).limit(limit)))
    db.session.commit()
    return ids


def _claim(message_id: int) -> tuple[str, str, str] | None:
    now = utcnow()
    claimed = db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == message_id,
            OutgoingMail.due_at <= now,
            or_(OutgoingMail.status == PENDING, OutgoingMail.status == SENDING),
        )
        .values(status=SENDING, due_at=now + CLAIM_EXPIRES, attempts=OutgoingMail.attempts + 1)
    ).rowcount
    row = None
    if claimed:
        row = db.session.execute(
            select(OutgoingMail.to, OutgoingMail.subject, OutgoingMail.body).where(OutgoingMail.id == message_id)
        ).one()
    db.session.commit()
    return tuple(row) if row is not None else None


def _record_sent(message_id: int) -> None:
    db.session.execute(
        update(OutgoingMail).where(OutgoingMail.id == message_id).values(status=SENT, sent_at=utcnow(), body="")
    )
    db.session.commit()


def _record_failure(message_id: int, error: str) -> None:
    message = db.session.get(OutgoingMail, message_id)
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = FAILED
    else:
        message.status, message.due_at = PENDING, utcnow() + RETRY_AFTER[message.attempts - 1]
    db.session.commit()


def send(to: str, subject: str, body: str) -> None:
    """Deliver one message through the configured backend now (raises when it cannot)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        message = EmailMessage()
        message["From"] = config["MAIL_SENDER"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
        return
    sent_at = utcnow()
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{sent_at:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.json"
    record = {"to": to, "subject": subject, "body": body, "sent_at": sent_at.isoformat()}
    (folder / name).write_text(json.dumps(record, ensure_ascii=False))
    if not current_app.testing:
        print(f"\n--- mail to {to}: {subject}\n{body}\n---", file=sys.stderr)


def outbox_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def outbox(limit: int = 100) -> list[dict]:
    """The newest messages the ``outbox`` backend delivered, first."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.json"), reverse=True)[:limit]
    return [json.loads(path.read_text()) for path in files]


def undelivered(limit: int = 100) -> list[OutgoingMail]:
    """Messages not sent yet or failed for good, newest first (the admin outbox shows them)."""
    stmt = select(OutgoingMail).where(OutgoingMail.status != SENT).order_by(OutgoingMail.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))
