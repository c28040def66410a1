"""The public verification page. Issuance does not exist yet, so every code is reported as unknown."""

from __future__ import annotations

import re

from flask import Blueprint, render_template, request

bp = Blueprint("certificates", __name__, template_folder="templates")

CODE = re.compile(r"^[A-Z0-9-]{4,40}$")


@bp.get("/verify")
def verify():
    code = request.args.get("code", "").strip().upper()
    status = 200
    result = None
    if code:
        result = "malformed" if not CODE.match(code) else "unknown"
        status = 400 if result == "malformed" else 404
    return render_template("certificates/verify.html", code=code, result=result), status
