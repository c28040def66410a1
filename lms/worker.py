"""The queue worker's side of ``lms.tasks.enqueue``: run one job in an app context, as one unit of work.

Start workers with ``rq worker lms --url $LMS_QUEUE_URL`` in the project's environment (the ``rq`` and
``redis`` packages installed); each job names its function as ``module:function`` with plain arguments.
A job that raises is logged and fails in RQ too (``rq info`` shows it), with nothing it wrote kept.
"""

from __future__ import annotations

import importlib

_app = None


def run_named_job(target: str, args: tuple, kwargs: dict) -> None:
    from lms.app import create_app
    from lms.db import unit_of_work

    global _app  # one app per worker process, built on its first job
    if _app is None:
        _app = create_app()
    module_name, _, name = target.partition(":")
    fn = getattr(importlib.import_module(module_name), name)
    with _app.app_context(), unit_of_work():
        fn(*args, **kwargs)
