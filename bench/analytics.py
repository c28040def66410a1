"""The learning-gain and item-analysis reports on a programme's worth of data (issue 23's speed target).

    .venv/bin/python bench/analytics.py [--learners 20000] [--items 40] [--runs 3]

Seeds a fresh SQLite database itself: one published course with a pre-test and a post-test of ``--items``
questions each (drawn from one bank of that many), ``--learners`` learners in 20 cohorts across 5 institutions
and 4 quarters, both genders, each with a graded pre-test and (nine in ten) post-test attempt of one mark per
question — bulk inserts through SQLAlchemy Core (the attempts' answers in chunks: 20,000 × 2 × 40 = 1.6 M rows).
Then times, ``--runs`` times each from an empty ORM session, database reads included:

* ``gain_report`` of the course: every matched learner, overall and by cohort, institution, gender, track and
  period (floor: < 2 s);
* ``item_report`` of the post-test: the attempts × items matrix and Moodle's statistics (floor: < 2 s);

and the memory: the peak of Python allocations during each report (``tracemalloc``, one extra run each,
not timed: tracing slows the code) and the process's peak resident size (``getrusage``, seeding included).
Prints the figures; exit status 1 when a floor is missed (the slowest run counts).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR_SECONDS = 2.0
COHORTS = 20
INSTITUTIONS = ("iprc-kigali", "iprc-huye", "iprc-musanze", "iprc-tumba", "iprc-ngoma")
CHUNK = 50_000


def _gift(count: int) -> str:
    return "\n\n".join(f"::Q{n}::Which value is right for item {n}? {{=right {n} ~wrong {n}}}" for n in range(count))


def seed(learners: int, items: int) -> dict:
    """The course, its tests and every learner's attempts; returns the course id and the post-test's key."""
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from assessments.interchange import import_file
    from assessments.models import Attempt, AttemptAnswer, Question
    from courses.context import runtime_for
    from courses.services import create_course
    from courses.studio import services as studio
    from courses.versions import publish
    from lms import create_app
    from lms.accounts.models import User
    from lms.accounts.services import create_user
    from lms.cohorts.models import Cohort, Enrollment
    from lms.db import db
    from lms.institutions.queries import by_code
    from lms.institutions.services import ensure_default_institutions

    app = create_app()
    rng = random.Random(23)
    with app.app_context():
        upgrade()
        ensure_default_institutions()
        author = create_user("author@bench.example", "Author", "bench-password-1", roles=["author"], via="cli")
        course = create_course(code="BENCH-G", title="Bench gain", owner=author)
        import_file(course, _gift(items).encode(), fmt="gift", category="Bench")
        chapter = studio.add_block(course, course.root_key, "chapter", author, "Module")
        sequential = studio.add_block(course, chapter, "sequential", author, "Lesson")
        unit = studio.add_block(course, sequential, "vertical", author, "Tests")
        keys = {}
        for kind in ("pre", "post"):
            keys[kind] = studio.add_block(course, unit, "assessment", author)
            draft = runtime_for(course, author, "draft").get_block(keys[kind])
            draft.display_name, draft.kind = f"{kind.title()}-test", kind
            draft.draws = [{"category": "Bench", "count": items}]
            draft.save()
        publish(course, author)
        versions = list(db.session.scalars(select(Question.current_version_id).where(Question.course_id == course.id)))
        institutions = [by_code(code).id for code in INSTITUTIONS]
        now = datetime.now(UTC).replace(tzinfo=None)
        cohort_ids = []
        for n in range(COHORTS):
            starts = date(2026, 1 + 3 * (n % 4), 1 + n)
            cohort = Cohort(
                name=f"Cohort {n:02d}",
                course_id=course.id,
                institution_id=institutions[n % len(institutions)],
                starts_on=starts,
                ends_on=starts + timedelta(days=60),
                created_at=now,
            )
            db.session.add(cohort)
            db.session.flush()
            cohort_ids.append(cohort.id)
        db.session.commit()

        started = time.perf_counter()
        first_user = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
        db.session.execute(
            insert(User),
            [
                {
                    "id": first_user + n,
                    "email": f"learner{n:05d}@bench.example",
                    "name": f"Learner {n:05d}",
                    "gender": ("female", "male")[n % 2],
                    "language": "en",
                    "active": True,
                    "session_nonce": f"{n:016x}",
                    "created_at": now,
                }
                for n in range(learners)
            ],
        )
        db.session.execute(
            insert(Enrollment),
            [
                {
                    "cohort_id": cohort_ids[n % COHORTS],
                    "user_id": first_user + n,
                    "status": "active",
                    "enrolled_at": now,
                }
                for n in range(learners)
            ],
        )
        attempts, answers = [], []
        attempt_id = 0
        for n in range(learners):
            ability = rng.betavariate(4, 4)
            for kind, boost in (("pre", 0.0), ("post", 0.25)):
                if kind == "post" and rng.random() < 0.1:
                    continue  # attrition
                attempt_id += 1
                marks = [1.0 if rng.random() < min(0.97, ability + boost) else 0.0 for _ in versions]
                attempts.append(
                    {
                        "id": attempt_id,
                        "user_id": first_user + n,
                        "course_id": course.id,
                        "usage_key": keys[kind],
                        "kind": kind,
                        "number": 1,
                        "seed": n,
                        "state": "submitted",
                        "started_at": now,
                        "submitted_at": now,
                        "submitted_by": "learner",
                        "max_mark": float(len(versions)),
                        "mark": sum(marks),
                        "needs_grading": False,
                    }
                )
                answers.extend(
                    {
                        "attempt_id": attempt_id,
                        "slot": slot,
                        "version_id": version,
                        "max_mark": 1.0,
                        "fraction": mark,
                        "sequence": 0,
                        "comment": "",
                    }
                    for slot, (version, mark) in enumerate(zip(versions, marks, strict=True), start=1)
                )
        for start in range(0, len(attempts), CHUNK):
            db.session.execute(insert(Attempt), attempts[start : start + CHUNK])
        for start in range(0, len(answers), CHUNK):
            db.session.execute(insert(AttemptAnswer), answers[start : start + CHUNK])
        db.session.commit()
        print(
            f"seeded {learners:,} learners, {len(attempts):,} attempts, {len(answers):,} answers "
            f"in {time.perf_counter() - started:.1f} s"
        )
        return {"app": app, "course_id": course.id, "post": keys["post"]}


def reuse(instance: Path) -> dict:
    from lms import create_app

    course_id, post = (instance / "setup.txt").read_text().split()
    return {"app": create_app(), "course_id": int(course_id), "post": post}


def measure(setup: dict, runs: int) -> tuple[dict, bool]:
    from assessments.reports.service import gain_report, item_report
    from courses.models import Course
    from lms.db import db

    app, ok, figures = setup["app"], True, {}

    def gain():
        report = gain_report(db.session.get(Course, setup["course_id"]))
        return f"n = {report.overall.gain.n:,} matched of {report.overall.enrolled:,}, " + ", ".join(
            f"{len(groups)} {dimension}" for dimension, groups in report.breakdowns.items()
        )

    def items():
        report = item_report(db.session.get(Course, setup["course_id"]), setup["post"])
        return f"{report.test.n:,} attempts × {len(report.items)} items, CIC {report.test.internal_consistency:.1f}%"

    for name, run in (("gain_report", gain), ("item_report", items)):
        seconds = []
        for _ in range(runs):
            with app.app_context():
                db.session.expire_all()
                started = time.perf_counter()
                what = run()
                seconds.append(time.perf_counter() - started)
        with app.app_context():
            tracemalloc.start()
            run()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        slowest = max(seconds)
        missed = slowest >= FLOOR_SECONDS
        ok &= not missed
        print(
            f"{name}: {', '.join(f'{s:.2f}' for s in seconds)} s (slowest {slowest:.2f} s"
            f"{', MISSED: < 2 s' if missed else ''}); Python allocations peak {peak / 2**20:.0f} MiB; {what}"
        )
        figures[name] = {"seconds": seconds, "peak_bytes": peak}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"process peak resident size (seeding included): {rss / 1024:.0f} MiB")
    return figures, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="seed into this folder once and reuse it (profiling)")
    args = parser.parse_args()
    instance = args.keep or Path(tempfile.mkdtemp(prefix="lms-bench-g-"))
    os.environ.update(
        LMS_ENV="production", LMS_SECRET_KEY="bench-analytics-" + "x" * 32, LMS_INSTANCE_PATH=str(instance)
    )
    sys.path.insert(0, str(ROOT))
    try:
        kept = args.keep and (instance / "setup.txt").exists()
        setup = reuse(instance) if kept else seed(args.learners, args.items)
        if args.keep and not kept:
            (instance / "setup.txt").write_text(f"{setup['course_id']}\n{setup['post']}\n")
        _, ok = measure(setup, args.runs)
    finally:
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
