"""Courseware throughput against a bare Flask "hello", measured in the same run (machines are noisy).

    .venv/bin/python bench/courseware.py [--rounds 4] [--duration 5] [--connections 8] [--workers 2]

It builds a fresh SQLite database (production mode) with a published unit of 10 components (5 ``html``,
5 ``thumbs``) and an enrolled learner, starts a gunicorn server for each endpoint below, then runs ``wrk``
against each in turn, ``--rounds`` times over (so that a slow spell of the machine falls on every
endpoint of a round, not on one); an endpoint's figure is its mean over the rounds:

* the bare Flask app (``bench/bare_app.py``) — the baseline;
* for reference, the research notes' minimal XBlock runtime rendering the same 10 blocks with nothing
  else (``bench/minimal_runtime_app.py``): the ceiling a real page works under;
* the unit page as the learner (``GET /learn/<code>/unit/<key>``);
* an XBlock handler POST (``thumbs`` ``vote``, which updates shared state: a real write per request).

Floors (issue 18; DEVELOPERS.md): unit page ≥ 12% of the baseline (15% the stretch), handler POST ≥ 20%.
Results are printed and written to ``bench/results/courseware-<time>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-" + "x" * 32
PASSWORD = "bench password 123"  # noqa: S105 - a throw-away benchmark account
# wrk sends the same headers as the client that logged in, as a browser would: Flask-Login's session
# protection ties the session to the user agent, and a mismatch would re-sign the cookie on every request.
USER_AGENT = "tot-lms-bench/1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_database(instance: Path) -> dict:
    """Schema, a course with one 10-component unit, a learner; returns the URLs and cookie to load."""
    os.environ.update(LMS_ENV="production", LMS_SECRET_KEY=SECRET, LMS_INSTANCE_PATH=str(instance))
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from courses.services import create_course
    from courses.studio import services as studio
    from courses.versions import publish
    from lms import create_app
    from lms.accounts.services import create_user
    from lms.cohorts.services import enroll, save_cohort
    from lms.db import db
    from lms.institutions.queries import by_code
    from lms.institutions.services import ensure_default_institutions

    app = create_app()
    with app.app_context():
        upgrade()
        ensure_default_institutions()
        author = create_user("author@bench.example", "Author", PASSWORD, roles=["author"], via="cli")
        learner = create_user("learner@bench.example", "Learner", PASSWORD, roles=["learner"], via="cli")
        course = create_course(code="BENCH-1", title="Bench course", owner=author)
        chapter = studio.add_block(course, course.root_key, "chapter", author, "Module")
        sequential = studio.add_block(course, chapter, "sequential", author, "Lesson")
        unit = studio.add_block(course, sequential, "vertical", author, "Unit of ten")
        components = []
        for index in range(5):
            html = studio.add_block(course, unit, "html", author, f"Text {index}")
            studio.save_fields(
                course,
                html,
                {"display_name": f"Text {index}", "data": f"<p>Paragraph {index} with <b>some</b> text.</p>" * 3},
                author,
            )
            components.append(html)
            components.append(studio.add_block(course, unit, "thumbs", author))
        publish(course, author)
        cohort = save_cohort(
            None,
            name="Bench cohort",
            course_id=course.id,
            institution_id=by_code("iprc-kigali").id,
            starts_on=datetime.now(UTC).date(),
            ends_on=datetime.now(UTC).date(),
            instructors=[],
            by=author,
        )
        enroll(cohort, learner)
        db.session.commit()
        db.engine.dispose()
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/login", data={"email": "learner@bench.example", "password": PASSWORD, "csrf_token": token})
    unit_path = f"/learn/BENCH-1/unit/{unit}"
    page = client.get(unit_path)
    html = page.get_data(as_text=True)
    if page.status_code != 200:
        raise RuntimeError(f"unit page answered {page.status_code}: {html[:300]}")
    client.get(unit_path)  # the first visit's writes (completion, position) are behind us
    thumbs = components[1]
    prefix = re.search(r'data-usage="' + re.escape(thumbs) + r'"[^>]*?data-handler-prefix="([^"]+)"', html).group(1)
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())  # noqa: SLF001
    return {"unit": unit_path, "handler": prefix + "vote/", "cookie": cookie, "components": len(components)}


class Server:
    def __init__(self, target: str, workers: int, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                target,
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # the bare app has no /healthz: any HTTP answer means it is up
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{target} did not start")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, duration: int, connections: int, cookie: str | None = None, post_json: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    lua = None
    if post_json is not None:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(
                f'wrk.method = "POST"\nwrk.body = {json.dumps(post_json)}\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
            lua = handle.name
        command[1:1] = ["-s", lua]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    command[1:1] = ["-H", f"User-Agent: {USER_AGENT}"]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        if lua:
            os.unlink(lua)
    return parse_wrk(output)


def parse_wrk(output: str) -> dict:
    """wrk's figures: req/s, p50 and p99 in ms, non-2xx/3xx answers, socket errors."""
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", output).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", output).group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def _combined(rounds: list[dict]) -> dict:
    """One endpoint's figures over all rounds: mean req/s, median p50, worst p99, all failures."""
    p50s = sorted(result["p50_ms"] for result in rounds)
    return {
        "rps": sum(result["rps"] for result in rounds) / len(rounds),
        "p50_ms": p50s[len(p50s) // 2],
        "p99_ms": max(result["p99_ms"] for result in rounds),
        "non2xx": sum(result["non2xx"] for result in rounds),
        "errors": sum(result["errors"] for result in rounds),
        "rounds": rounds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per endpoint and round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds over all endpoints in turn")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="measure only the endpoints whose name contains this (and the baseline)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    instance = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    setup = build_database(instance)
    env = {**os.environ, "LMS_ENV": "production", "LMS_SECRET_KEY": SECRET, "LMS_INSTANCE_PATH": str(instance)}
    endpoints = (
        ("bare Flask hello", "bench.bare_app:app", "/hello", {}),
        ("(minimal runtime, same 10 blocks)", "bench.minimal_runtime_app:app", "/unit", {}),
        ("unit page, 10 components", "wsgi:app", setup["unit"], {"cookie": setup["cookie"]}),
        (
            "handler POST (thumbs vote)",
            "wsgi:app",
            setup["handler"],
            {"cookie": setup["cookie"], "post_json": '{"voteType": "up"}'},
        ),
    )
    if args.only:
        endpoints = tuple(e for e in endpoints if e[0] == "bare Flask hello" or args.only in e[0])
    # Every server is up (idle) for the whole run, and the endpoints are measured in turn, round after
    # round: a machine that slows down for a while slows every endpoint of that round, not one of them.
    servers: dict[str, tuple[Server, str, dict]] = {}
    measured: dict[str, list[dict]] = {name: [] for name, *_rest in endpoints}
    try:
        for name, target, path, kwargs in endpoints:
            server = Server(target, args.workers, env)
            servers[name] = (server, f"http://127.0.0.1:{server.port}{path}", kwargs)
            wrk(servers[name][1], 2, args.connections, **kwargs)  # warm up: imports, caches, connection pools
        for _round in range(args.rounds):
            for name, (_server, url, kwargs) in servers.items():
                measured[name].append(wrk(url, args.duration, args.connections, **kwargs))
    finally:
        for server, _url, _kwargs in servers.values():
            server.stop()
    results = {name: _combined(rounds) for name, rounds in measured.items()}
    baseline_name = "bare Flask hello"
    baseline = results[baseline_name]["rps"]
    targets = {"unit page, 10 components": 0.12, "handler POST (thumbs vote)": 0.20}
    print(
        f"\ngunicorn -w {args.workers}, wrk -t2 -c{args.connections}, {args.rounds} rounds of {args.duration}s "
        f"per endpoint, {os.cpu_count()} CPUs\n"
    )
    print(
        f"{'endpoint':32} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs hello':>9} {'target':>7}"
        f"  {'rounds vs hello':>15}"
    )
    ok = True
    for name, result in results.items():
        ratio = result["rps"] / baseline
        pairs = zip(measured[name], measured[baseline_name], strict=True)
        per_round = [run["rps"] / hello["rps"] for run, hello in pairs]
        target = targets.get(name)
        met = target is None or ratio >= target
        ok &= met and result["non2xx"] == 0 and result["errors"] == 0
        spread = "" if name == baseline_name else f"{min(per_round):.1%}–{max(per_round):.1%}"
        print(
            f"{name:32} {result['rps']:9.0f} {result['p50_ms']:8.1f} {result['p99_ms']:8.1f} "
            f"{result['non2xx'] + result['errors']:7d} {ratio:9.1%} {'' if target is None else f'{target:.0%}':>7}"
            f"  {spread:>15}{'' if met else '  MISSED'}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"courseware-{stamp}.json").write_text(
        json.dumps({"args": vars(args), "cpus": os.cpu_count(), "results": results, "baseline_rps": baseline}, indent=2)
    )
    shutil.rmtree(instance, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
