"""Module gating: other packages lock a course's modules until a condition holds (the assessments
package will lock a course's modules until the learner has taken the pre-test).

The gate contract:

* A gate is registered under a name: ``register_gate(name, gate)``. ``gate(user, course)`` *prepares*
  the gate for one learner in one course: it loads the facts it needs, in at most one query (say, the
  learner's submitted pre-test attempts in this course), and returns a check ``check(module) -> str |
  None`` that answers for any module of that course from what was loaded, without a query of its own:
  None opens the module, a string locks it and is the message the learner is shown. A gate that locks
  nothing for this learner (pre-test taken) returns None instead of a check.
* Preparation is lazy, and done at most once per request per (learner, course, published version): a
  unit page or a handler call asks about the one module of the block concerned, the outline about every
  module, all from the same preparation; answers are remembered for the rest of the request. Nothing is
  prepared until a learner's access to a module is asked (a course without gates costs nothing). Outside
  a request (commands, jobs) nothing is remembered: each question prepares the gate again.
* ``user`` is the learner; ``course`` offers ``id``, ``code``, ``title`` and ``published_version_id``
  only (unit pages and handler calls pass the one-row ``courses.context.PublishedCourse``, not the ORM
  ``Course``); ``module`` is a ``courses.structure.Module`` of the published version (``key``, ``title``,
  ``index``, ``lessons``, ``units``).
* A gate only reads. It sees learners only: course staff (authors, admins) and instructors are never
  gated (they must see what they build and assess). ``courses.context.CourseContext`` is the one place
  that asks, for every path to a published block: unit pages, the outline and "Continue", XBlock handler
  calls and course files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lms.per_request import request_state

Check = Callable[[Any], "str | None"]  # module -> lock message or None
Gate = Callable[[Any, Any], "Check | None"]  # (user, course) -> check, or None when nothing is locked
_gates: dict[str, Gate] = {}


def register_gate(name: str, gate: Gate) -> None:
    _gates[name] = gate


def unregister_gate(name: str) -> None:
    _gates.pop(name, None)


class _Prepared:
    """The gates of one learner in one course for one request: each prepared on first need."""

    def __init__(self, user: Any, course: Any):
        self.user = user
        self.course = course
        self.checks: dict[str, Check | None] = {}
        self.answers: dict[str, str | None] = {}

    def lock_reason(self, module: Any) -> str | None:
        if module.key not in self.answers:
            self.answers[module.key] = self._ask(module)
        return self.answers[module.key]

    def _ask(self, module: Any) -> str | None:
        for name, gate in list(_gates.items()):
            if name not in self.checks:
                self.checks[name] = gate(self.user, self.course)
            check = self.checks[name]
            reason = check(module) if check is not None else None
            if reason:
                return reason
        return None


def lock_reason(user: Any, course: Any, module: Any) -> str | None:
    """Why ``module`` is locked for the learner ``user`` (the first gate that locks it), or None.

    Callers decide who is a learner (``courses.context.CourseContext``); this asks every gate."""
    if not _gates:
        return None
    prepared_gates = request_state().setdefault("module_gates", {})
    key = (user.id, course.id, course.published_version_id)
    prepared = prepared_gates.get(key)
    if prepared is None:
        prepared = prepared_gates[key] = _Prepared(user, course)
    return prepared.lock_reason(module)
