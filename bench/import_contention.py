"""Learners' handler POSTs while an Open edX course the size of the demo course is imported, against the same
POSTs with nothing else going on, measured in the same run.

    .venv/bin/python bench/import_contention.py [--duration 10] [--connections 8] [--workers 2] [--scale 1]

It builds a fresh SQLite database (production mode) with ``bench/courseware.py``'s published unit and enrolled
learner, starts gunicorn (``--workers`` sync workers) and runs ``wrk`` against the learner's handler POST
(``thumbs`` ``vote``: a write per request) twice for ``--duration`` seconds: once alone, once while
``lms import-olx`` imports ``tests/olx/large_course.py``'s course (30 units, 150 components, 3 MB of static
files; ``--scale`` multiplies its modules) over and over, each time under a new code, back to back in one
process (the command itself, run through Click), so that imports fill the window. It prints the POST's p50
and p99 and its failures (non-2xx answers and socket errors) in both windows, and how many imports ran and
for how long.

An import reads, unpacks and parses the archive with no transaction open and writes the course in short
transactions (``courses/olx/writer.py``); before it held SQLite's write lock from start to end, and every
POST in the window waited for it, failing after the busy timeout.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.courseware import ROOT, SECRET, Server, build_database, wrk  # noqa: E402

AUTHOR = "author@bench.example"  # made by build_database, with the author role


def import_loop(archive: str, stop_file: str) -> int:
    """In a process of its own: ``lms import-olx`` (the command itself, through Click), again and again under
    new codes, until ``stop_file`` exists; prints ``ok <seconds>`` or ``failed <message>`` per import. One
    process for all of them, so that the window is filled with imports, not with starting Python."""
    from lms import create_app

    app = create_app()
    runner = app.test_cli_runner()
    number = 0
    while not os.path.exists(stop_file):
        number += 1
        started = time.perf_counter()
        result = runner.invoke(args=["import-olx", archive, "--author", AUTHOR, "--code", f"DEMO-{number}"])
        seconds = time.perf_counter() - started
        if result.exit_code == 0:
            print(f"ok {seconds:.3f}", flush=True)
        else:
            print(f"failed {(result.output or repr(result.exception)).strip().splitlines()[-1]}", flush=True)
    return 0


class Imports:
    """The import loop's process, started and stopped around a measurement window."""

    def __init__(self, archive: Path, env: dict):
        self.stop_file = archive.with_suffix(".stop")
        command = [sys.executable, __file__, "--import-loop", str(archive), str(self.stop_file)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        self.durations: list[float] = []
        self.failures: list[str] = []

    def finish(self) -> None:
        self.stop_file.touch()
        output, _ = self.process.communicate(timeout=600)
        for line in output.splitlines():
            outcome, _, rest = line.partition(" ")
            if outcome == "ok":
                self.durations.append(float(rest))
            elif outcome == "failed":
                self.failures.append(rest)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk in each window")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=int, default=1, help="multiply the course's modules (5 × scale)")
    parser.add_argument("--import-loop", nargs=2, metavar=("ARCHIVE", "STOP_FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_loop:
        return import_loop(*args.import_loop)
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    instance = Path(tempfile.mkdtemp(prefix="lms-bench-import-"))
    setup = build_database(instance)
    from tests.olx import large_course

    archive = instance / "demo-course.tar.gz"
    archive.write_bytes(large_course.archive(modules=5 * args.scale))
    env = {**os.environ, "LMS_ENV": "production", "LMS_SECRET_KEY": SECRET, "LMS_INSTANCE_PATH": str(instance)}
    post = {"cookie": setup["cookie"], "post_json": '{"voteType": "up"}'}
    server = Server("wsgi:app", args.workers, env)
    url = f"http://127.0.0.1:{server.port}{setup['handler']}"
    imports = None
    try:
        wrk(url, 2, args.connections, **post)  # warm up: imports, caches, connection pools
        alone = wrk(url, args.duration, args.connections, **post)
        imports = Imports(archive, env)
        time.sleep(3.0)  # the import loop's process is up and importing when the window opens
        during = wrk(url, args.duration, args.connections, **post)
    finally:
        if imports is not None:
            imports.finish()
        server.stop()
    print(
        f"\ngunicorn -w {args.workers}, wrk -t2 -c{args.connections}, {args.duration}s per window, "
        f"{os.cpu_count()} CPUs; course: {large_course.component_count(modules=5 * args.scale)} components, "
        f"{archive.stat().st_size / 1e6:.1f} MB archive\n"
    )
    print(f"{'handler POST (thumbs vote)':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for name, result in (("alone", alone), ("during imports", during)):
        failed = result["non2xx"] + result["errors"]
        print(f"{name:30} {result['rps']:8.0f} {result['p50_ms']:8.1f} {result['p99_ms']:8.1f} {failed:7d}")
    durations = imports.durations
    if durations:
        print(
            f"\n{len(durations)} imports back to back (lms import-olx in one process), "
            f"{min(durations):.2f}–{max(durations):.2f} s each"
        )
    if imports.failures:
        print(f"{len(imports.failures)} imports failed: {imports.failures[0]}")
    shutil.rmtree(instance, ignore_errors=True)
    ok = not imports.failures and during["non2xx"] + during["errors"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
