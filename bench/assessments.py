"""Assessment delivery against a bare Flask "hello" in the same run, then a crowd of learners, then an import.

    .venv/bin/python bench/assessments.py [--rounds 4] [--duration 5] [--learners 100] [--seconds 60]

1. **Throughput** (the method of ``bench/courseware.py``: gunicorn ``-w 2``, ``wrk -t2 -c8``, endpoints in turn
   round after round, each figure a mean over the rounds): the bare Flask app; an open attempt's page of 10
   questions (``GET`` the unit); saving one answer (the JSON call the page makes, a real write each time: each
   wrk thread answers its own question with a sequence number that grows). Floors (issue 21): saving an answer
   ≥ 20% of hello, the attempt page ≥ 12%.
2. **A crowd** (``--learners`` learners for ``--seconds``, one thread each, through the real server): each
   answers questions at random, remembering every answer the server acknowledged, then submits (a third submit
   twice at once, as a double click). Afterwards the database must hold, for every learner, the last acknowledged
   answer of every question, and exactly one submitted attempt with a result.
3. **An import**: ``lms import-questions`` of a GIFT file of 1,000 questions, timed end to end (issue 21: < 5 s).

Results are printed and written to ``bench/results/assessments-<time>.json``; the exit status is 1 when a floor
is missed or the crowd lost or doubled anything.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import courseware  # noqa: E402 - the servers, wrk and its parsing

ROOT = courseware.ROOT
QUESTIONS = 10


def _gift(count: int, prefix: str = "Q") -> str:
    return "\n\n".join(
        f"::{prefix}{n}::Which value is right for item {n}? {{=right {n} ~wrong {n} ~%50%half {n} ~other {n}}}"
        for n in range(count)
    )


def build_database(instance: Path, learners: int) -> dict:
    """A course whose unit holds an assessment of 10 questions, a bench learner with an open attempt, and
    ``learners`` more learners for the crowd; returns what the measurements need."""
    os.environ.update(LMS_ENV="production", LMS_SECRET_KEY=courseware.SECRET, LMS_INSTANCE_PATH=str(instance))
    sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from assessments.interchange import import_file
    from courses.context import runtime_for
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
        author = create_user("author@bench.example", "Author", courseware.PASSWORD, roles=["author"], via="cli")
        course = create_course(code="BENCH-A", title="Bench assessments", owner=author)
        import_file(course, _gift(QUESTIONS).encode(), fmt="gift", category="Bench")
        chapter = studio.add_block(course, course.root_key, "chapter", author, "Module")
        sequential = studio.add_block(course, chapter, "sequential", author, "Lesson")
        unit = studio.add_block(course, sequential, "vertical", author, "Test")
        block = studio.add_block(course, unit, "assessment", author)
        draft = runtime_for(course, author, "draft").get_block(block)  # set as the studio's form would
        draft.display_name, draft.kind, draft.attempts_allowed = "Bench test", "practice", 0
        draft.draws = [{"category": "Bench", "count": QUESTIONS}]
        draft.save()
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
        emails = ["learner@bench.example"] + [f"crowd{n:03d}@bench.example" for n in range(learners)]
        for email in emails:
            enroll(cohort, create_user(email, email.split("@")[0], courseware.PASSWORD, roles=["learner"], via="cli"))
        db.session.commit()
        db.engine.dispose()
    bench = _learner(app, "learner@bench.example", unit, block)
    crowd = [_learner(app, email, unit, block) for email in emails[1:]]
    return {"unit": f"/learn/BENCH-A/unit/{unit}", "bench": bench, "crowd": crowd}


def _learner(app, email: str, unit: str, block: str) -> dict:  # noqa: ANN001
    """Log in, start an attempt through the block, and return the learner's cookie, URLs and attempt."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = courseware.USER_AGENT
    form = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    client.post("/login", data={"email": email, "password": courseware.PASSWORD, "csrf_token": token})
    page = client.get(f"/learn/BENCH-A/unit/{unit}").get_data(as_text=True)
    prefix = re.search(r'data-usage="' + re.escape(block) + r'"[^>]*?data-handler-prefix="([^"]+)"', page).group(1)
    started = client.post(prefix + "start/", json={})
    if started.status_code != 200:
        raise RuntimeError(f"start answered {started.status_code}: {started.get_data(as_text=True)[:200]}")
    attempt = started.get_json()["attempt"]
    page = client.get(f"/learn/BENCH-A/unit/{unit}").get_data(as_text=True)
    # Each question's choices, from the page (the values its radio buttons send).
    choices: dict[int, list[str]] = {}
    for slot, body in re.findall(r'data-slot="(\d+)">(.*?)</form>', page, re.S):
        choices[int(slot)] = re.findall(r'type="radio"[^>]*?value="([^"]+)"', body, re.S)
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())  # noqa: SLF001
    return {"cookie": cookie, "answer": prefix + "answer/", "submit": prefix + "submit/", "attempt": attempt,
            "choices": choices}  # fmt: skip


def _wrk_answers(url: str, duration: int, connections: int, learner: dict) -> dict:
    """wrk POSTing answers: each thread its own question, its sequence growing, so each request writes."""
    script = (
        "local threads = {}\n"
        "function setup(thread) thread:set('slot', #threads + 1); table.insert(threads, thread) end\n"
        "function init(args) counter = 0 end\n"
        "function request()\n"
        "  counter = counter + 1\n"
        f'  local body = string.format(\'{{"attempt": {learner["attempt"]}, "slot": %d, "answer": ["%s"], '
        '"sequence": %d}\', slot, choices[slot][(counter % 2) + 1], counter)\n'
        "  return wrk.format('POST', nil, {['Content-Type'] = 'application/json', "
        f"['Cookie'] = '{learner['cookie']}', ['User-Agent'] = '{courseware.USER_AGENT}'}}, body)\n"
        "end\n"
    )
    table = ", ".join(
        "{" + ", ".join(f'"{c}"' for c in learner["choices"][slot][:2]) + "}" for slot in sorted(learner["choices"])
    )
    script = f"choices = {{{table}}}\n" + script
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", handle.name, url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    return courseware.parse_wrk(output)


def throughput(args, setup: dict, env: dict) -> tuple[dict, bool]:  # noqa: ANN001
    bench = setup["bench"]
    servers = {}
    measured: dict[str, list[dict]] = {"bare Flask hello": [], "attempt page, 10 questions": [], "save one answer": []}
    try:
        hello = courseware.Server("bench.bare_app:app", args.workers, env)
        app = courseware.Server("wsgi:app", args.workers, env)
        servers = {"hello": hello, "app": app}
        runs = {
            "bare Flask hello": lambda d: courseware.wrk(f"http://127.0.0.1:{hello.port}/hello", d, args.connections),
            "attempt page, 10 questions": lambda d: courseware.wrk(
                f"http://127.0.0.1:{app.port}{setup['unit']}", d, args.connections, cookie=bench["cookie"]
            ),
            "save one answer": lambda d: _wrk_answers(
                f"http://127.0.0.1:{app.port}{bench['answer']}", d, args.connections, bench
            ),
        }
        for run in runs.values():
            run(2)  # warm up
        for _round in range(args.rounds):
            for name, run in runs.items():
                measured[name].append(run(args.duration))
    finally:
        for server in servers.values():
            server.stop()
    results = {name: courseware._combined(rounds) for name, rounds in measured.items()}  # noqa: SLF001
    baseline = results["bare Flask hello"]["rps"]
    targets = {"attempt page, 10 questions": 0.12, "save one answer": 0.20}
    ok = True
    print(f"\ngunicorn -w {args.workers}, wrk -t2 -c{args.connections}, {args.rounds} rounds of {args.duration}s\n")
    for name, result in results.items():
        ratio = result["rps"] / baseline
        per_round = [r["rps"] / h["rps"] for r, h in zip(measured[name], measured["bare Flask hello"], strict=True)]
        target = targets.get(name)
        met = target is None or ratio >= target
        ok &= met and result["non2xx"] == 0 and result["errors"] == 0
        print(
            f"{name:30} {result['rps']:8.0f} req/s  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
            f"failed {result['non2xx'] + result['errors']:4d}  {ratio:6.1%} of hello"
            f"{'' if target is None else f' (floor {target:.0%}, rounds {min(per_round):.1%}–{max(per_round):.1%})'}"
            f"{'' if met else '  MISSED'}"
        )
    return {"results": results, "baseline_rps": baseline}, ok


def crowd(args, setup: dict, env: dict, instance: Path) -> tuple[dict, bool]:  # noqa: ANN001
    """Every learner at once: answers, then a submission (some twice at once); then the database is checked."""
    server = courseware.Server("wsgi:app", args.workers, env)
    base = f"http://127.0.0.1:{server.port}"
    acknowledged: dict[int, dict[int, tuple[int, str]]] = {}
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop_at = time.time() + args.seconds

    def post(learner: dict, url: str, body: dict) -> int:
        request = urllib.request.Request(
            base + url,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Cookie": learner["cookie"],
                "User-Agent": courseware.USER_AGENT,
            },  # fmt: skip
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    def learner_run(index: int, learner: dict) -> None:
        rng = random.Random(index)
        mine: dict[int, tuple[int, str]] = {}
        sequence = 0
        while time.time() < stop_at:
            slot = rng.choice(sorted(learner["choices"]))
            choice = rng.choice(learner["choices"][slot])
            sequence += 1
            status = post(learner, learner["answer"], {"attempt": learner["attempt"], "slot": slot,
                                                       "answer": [choice], "sequence": sequence})  # fmt: skip
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                mine[slot] = (sequence, choice)
        if index % 3 == 0:  # a double click: two submissions at once
            threads = [
                threading.Thread(
                    target=post, args=(learner, learner["submit"], {"attempt": learner["attempt"], "confirm": "yes"})
                )
                for _ in range(2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        else:
            post(learner, learner["submit"], {"attempt": learner["attempt"], "confirm": "yes"})
        with lock:
            acknowledged[learner["attempt"]] = mine

    try:
        threads = [threading.Thread(target=learner_run, args=(i, lr)) for i, lr in enumerate(setup["crowd"])]
        started = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.time() - started
    finally:
        server.stop()
    # Check the database: the last acknowledged answer of every question, one submitted attempt each.
    import sqlite3

    connection = sqlite3.connect(instance / "lms.sqlite3")
    lost, not_submitted = 0, 0
    for attempt_id, answers in acknowledged.items():
        rows = dict(
            (slot, (sequence, response))
            for slot, sequence, response in connection.execute(
                "SELECT slot, sequence, response FROM attempt_answer WHERE attempt_id = ?", (attempt_id,)
            )
        )
        for slot, (sequence, choice) in answers.items():
            stored_sequence, stored = rows[slot]
            if stored_sequence != sequence or json.loads(stored) != choice:
                lost += 1
        state, mark = connection.execute(
            "SELECT state, mark FROM assessment_attempt WHERE id = ?", (attempt_id,)
        ).fetchone()
        if state != "submitted" or mark is None:
            not_submitted += 1
    attempts_per_learner = connection.execute(
        "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM assessment_attempt GROUP BY user_id)"
    ).fetchone()[0]
    saves = sum(statuses.values())
    result = {
        "learners": len(setup["crowd"]),
        "seconds": round(elapsed, 1),
        "saves": saves,
        "saves_per_second": round(saves / elapsed, 1),
        "statuses": statuses,
        "acknowledged_answers_lost": lost,
        "attempts_without_one_result": not_submitted,
        "most_attempts_of_one_learner": attempts_per_learner,
    }
    ok = lost == 0 and not_submitted == 0 and attempts_per_learner == 1 and set(statuses) <= {200}
    print(
        f"\ncrowd: {result['learners']} learners for {result['seconds']} s: {saves} saves "
        f"({result['saves_per_second']}/s), statuses {statuses}; acknowledged answers lost: {lost}; "
        f"attempts without exactly one result: {not_submitted}; most attempts of one learner: {attempts_per_learner}"
        f"{'' if ok else '  FAILED'}"
    )
    return result, ok


def import_timing(env: dict) -> tuple[dict, bool]:
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-import-"))
    gift = folder / "thousand.gift"
    gift.write_text(_gift(1000, prefix="Import "), encoding="utf-8")
    environment = {**env, "LMS_INSTANCE_PATH": str(folder)}
    lms = str(courseware.VENV_BIN / "lms")
    subprocess.run([lms, "init-db"], env=environment, check=True, capture_output=True)
    subprocess.run([lms, "seed-demo"], env=environment, check=True, capture_output=True)
    started = time.time()
    done = subprocess.run(
        [lms, "import-questions", str(gift), "--course", "TOT-ELEC-101"],
        env=environment,
        capture_output=True,
        text=True,
    )
    seconds = time.time() - started
    shutil.rmtree(folder, ignore_errors=True)
    ok = done.returncode == 0 and seconds < 5
    print(f"\nimport of 1,000 GIFT questions (the whole command): {seconds:.2f} s: {done.stdout.strip()}"
          f"{'' if ok else '  MISSED (< 5 s)'}")  # fmt: skip
    return {"seconds": round(seconds, 2), "output": done.stdout.strip(), "error": done.stderr[-500:]}, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--only", choices=("throughput", "crowd", "import"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    instance = Path(tempfile.mkdtemp(prefix="lms-bench-a-"))
    setup = build_database(instance, args.learners if args.only in (None, "crowd") else 0)
    env = {**os.environ, "LMS_ENV": "production", "LMS_SECRET_KEY": courseware.SECRET,
           "LMS_INSTANCE_PATH": str(instance)}  # fmt: skip
    report, ok = {"args": vars(args), "cpus": os.cpu_count()}, True
    for name, run in (
        ("throughput", lambda: throughput(args, setup, env)),
        ("crowd", lambda: crowd(args, setup, env, instance)),
        ("import", lambda: import_timing(env)),
    ):
        if args.only in (None, name):
            report[name], passed = run()
            ok &= passed
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (out / f"assessments-{stamp}.json").write_text(json.dumps(report, indent=2, default=str))
    shutil.rmtree(instance, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
