"""Domain events, so that packages react to each other without importing each other.

Services send these after they have flushed their change; receivers run in the same transaction, so a
receiver that fails rolls the whole request back. Each signal documents the keyword arguments it sends.
"""

from blinker import Namespace

_signals = Namespace()

user_registered = _signals.signal("user-registered")
"""sender: the new User. kwargs: via ("invitation" | "admin" | "self" | "import" | "cli")."""

enrolled = _signals.signal("enrolled")
"""sender: the Enrollment."""

unenrolled = _signals.signal("unenrolled")
"""sender: the Enrollment (now withdrawn)."""

course_published = _signals.signal("course-published")
"""sender: the CourseVersion just published."""

xblock_event = _signals.signal("xblock-event")
"""sender: the XBlock. kwargs: user_id, event_type, event_data, course_id. Every runtime ``publish``."""

unit_completed = _signals.signal("unit-completed")
"""sender: the course id. kwargs: user_id, unit_key."""

course_completed = _signals.signal("course-completed")
"""sender: the course id. kwargs: user_id."""

attempt_submitted = _signals.signal("attempt-submitted")
"""Reserved for assessments: sender: the Attempt."""

certificate_issued = _signals.signal("certificate-issued")
"""Reserved for certificates: sender: the Certificate."""

certificate_revoked = _signals.signal("certificate-revoked")
"""Reserved for certificates: sender: the Certificate."""
