"""Bulk verification: a CSV of codes in, a CSV report out, for verifiers and admins."""

from __future__ import annotations

import csv
import io

from certificates import services
from certificates.models import Certificate
from lms.db import db
from tests.certificates.helpers import certifiable_course
from tests.certificates.verify_helpers import issued, typo_of, unknown_code


def _post(client, text: str | bytes):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/verify/bulk", data={"file": (io.BytesIO(data), "codes.csv")}, content_type="multipart/form-data"
    )


def _report(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_a_verifier_gets_a_status_per_code_in_the_files_order(app, factory, client, auth, count_queries):
    course = certifiable_course(factory)
    _id, valid, _bytes, learner = issued(app, factory, course=course)
    revoked_id, revoked, _bytes, _learner = issued(app, factory, course=course, name="Habimana Jean")
    with app.test_request_context():
        services.revoke(db.session.get(Certificate, revoked_id), "Issued in error", None)
        db.session.commit()
    unknown = unknown_code()
    auth.login(factory.user("verifier"))
    text = f"name,code\nÉloïse,{valid.lower()}\nJean,{revoked}\n\nNobody,{unknown}\nTypo,{typo_of(valid)}\nJunk,hello\n"
    with count_queries() as counter:
        rows = _report(_post(client, text))
    assert [(row["line"], row["status"]) for row in rows] == [
        ("2", "VALID"),
        ("3", "REVOKED"),
        ("5", "UNKNOWN"),
        ("6", "MALFORMED"),
        ("7", "MALFORMED"),
    ]
    assert rows[0]["holder"] == "Mukamana Éloïse" and rows[0]["course"] == course.title and rows[0]["issued"]
    assert rows[0]["code"] == valid
    assert rows[1]["revoke_reason"] == "Issued in error" and rows[1]["revoked_on"]
    assert "typo" in rows[3]["note"]
    assert learner.email not in str(rows)
    certificate_queries = [s for s in counter.statements if "FROM certificate" in s]
    assert len(certificate_queries) <= 2  # the codes in one chunk, their replacements in another


def test_without_a_header_the_first_column_holds_the_codes(app, factory, client, auth):
    _id, code, _bytes, _learner = issued(app, factory)
    auth.login(factory.user("admin"))
    rows = _report(_post(client, f"{code},extra\n{unknown_code()}\n"))
    assert [row["status"] for row in rows] == ["VALID", "UNKNOWN"]


def test_thousands_of_codes_take_one_query_per_chunk(app, factory, client, auth, count_queries):
    auth.login(factory.user("verifier"))
    codes = [unknown_code() for _ in range(3000)]
    with count_queries() as counter:
        rows = _report(_post(client, "code\n" + "\n".join(codes)))
    assert len(rows) == 3000 and {row["status"] for row in rows} == {"UNKNOWN"}
    assert len([s for s in counter.statements if "FROM certificate" in s]) == 6  # 3,000 codes in chunks of 500


def test_unreadable_files_are_refused_with_the_line(app, factory, client, auth):
    auth.login(factory.user("verifier"))
    not_utf8 = _post(client, b"code\nABCD\n\xff\xfe broken\n")
    assert not_utf8.status_code == 400
    assert "Line 3: the file is not UTF-8" in not_utf8.get_data(as_text=True)
    nul = _post(client, "code\nA\x00B\n")
    assert nul.status_code == 400 and "Line 2" in nul.get_data(as_text=True)
    empty = _post(client, "code\n\n")
    assert empty.status_code == 400 and "holds no codes" in empty.get_data(as_text=True)


def test_bulk_is_for_verifiers_and_admins_behind_login(app, factory, client, auth):
    assert client.get("/verify/bulk").status_code == 302  # to the log-in page
    auth.login(factory.user("learner"))
    assert client.get("/verify/bulk").status_code == 403
    assert _post(client, "code\n0000-0000-0000-0\n").status_code == 403


def test_bulk_needs_its_csrf_token(app, factory, client, auth, monkeypatch):
    auth.login(factory.user("verifier"))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/verify/bulk")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    assert _post(client, "code\n0000-0000-0000-0\n").status_code == 400


def test_a_file_with_too_many_codes_is_refused_at_the_line_past_the_limit(app, factory, client, auth, monkeypatch):
    from certificates import bulk

    monkeypatch.setattr(bulk, "MAX_CODES", 3)
    auth.login(factory.user("verifier"))
    refused = _post(client, "code\n" + "\n".join(unknown_code() for _ in range(5)))
    assert refused.status_code == 400
    assert "Line 5: a file may hold at most 3 codes." in refused.get_data(as_text=True)
