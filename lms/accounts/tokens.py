"""Personal access tokens for ``/api/v1``: created on the profile page, shown once, stored as a hash.

A token authenticates one person to the API (``Authorization: Bearer tot_…``); revoking it takes effect at
once. Its last use is recorded at most every five minutes, after the request's own transaction.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update

from lms import audit
from lms.accounts.models import ApiToken, User, hash_token
from lms.accounts.services import AccountError
from lms.clock import utcnow
from lms.db import after_commit, db, unit_of_work

API_TOKEN_PREFIX = "tot_"  # noqa: S105 - a public prefix that makes tokens recognisable, not a secret


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = name.strip()
    if not name:
        raise AccountError(_("Give the token a name."), "name")
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", "api_token", token.id, name=name)
    return token, raw


def revoke_api_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record("api_token.revoked", "api_token", token.id)


def user_for_api_token(raw: str) -> User | None:
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token_id = token.id

        def record_use() -> None:  # after the request's (read) commit, in a short write of its own
            with unit_of_work():
                db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))

        after_commit(record_use)
    return token.user
