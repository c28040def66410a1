"""The session cookie: Flask's signed cookie, with the cookies that verified remembered
(``lms.caches.SESSION_COOKIES``).

A logged-in learner's browser sends the same session cookie on every page turn and every XBlock
handler call until the session changes (sessions are not permanent, so Flask sets the cookie again only
when its content changes). Verifying it — base64, zlib, an HMAC, tagged JSON — costs about 30 µs,
a fifth of what our framework costs an anonymous request, and 0.07 to 0.12 ms of a learner's unit page or
handler call (measured in-process): what it saves holds the courseware floors of bench/courseware.py
(bench/README.md). ``RememberingSessionInterface`` keeps
cookies that verified in a process-wide LRU, keyed by the secret key and the cookie's exact text
(signature included), and gives each request its own copy of the data.

A remembered cookie is still held to the session lifetime, from the timestamp it was signed with, as
Flask's own check does. Remembering vouches for the signature only, never for the log-in the session
names: the user loader asks the database on every request whether that log-in is alive
(``lms.accounts.logins``), so a cookie of a session that logged out is refused, remembered or not.
Only sessions whose values are all immutable scalars are remembered: a copy
of a session holding lists or dicts (flashed messages) would share them between requests.
"""

from __future__ import annotations

import time

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

from lms import caches

_SCALARS = (str, int, float, bool, type(None))


class RememberingSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not app.secret_key:
            return super().open_session(app, request)
        if not cookie:
            return self.session_class()  # as Flask, without building a signing serializer for nothing
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (app.secret_key, cookie)
        remembered = caches.SESSION_COOKIES.get(key)
        if remembered is not None:
            signed_at, data = remembered
            if 0 <= time.time() - signed_at <= max_age:
                return self.session_class(data)
            return self.session_class()  # expired since: as Flask, start a new session
        serializer = self.get_signing_serializer(app)
        try:
            data, signed = serializer.loads(cookie, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(value, _SCALARS) for value in data.values()):
            caches.SESSION_COOKIES.put(key, (signed.timestamp(), data))
        return self.session_class(data)

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:
        if not session and not session.modified:
            # A visitor's empty session, read or not: no cookie to set or delete. Flask works out every cookie
            # attribute first; skipping that is part of the public certificate page's speed floor
            # (bench/certificates.py: a scanned QR code is such a visitor).
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
