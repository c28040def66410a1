"""The one seam for long work: ``enqueue(fn, *args, **kwargs)``.

On a single machine (``QUEUE_URL`` unset) the job runs inline, inside the caller's transaction. With
``LMS_QUEUE_URL=redis://…`` it is handed to an RQ queue, whose worker builds its own app and commits the
job's work as one transaction. Jobs must therefore take plain arguments (ids, strings), never ORM objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app


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
    queue = Queue("lms", connection=Redis.from_url(queue_url))
    return queue.enqueue(run_job, f"{fn.__module__}:{fn.__qualname__}", args, kwargs)


def run_job(target: str, args: tuple, kwargs: dict) -> Any:
    """Worker entry point: import ``module:function``, run it in an app context, commit once."""
    import importlib

    from lms.app import create_app
    from lms.db import db

    module_name, _, name = target.partition(":")
    fn = getattr(importlib.import_module(module_name), name)
    app = create_app()
    with app.app_context():
        try:
            result = fn(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            raise
        db.session.commit()
        return result
