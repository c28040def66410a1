"""Outgoing mail: one ``send()`` with two backends.

``outbox`` (the default) prints each message to the console and writes it as a JSON file under the
instance folder's ``outbox/``, where admins read it at ``/admin/outbox`` — a development convenience
that keeps reset links out of the database. ``smtp`` delivers through ``MAIL_SERVER``.
"""

from __future__ import annotations

import json
import smtplib
import sys
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from lms.accounts.models import utcnow


def outbox_dir() -> Path:
    return Path(current_app.instance_path) / "outbox"


def send(to: str, subject: str, body: str) -> None:
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


def outbox(limit: int = 100) -> list[dict]:
    """The newest messages first."""
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.json"), reverse=True)[:limit]
    return [json.loads(path.read_text()) for path in files]
