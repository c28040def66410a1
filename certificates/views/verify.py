"""The public verification page. Issuance does not exist yet, so every code is reported as unknown.

Checks are rate-limited per client (``VERIFY_MAX_PER_IP`` per ``VERIFY_WINDOW_SECONDS``) so the page
cannot be used to enumerate codes. Checking writes its count, so the view is a writer (``lms.db.writes``):
the limit is read and the check counted in one write transaction, and two checks cannot both slip under it.
"""

from __future__ import annotations

import re

from flask import current_app, render_template, request

from certificates.views import bp
from lms import rate_limits
from lms.request_transaction import keep_writes_on_error, writes
from lms.web import client_ip

CODE = re.compile(r"^[A-Z0-9-]{4,40}$")
PER_IP = rate_limits.Limit("verify.ip", "VERIFY_MAX_PER_IP", "VERIFY_WINDOW_SECONDS")


@bp.get("/verify")
@writes
def verify():
    code = request.args.get("code", "").strip().upper()
    status = 200
    result = None
    if code:
        ip = client_ip()
        wait = rate_limits.retry_after(PER_IP, ip)
        if wait:
            page = render_template("certificates/verify.html", code=code, result="limited", wait=wait)
            response = current_app.make_response((page, 429))
            response.headers["Retry-After"] = str(wait)
            return response
        keep_writes_on_error()  # unknown and malformed codes answer 404/400: the check still counts
        rate_limits.record((PER_IP, ip))
        result = "malformed" if not CODE.match(code) else "unknown"
        status = 400 if result == "malformed" else 404
    return render_template("certificates/verify.html", code=code, result=result), status


@bp.get("/v/<code>")
def verify_code(code: str):
    """The address a certificate's QR code and share link carry."""
    from flask import redirect, url_for

    return redirect(url_for("certificates.verify", code=code))
