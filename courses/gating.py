"""Module gating: other packages lock modules until a condition holds (the assessments package will
lock a course's modules until the learner has taken the pre-test).

A gate is ``gate(user, course, module) -> str | None``: None lets the learner in, a string is the
message shown on the locked module. Course staff are never gated (they must see what they build).
A gate may read ``course.id``, ``.code``, ``.title`` and ``.published_version_id`` only: unit pages pass
the one-row ``courses.context.PublishedCourse``, not the ORM ``Course``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Gate = Callable[[Any, Any, Any], "str | None"]
_gates: dict[str, Gate] = {}


def register_gate(name: str, gate: Gate) -> None:
    _gates[name] = gate


def unregister_gate(name: str) -> None:
    _gates.pop(name, None)


def lock_reason(user, course, module) -> str | None:  # noqa: ANN001
    for gate in _gates.values():
        reason = gate(user, course, module)
        if reason:
            return reason
    return None
