"""Domain events, so that packages react to each other without importing each other.

Two kinds, and each signal below says which it is:

* **facts** are announced with :func:`announce` *after* the commit that stored them: a receiver sees the
  committed fact, runs once, and cannot undo it. Each receiver runs on its own: one that raises is logged
  and the others still run. A receiver that writes opens ``lms.db.unit_of_work()``; long work goes
  through ``lms.tasks.enqueue`` (which it may call directly: the fact is committed).
* **in-transaction** signals are sent with ``send`` while the sender's unit of work is open: receivers
  write in the same transaction (a block's grade event becomes the learner's grade), and a receiver that
  raises fails the whole unit of work.

Senders of facts pass plain values (ids, keys, dates), never ORM objects: the announcement runs after
the commit, when those would have expired.
"""

from __future__ import annotations

import logging
from typing import Any

from blinker import Namespace, Signal

from lms.db import after_commit

log = logging.getLogger(__name__)
_signals = Namespace()

user_registered = _signals.signal("user-registered")
"""Fact. sender: the new user's id. kwargs: via ("invitation" | "admin" | "self" | "import" | "cli").
When: an account was created."""

enrolled = _signals.signal("enrolled")
"""Fact. sender: the enrollment's id. kwargs: user_id, cohort_id. When: a learner joined a cohort (or
rejoined after a withdrawal)."""

unenrolled = _signals.signal("unenrolled")
"""Fact. sender: the enrollment's id. kwargs: user_id, cohort_id. When: a learner was withdrawn."""

course_published = _signals.signal("course-published")
"""Fact. sender: the course's id. kwargs: version_id, number. When: a version was published."""

unit_completed = _signals.signal("unit-completed")
"""Fact, sent once per learner and unit. sender: the course's id. kwargs: user_id, unit_key, version_id,
completed_at. When: every block of the unit that counts for completion is complete."""

module_completed = _signals.signal("module-completed")
"""Fact, sent once per learner and module. sender: the course's id. kwargs: user_id, module_key,
version_id, completed_at. When: every unit of the module is complete."""

course_completed = _signals.signal("course-completed")
"""Fact, sent once per learner and course. sender: the course's id. kwargs: user_id, version_id (the
published version the learner completed), completed_at. When: every unit of the course is complete.
Certificates listen to this."""

attempt_submitted = _signals.signal("attempt-submitted")
"""Fact, sent once per attempt. sender: the attempt's id. kwargs: user_id, usage_key. When: a learner's
assessment attempt was submitted (by the learner, by its deadline passing, or by an instructor)."""

attempt_graded = _signals.signal("attempt-graded")
"""Fact. sender: the attempt's id. kwargs: user_id, usage_key. When: a submitted attempt has its mark (at
submission, or when its last essay is graded), and again after a regrade changed it."""

certificate_issued = _signals.signal("certificate-issued")
"""Fact, reserved for certificates. sender: the certificate's id."""

certificate_revoked = _signals.signal("certificate-revoked")
"""Fact, reserved for certificates. sender: the certificate's id."""

xblock_event = _signals.signal("xblock-event")
"""In-transaction. sender: the XBlock. kwargs: user_id (whose state), acting_user_id, event_type,
event_data, context (the learning context: branch, version). When: a block's runtime ``publish``;
courses turns grade and completion events into progress in the same transaction."""


def announce(signal: Signal, sender: Any, **kwargs: Any) -> None:
    """Send a fact signal once the current unit of work has committed, each receiver on its own."""

    def send() -> None:
        for receiver in list(signal.receivers_for(sender)):
            try:
                receiver(sender, **kwargs)
            except Exception:
                log.exception("a receiver of %s failed; the fact stands", signal.name)

    after_commit(send)
