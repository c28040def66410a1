"""Certificates: issuing in bulk, verifying uploads and CSVs in-process, and the verification page's throughput
against a bare Flask "hello" in the same run (the method of ``bench/courseware.py``).

    .venv/bin/python bench/certificates.py [--rounds 4] [--duration 5] [--issue 1000] [--bulk 5000]

1. **Issuing**: ``--issue`` learners enrolled in one cohort of a published course, then ``services.issue`` for
   each in one process and one transaction (signed credentials, status-list bits; PDFs are rendered lazily),
   timed with the commit. Floor (issue 22): 1,000 in under 90 s.
2. **Upload**: the full cryptographic check of an uploaded credential (the file read by ``containers``, then
   ``verification.check``: format, signature, issuer key, revocation from the database, validity), median over
   50 runs for each of the JSON, the baked PNG and the PDF. Floor: median under 50 ms.
3. **Bulk**: a verifier posts a CSV of ``--bulk`` codes to ``/verify/bulk`` (the test client, in-process): the
   issued certificates' codes, then well-formed codes nobody holds to make up the number. Floor: 5,000 in 30 s.
4. **Throughput**: gunicorn ``-w 2``, ``wrk -t2 -c8``; the bare Flask app and ``/v/<code>`` of a valid
   certificate, in turn, ``--rounds`` times. Floor: the page ≥ 40% of hello. The rate limit is raised for the
   run (it still counts every request: its cost is measured, not skipped). wrk sends no cookie: every request
   is a first visit, as a scanned QR code is. For reference, the same run measures the page for a returning
   visitor (with the session cookie of a first visit), ``/healthz`` (the platform's request with no page and no
   session) and the log-in page (its lightest page for a visitor).

Results are printed and written to ``bench/results/certificates-<time>.json``; exit status 1 if a floor is missed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import courseware  # noqa: E402 - the course, servers, wrk and its parsing

ROOT = courseware.ROOT
FLOORS = {"issue_s": 90.0, "upload_median_ms": 50.0, "bulk_s": 30.0, "page_ratio": 0.40}


def issue_many(app, count: int) -> tuple[float, list[str]]:
    """``count`` learners in the bench cohort, then their certificates: seconds to issue and commit, codes."""
    from sqlalchemy import select

    from certificates import services
    from lms.accounts import services as accounts
    from lms.cohorts.models import Cohort
    from lms.cohorts.services import enroll
    from lms.db import db

    real_hash = accounts._hash_password  # noqa: SLF001
    accounts._hash_password = lambda password: "bench-no-login"  # noqa: SLF001 - these learners never log in
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Bench cohort"))
        learners = []
        for n in range(count):
            learner = accounts.create_user(f"l{n}@bench.example", f"Learner {n:04d}", "x" * 12, via="cli")
            enroll(cohort, learner)
            learners.append(learner.id)
        db.session.commit()
        accounts._hash_password = real_hash  # noqa: SLF001
        course_id = cohort.course_id
        with app.test_request_context():
            start = time.perf_counter()
            issued = [services.issue(user_id, course_id, cohort_id=cohort.id) for user_id in learners]
            db.session.commit()
            seconds = time.perf_counter() - start
            codes = [certificate.code for certificate in issued]
        db.engine.dispose()
    return seconds, codes


def upload_medians(app, code: str, runs: int = 50) -> dict[str, float]:
    """Milliseconds, median over ``runs``, of reading each kind of file and running the full checklist."""
    from certificates import services, verification
    from certificates.vc import containers

    client = app.test_client()
    files = {
        "json": client.get(f"/certificates/{code}/credential.json").data,
        "png": client.get(f"/certificates/{code}/badge.png").data,
        "pdf": client.get(f"/certificates/{code}/certificate.pdf").data,
    }
    medians = {}
    with app.test_request_context():
        assert services.by_code(code) is not None
        for kind, data in files.items():
            times = []
            for _ in range(runs + 2):
                start = time.perf_counter()
                report = verification.check(containers.credential_from_bytes(data, f"file.{kind}"))
                times.append((time.perf_counter() - start) * 1000)
                assert report.verdict == "valid", report.checks
            medians[kind] = statistics.median(times[2:])
    return medians


def bulk_seconds(app, codes: list[str], total: int) -> float:
    from certificates.vc.codes import new_code
    from lms.accounts.services import create_user
    from lms.db import db

    with app.app_context():
        create_user("verifier@bench.example", "Verifier", courseware.PASSWORD, roles=["verifier"], via="cli")
        db.session.commit()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = courseware.USER_AGENT
    app.config["WTF_CSRF_ENABLED"] = False  # the form's token is tested elsewhere; here the work is timed
    login = {"email": "verifier@bench.example", "password": courseware.PASSWORD}
    assert client.post("/login", data=login).status_code == 302
    rows = (codes + [new_code() for _ in range(max(0, total - len(codes)))])[:total]
    csv = ("code\n" + "\n".join(rows) + "\n").encode()
    start = time.perf_counter()
    response = client.post(
        "/verify/bulk", data={"file": (io.BytesIO(csv), "codes.csv")}, content_type="multipart/form-data"
    )
    seconds = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    assert response.get_data(as_text=True).count("\n") == total + 1
    return seconds


def returning_visitor_cookie(app, path: str) -> str:
    """The session cookie a browser holds after its first visit (its CSRF token in it): with it, the server
    has no new session to sign and set on each request."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = courseware.USER_AGENT
    assert client.get(path).status_code == 200
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())  # noqa: SLF001


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per endpoint and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--issue", type=int, default=1000, help="certificates to issue")
    parser.add_argument("--bulk", type=int, default=5000, help="codes in the bulk CSV")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    instance = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))
    courseware.build_database(instance)  # a published course, a cohort (production settings, SQLite)
    os.environ["LMS_VERIFY_MAX_PER_IP"] = str(10**9)
    from lms import create_app

    app = create_app()
    figures: dict = {}
    figures["issue_s"], codes = issue_many(app, args.issue)
    print(f"issued {args.issue} certificates in {figures['issue_s']:.1f} s")
    figures["upload_median_ms"] = upload_medians(app, codes[0])
    print("upload, full check, median ms: " + ", ".join(f"{k} {v:.1f}" for k, v in figures["upload_median_ms"].items()))
    figures["bulk_s"] = bulk_seconds(app, codes, args.bulk)
    print(f"bulk CSV of {args.bulk} codes ({min(len(codes), args.bulk)} issued): {figures['bulk_s']:.2f} s")

    env = {
        **os.environ,
        "LMS_ENV": "production",
        "LMS_SECRET_KEY": courseware.SECRET,
        "LMS_INSTANCE_PATH": str(instance),
    }
    endpoints = (
        ("bare Flask hello", "bench.bare_app:app", "/hello"),
        ("(reference) /healthz", "wsgi:app", "/healthz"),  # the platform with no page, no session
        ("(reference) log-in page", "wsgi:app", "/login"),  # the platform's lightest page for a visitor
        ("/v/<code>", "wsgi:app", f"/v/{codes[0]}"),
        ("(reference) /v/<code>, returning visitor", "wsgi:app", f"/v/{codes[0]}"),
    )
    cookies = {"(reference) /v/<code>, returning visitor": returning_visitor_cookie(app, f"/v/{codes[0]}")}
    servers, measured = {}, {name: [] for name, *_rest in endpoints}
    try:
        for name, target, path in endpoints:
            server = courseware.Server(target, args.workers, env)
            servers[name] = (server, f"http://127.0.0.1:{server.port}{path}")
            # warm up: imports, the remembered proof
            courseware.wrk(servers[name][1], 2, args.connections, cookie=cookies.get(name))
        for _round in range(args.rounds):
            for name, (_server, url) in servers.items():
                measured[name].append(courseware.wrk(url, args.duration, args.connections, cookie=cookies.get(name)))
    finally:
        for server, _url in servers.values():
            server.stop()
    results = {name: courseware._combined(rounds) for name, rounds in measured.items()}  # noqa: SLF001
    hello, page = results["bare Flask hello"], results["/v/<code>"]
    per_round = [
        run["rps"] / base["rps"] for run, base in zip(measured["/v/<code>"], measured["bare Flask hello"], strict=True)
    ]
    figures["page_ratio"] = page["rps"] / hello["rps"]
    print(
        f"\ngunicorn -w {args.workers}, wrk -t2 -c{args.connections}, {args.rounds} rounds of {args.duration}s, "
        f"{os.cpu_count()} CPUs\nhello {hello['rps']:.0f} req/s; /v/<code> {page['rps']:.0f} req/s "
        f"(p50 {page['p50_ms']:.1f} ms, p99 {page['p99_ms']:.1f} ms, failures {page['non2xx'] + page['errors']}): "
        f"{figures['page_ratio']:.1%} of hello (rounds {min(per_round):.1%}–{max(per_round):.1%})"
    )
    for name, result in results.items():
        if name.startswith("(reference)"):
            print(f"{name}: {result['rps']:.0f} req/s, {result['rps'] / hello['rps']:.1%} of hello")
    missed = [
        name
        for name, floor in FLOORS.items()
        if (
            figures[name] < floor
            if name == "page_ratio"
            else (max(figures[name].values()) if isinstance(figures[name], dict) else figures[name]) >= floor
        )
    ]
    missed += ["page failures"] if page["non2xx"] + page["errors"] else []
    print("floors: " + ("all met" if not missed else "MISSED " + ", ".join(missed)))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"certificates-{stamp}.json").write_text(
        json.dumps({"args": vars(args), "cpus": os.cpu_count(), "figures": figures, "throughput": results}, indent=2)
    )
    shutil.rmtree(instance, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
