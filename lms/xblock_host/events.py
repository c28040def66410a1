"""What happens when a block publishes an event: it is stored, then routed through a signal.

Every event (grade, completion, progress, and tracking events such as ``xblock.poll.submitted``) is
kept in ``xblock_event``. The ``lms.signals.xblock_event`` signal hands it to the domains: courses turns
``grade`` and ``completion`` into learner progress; later packages can listen too.
"""

from __future__ import annotations

import json
import math
from typing import Any

from lms import signals
from lms.db import db
from lms.xblock_host.models import XBlockEvent


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


# Events that change a learner's record (grades, completion): only a block's own Python may publish them.
SCORING_EVENTS = frozenset({"grade", "completion", "progress"})
# Handlers that publish whatever event the browser names (xblock-utils' ``PublishEventMixin``, used by poll,
# survey and drag-and-drop-v2 for their tracking events): through them a learner could send "grade" with
# any score, or complete a block without doing it.
RELAY_HANDLERS = frozenset({"publish_event"})


class EventRefused(ValueError):
    """An event the host does not take; the handler call that published it answers 400 and keeps nothing."""


def _real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def check(event_type: Any, data: Any, handler: str | None) -> None:
    """Refuse an event whose type is not a name, a scoring event relayed from the browser, or a scoring
    event whose numbers are not numbers (XBlock's contract: a grade's ``value`` and ``max_value``, a
    completion between 0 and 1)."""
    if not isinstance(event_type, str) or not 0 < len(event_type) <= 100:
        raise EventRefused("an event's type is a name of at most 100 characters")
    if event_type not in SCORING_EVENTS:
        return
    if handler in RELAY_HANDLERS:
        raise EventRefused(f"a {event_type} event comes from the block itself, not from the browser")
    data = data if isinstance(data, dict) else {}
    if event_type == "grade":
        value, possible = data.get("value"), data.get("max_value")
        # A possible of 0 is a block with nothing to score yet (a drag-and-drop with no items): kept as 0/0.
        if not (_real(value) and _real(possible) and possible >= 0 and value >= 0):
            raise EventRefused("a grade needs a value and a max_value of 0 or more")
    elif event_type == "completion" and not (_real(data.get("completion")) and 0 <= data["completion"] <= 1):
        raise EventRefused("a completion is a number from 0 to 1")


def record(runtime, block, event_type: str, event_data: Any) -> None:  # noqa: ANN001
    check(event_type, event_data, runtime.handling)
    usage_key = str(block.scope_ids.usage_id)
    data = _jsonable(event_data)
    db.session.add(
        XBlockEvent(
            user_id=runtime.state_user_id,
            context_key=runtime.context.context_key,
            usage_key=usage_key,
            event_type=event_type,
            data=data,
            branch=runtime.context.branch,
            version_id=runtime.context.version_id,
        )
    )
    signals.xblock_event.send(
        block,
        user_id=runtime.state_user_id,
        acting_user_id=runtime.acting_user.id,
        event_type=event_type,
        event_data=data,
        context=runtime.context,
    )
