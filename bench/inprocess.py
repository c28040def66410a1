"""Where a courseware request's time goes, in-process (no gunicorn, no wrk): wall-clock timers around
each step of the unit page and the handler POST of ``bench/courseware.py``'s course.

    .venv/bin/python bench/inprocess.py [--requests 1000]

It prints the mean milliseconds per request and per step. Steps nest (the vertical's view contains
the thumbs views), so the step column does not add up to the total. Timers cost a little themselves:
compare steps with each other, and totals only with totals of the same script.
"""

from __future__ import annotations

import argparse
import collections
import functools
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import courseware  # noqa: E402 - the benchmark's own database builder


def _timed(owner, name: str, label: str, totals: collections.Counter) -> None:  # noqa: ANN001
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def _instrument(totals: collections.Counter) -> None:
    from sample_xblocks.thumbs.thumbs import ThumbsBlock

    import courses.courseware.unit_page as unit_page
    import lms.cohorts.queries as cohort_queries
    from courses import progress, queries
    from courses.blocks.structure import VerticalBlock
    from lms.extensions import login_manager
    from lms.xblock_host import views as host_views
    from lms.xblock_host.kvs import SqlRows
    from lms.xblock_host.runtime import LmsRuntime

    for owner, name, label in (
        (queries, "published_row", "course row"),
        (cohort_queries, "is_enrolled_in_course", "enrolment"),
        (progress, "completions", "completions"),
        (progress, "position", "resume position"),
        (SqlRows, "prefetch_user_blocks", "page state (one query)"),
        (SqlRows, "set_many", "state upsert"),
        (unit_page, "runtime_for", "runtime set-up"),
        (unit_page, "render_skeleton", "page template (skeleton)"),
        (VerticalBlock, "student_view", "unit view (all 10 blocks)"),
        (ThumbsBlock, "student_view", "  thumbs' own student_view x5"),
        (LmsRuntime, "_wrap_ele", "  block wrappers x10"),
        (host_views, "_call_handler", "handler call (state in, vote, state out)"),
        (login_manager, "_user_callback", "user and roles (first query)"),
    ):
        _timed(owner, name, label, totals)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    from werkzeug.test import EnvironBuilder

    setup = courseware.build_database(Path(tempfile.mkdtemp(prefix="lms-inprocess-")))
    from lms import create_app

    app = create_app()
    headers = {"Cookie": setup["cookie"], "User-Agent": courseware.USER_AGENT}
    client = {"REMOTE_ADDR": "127.0.0.1"}
    requests = {
        "unit page": (EnvironBuilder(path=setup["unit"], headers=headers, environ_base=client).get_environ(), b""),
        "handler POST": (
            EnvironBuilder(
                path=setup["handler"],
                method="POST",
                headers=headers,
                environ_base=client,
                content_type="application/json",
            ).get_environ(),
            b'{"voteType": "up"}',
        ),
    }
    totals: collections.Counter = collections.Counter()
    _instrument(totals)
    for name, (environ, body) in requests.items():

        def call(environ=environ, body=body, name=name) -> None:  # noqa: ANN001
            statuses = []
            environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
            b"".join(app.wsgi_app(environ, lambda status, headers, exc=None: statuses.append(status)))
            if not statuses[0].startswith("200"):
                raise RuntimeError(f"{name} answered {statuses[0]}")

        for _ in range(50):
            call()
        totals.clear()
        started = time.perf_counter()
        for _ in range(args.requests):
            call()
        total = (time.perf_counter() - started) / args.requests * 1000
        print(f"\n{name}: {total:.3f} ms per request ({args.requests} requests)")
        for label, seconds in sorted(totals.items(), key=lambda item: -item[1]):
            print(f"  {label:44} {seconds / args.requests * 1000:7.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
