"""Learning contexts: what a runtime needs to know about the course its blocks belong to.

The host does not know what a course is. A domain package registers a *resolver* that turns a
context key (the course code) and a branch ("draft" or "published") into a :class:`LearningContext`,
which supplies the authored store and answers the permission questions the host must ask before it runs
a handler: may this user use this block, may they act for that user. What makes a block usable (a
course, enrolment, locked modules) is the context's business alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from lms.xblock_host.kvs import SnapshotStore, SqlRows
from lms.xblock_host.models import DRAFT, PUBLISHED

BRANCHES = (DRAFT, PUBLISHED)


class LearningContext(Protocol):
    context_key: str
    branch: str
    course_id: int
    version_id: int | None  # the published version, or None for a draft
    authored: SqlRows | SnapshotStore

    def can_use(self, user: Any, usage_key: str | None = None) -> bool:
        """Whether ``user`` may use the context and (``usage_key``) that block of it now: view it and call
        its handlers. The host asks on every handler call, so a change (a lost role, a block the context
        has since closed to the user) takes effect at once, whatever links the user still holds."""

    def refusal(self, user: Any, usage_key: str | None = None) -> str:
        """Why ``can_use`` said no, in words for the user (shown with the 403)."""

    def can_act_for(self, acting_user: Any, state_user_id: int) -> bool:
        """Whether ``acting_user`` may call handlers on another user's state (an assessor signing off)."""

    def user_role(self, user: Any) -> str:
        """ "staff" (authors, admins), "instructor" (assessors, cohort instructors) or "student"."""

    def asset_url(self, filename: str) -> str:
        """Where a course file referenced as /static/<filename> is served."""


Resolver = Callable[[str, str], LearningContext | None]
_resolvers: list[Resolver] = []


def register_resolver(resolver: Resolver) -> None:
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def resolve(context_key: str, branch: str) -> LearningContext | None:
    if branch not in BRANCHES:
        return None
    for resolver in _resolvers:
        context = resolver(context_key, branch)
        if context is not None:
            return context
    return None
