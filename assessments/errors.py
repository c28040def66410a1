"""What assessments refuse, shared by the LMS's attempt services and the block's own store (no LMS import)."""

from __future__ import annotations


class AttemptRefused(Exception):
    """The learner may not do this now; the message says why (shown as it is)."""


class AttemptClosed(AttemptRefused):
    """The attempt is submitted, or its time is up: no answer is taken any more."""


class BlueprintError(ValueError):
    """The assessment cannot draw its questions (an author's problem, said to the learner plainly)."""


class NotYours(LookupError):
    """An attempt id that is not the learner's attempt at this block (a 403, whatever the reason)."""
