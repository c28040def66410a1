"""What happens when a block publishes an event: it is stored, then routed through a signal.

Every event (grade, completion, progress, and tracking events such as ``xblock.poll.submitted``) is
kept in ``xblock_event``. The ``lms.signals.xblock_event`` signal hands it to the domains: courses turns
``grade`` and ``completion`` into learner progress; later packages can listen too.
"""

from __future__ import annotations

import json
from typing import Any

from lms import signals
from lms.db import db
from lms.xblock_host.models import XBlockEvent


def _jsonable(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def record(runtime, block, event_type: str, event_data: Any) -> None:  # noqa: ANN001
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
