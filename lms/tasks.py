"""The one seam for long work: ``enqueue(fn, *args, **kwargs)``.

A job is asked for inside a unit of work and starts only after that unit commits, never if it rolls back
(it is registered with ``lms.db.after_commit``). Then:

* with ``LMS_QUEUE_URL=redis://…`` it is handed to an RQ queue; ``lms/worker.py`` runs it in a worker,
  in an app of its own, as one unit of work;
* without a queue it runs in this process, as one unit of work: in a request, once the response has been
  sent (Werkzeug's ``call_on_close``), so the person who asked does not wait for it; in a command or a
  job, right after the commit.

The same job asked for twice in one unit of work runs once. Jobs take plain arguments (ids, strings),
never ORM objects. A job that may run longer than RQ's default three minutes says so with
:func:`may_run_for` (RQ stops a job at its timeout).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app

from lms.db import after_commit, db, in_unit_of_work, unit_of_work
from lms.per_request import request_state
from lms.request_transaction import serving_request

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])
_AFTER_RESPONSE = "tasks_after_response"
_ASKED = "lms_jobs_asked"  # session.info: (transaction, jobs asked for in it)


def may_run_for(seconds: int) -> Callable[[F], F]:
    """Mark a job that may take up to ``seconds`` in a worker (an OLX import of a large course)."""

    def mark(fn: F) -> F:
        fn.job_timeout = seconds  # type: ignore[attr-defined]
        return fn

    return mark


def timed_out(error: BaseException) -> bool:
    """Whether ``error`` is the queue stopping a job at its timeout (RQ raises it inside the job's code,
    so a job that records its own failure can say why)."""
    try:
        from rq.timeouts import JobTimeoutException
    except ImportError:  # pragma: no cover - without rq there is no queue to time out
        return False
    return isinstance(error, JobTimeoutException)


def enqueue(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Have ``fn(*args, **kwargs)`` run as a job once the current unit of work has committed."""
    if not in_unit_of_work():  # after-commit work: the fact it depends on is committed already
        _dispatch(fn, args, kwargs)
        return
    session = db.session()
    transaction = session.get_transaction()
    asked_in, asked = session.info.get(_ASKED, (None, set()))
    if transaction is None or asked_in is not transaction:
        asked = set()
    key = (_target(fn), args, tuple(sorted(kwargs.items())))
    if key in asked:
        return
    after_commit(lambda: _dispatch(fn, args, kwargs))
    asked.add(key)
    session.info[_ASKED] = (session.get_transaction(), asked)


def _target(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def _dispatch(fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    queue_url = current_app.config.get("QUEUE_URL")
    if queue_url:
        _queue(queue_url, fn, args, kwargs)
    elif serving_request():
        request_state().setdefault(_AFTER_RESPONSE, []).append((fn, args, kwargs))
    else:
        run_job(fn, args, kwargs)


def _queue(queue_url: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    try:
        from redis import Redis
        from rq import Queue
    except ImportError as exc:  # pragma: no cover - depends on optional packages
        raise RuntimeError("LMS_QUEUE_URL is set but the 'rq' package is not installed") from exc
    queue = Queue(current_app.config.get("QUEUE_NAME") or "lms", connection=Redis.from_url(queue_url))
    # Named, not imported: the worker builds the app, and the app must not be imported from here.
    queue.enqueue(
        "lms.worker.run_named_job",
        _target(fn),
        args,
        kwargs,
        job_timeout=getattr(fn, "job_timeout", None),  # None: RQ's default
    )


def run_job(fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    """Run one job as a unit of work; a failure is logged (the job records its own outcome if it must)."""
    try:
        with unit_of_work():
            fn(*args, **kwargs)
    except Exception:
        log.exception("job %s failed", _target(fn))


def _run_after_response(response: Response) -> Response:
    """After-request hook: jobs run inline in a request start once its response has been sent."""
    jobs = request_state().pop(_AFTER_RESPONSE, None)
    if jobs:
        app = current_app._get_current_object()  # noqa: SLF001 - the app itself, for a context of its own

        def run_jobs() -> None:
            with app.app_context():
                for fn, args, kwargs in jobs:
                    run_job(fn, args, kwargs)

        response.call_on_close(run_jobs)
    return response


def init_app(app: Flask) -> None:
    # First in the list, so last to run: after lms.db's hook has committed and released the jobs.
    app.after_request_funcs.setdefault(None, []).insert(0, _run_after_response)
