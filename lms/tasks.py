"""The one seam for long work: ``enqueue(fn, *args, **kwargs)``.

On a single machine (``QUEUE_URL`` unset) the job runs inline, inside the caller's transaction. With
``LMS_QUEUE_URL=redis://…`` it is handed to an RQ queue; ``lms/worker.py`` runs it in the worker, in an
app of its own, and commits the job's work as one transaction. Jobs must therefore take plain
arguments (ids, strings), never ORM objects. A queued job that may run longer than RQ's default three
minutes says so with :func:`may_run_for` (RQ stops a job at its timeout).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app

F = TypeVar("F", bound=Callable[..., Any])


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


def enqueue(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn(*args, **kwargs)`` now, or queue it when a queue is configured; returns the result or job."""
    queue_url = current_app.config.get("QUEUE_URL")
    if not queue_url:
        return fn(*args, **kwargs)
    try:
        from redis import Redis
        from rq import Queue
    except ImportError as exc:  # pragma: no cover - depends on optional packages
        raise RuntimeError("LMS_QUEUE_URL is set but the 'rq' package is not installed") from exc
    queue = Queue(current_app.config.get("QUEUE_NAME") or "lms", connection=Redis.from_url(queue_url))
    # Named, not imported: the worker builds the app, and the app must not be imported from here.
    return queue.enqueue(
        "lms.worker.run_job",
        f"{fn.__module__}:{fn.__qualname__}",
        args,
        kwargs,
        job_timeout=getattr(fn, "job_timeout", None),  # None: RQ's default
    )
