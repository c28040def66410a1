"""Courses as XBlock learning contexts, and the runtimes built on them.

The draft of a course is read from (and written to) the field store; a published version is read from
its immutable snapshot, loaded once per process and shared by every request; likewise its files (the
draft's ``course_asset`` rows, or the version's ``courses.version_files``). Who may use a context:

* draft: the course's authors and admins (authoring and preview);
* published: learners enrolled in a cohort of the course, its cohort instructors, authors and admins;
  a learner, moreover, only the blocks of modules no gate locks for them (``courses.gating``), and the
  course files such a module refers to or no module does (``courses.file_refs``).

:meth:`CourseContext.can_use` is the one place that decides, for every path to a published course's
blocks: unit pages, the outline and "Continue", XBlock handler calls (the host asks it) and course files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from courses import assets, file_refs, gating, queries, version_files
from courses.models import Course, author_role, course_root_key
from courses.structure import Structure, published_structure
from courses.versions import snapshot_store
from lms.clock import utcnow
from lms.cohorts.queries import instructs_course_learner, is_enrolled_in_course
from lms.per_request import request_state
from lms.permissions import can
from lms.xblock_host.context import DRAFT, PUBLISHED
from lms.xblock_host.kvs import SnapshotStore, SqlRows
from lms.xblock_host.runtime import LmsRuntime


class DraftRows(SqlRows):
    """The draft's authored rows: any write marks the course as having unpublished changes."""

    def __init__(self, course: Course):
        super().__init__(course.code, DRAFT)
        self.course = course

    def set_many(self, items) -> None:  # noqa: ANN001
        super().set_many(items)
        if items:
            self.course.draft_changed_at = utcnow()

    def delete(self, *address) -> None:  # noqa: ANN002
        super().delete(*address)
        self.course.draft_changed_at = utcnow()


class CourseContext:
    def __init__(self, course: Course | PublishedCourse, branch: str):
        self.course = course
        self.course_id = course.id
        self.context_key = course.code
        self.branch = branch
        self._file_hashes: dict[str, str] | None = None  # {filename: sha256}, loaded on the first asset_url
        if branch == DRAFT:
            self.version_id = None
            rows = DraftRows(course)
            rows.prefetch_context_authored(course.code)
            self.authored: SqlRows | SnapshotStore = rows
        else:
            self.version_id = course.published_version_id
            self.authored = snapshot_store(course.published_version_id)

    @property
    def root_key(self) -> str:
        return self.course.root_key

    def is_staff(self, user: Any) -> bool:
        return can("course.edit", self.course, user=user)

    def can_use(self, user: Any, usage_key: str | None = None) -> bool:
        """Whether ``user`` may use the course, and (``usage_key``) that block of it now."""
        if not self._may_enter(user):
            return False
        return usage_key is None or self.lock_reason(user, usage_key) is None

    def refusal(self, user: Any, usage_key: str | None = None) -> str:
        """Why ``can_use`` said no, in words for ``user``."""
        reason = self.lock_reason(user, usage_key) if usage_key and self._may_enter(user) else None
        if reason:
            return _("This part of the course is locked for you: %(reason)s", reason=reason)
        return _("You do not have access to this course.")

    def lock_reason(self, user: Any, usage_key: str) -> str | None:
        """The gate's message when the module holding ``usage_key`` is locked for the learner ``user``.

        None for everyone who is not a learner of the course (staff, instructors), in drafts, and for blocks
        outside every module. Only the one module asked about is evaluated.
        """
        if not self._gated(user):
            return None
        module = self.structure.module_of_block.get(usage_key)
        return gating.lock_reason(user, self.course, module) if module is not None else None

    def module_locks(self, user: Any) -> dict[str, str]:
        """``{module key: lock message}`` of every locked module (the outline's view)."""
        if not self._gated(user):
            return {}
        return {m.key: reason for m in self.structure.modules if (reason := gating.lock_reason(user, self.course, m))}

    def can_use_file(self, user: Any, filename: str) -> bool:
        """Whether ``user`` may fetch the course file: they may use the course and, for a learner, a module
        open to them refers to the file or no module does (course-wide files)."""
        if not self.can_use(user):
            return False
        if not self._gated(user):
            return True
        modules = file_refs.modules_referencing(self.version_id, self.authored.snapshot, self.structure).get(filename)
        if not modules:
            return True
        module_of = self.structure.module_of_block
        return any(gating.lock_reason(user, self.course, module_of[key]) is None for key in modules)

    @property
    def structure(self) -> Structure:
        """The published structure (process-cached per version); published contexts only."""
        return published_structure(self.course)

    def _may_enter(self, user: Any) -> bool:
        if self.is_staff(user):
            return True
        if self.branch == DRAFT:
            return False
        return can("course.learn", self.course, user=user) or can("course.assess", self.course, user=user)

    def _gated(self, user: Any) -> bool:
        """Gates lock learners out; staff must see what they build, instructors what they assess."""
        return self.branch == PUBLISHED and self.user_role(user) == "student"

    def can_act_for(self, acting_user: Any, state_user_id: int) -> bool:
        """Whether ``acting_user`` may act on (see, sign off, grade) another user's state of this course now.

        Only on a learner actively enrolled in the course: for admins and the course's staff in any of its
        cohorts, for an instructor in a cohort they instruct. Asked on every handler call (a handler token
        lives for days), so a learner withdrawn since, or an instructor removed since, is refused at once.
        """
        if acting_user.is_admin or self.is_staff(acting_user):
            return is_enrolled_in_course(state_user_id, self.course_id)
        return instructs_course_learner(acting_user.id, state_user_id, self.course_id)

    def user_role(self, user: Any) -> str:
        if self.is_staff(user):
            return "staff"
        if can("course.assess", self.course, user=user):
            return "instructor"
        return "student"

    def asset_url(self, filename: str) -> str:
        """The URL of the file's bytes as this branch has them: the draft's file, or the version's."""
        if self._file_hashes is None:
            self._file_hashes = (
                assets.draft_hashes(self.course_id)
                if self.version_id is None
                else version_files.hashes(self.version_id)
            )
        sha256 = self._file_hashes.get(filename)
        if sha256 is None:  # no such file: the by-name URL, which answers 404 until there is one
            return url_for("courses.asset", code=self.course.code, filename=filename)
        return url_for("courses.file_by_hash", code=self.course.code, sha256=sha256, filename=filename)


def course_context(course: Course | PublishedCourse, branch: str) -> CourseContext:
    """One context per course and branch per request (the draft's rows are loaded once)."""
    cache = request_state().setdefault("course_contexts", {})
    key = (course.id, branch, course.published_version_id)
    context = cache.get(key)
    if context is None:
        context = cache[key] = CourseContext(course, branch)
    return context


@dataclass(frozen=True)
class PublishedCourse:
    """What learners' unit pages and handler calls need of a published course, read as one Core row.

    These are the hottest paths (every page turn, vote, answer, checklist tick), and the ORM ``Course``
    costs three times the row; a published context writes nothing to the course itself. Permission rules
    see the same ``id`` and ``author_role`` as on ``Course``.
    """

    id: int
    code: str
    title: str
    published_version_id: int

    @property
    def root_key(self) -> str:
        return course_root_key(self.code)

    def author_role(self, user: Any) -> str | None:
        return author_role(self.id, user.id)


def published_course(code: str) -> PublishedCourse | None:
    row = queries.published_row(code)
    return PublishedCourse(*row) if row is not None else None


def resolve(context_key: str, branch: str) -> CourseContext | None:
    """The resolver the XBlock host calls for handler requests."""
    if branch == PUBLISHED:
        course = published_course(context_key)
        return course_context(course, branch) if course is not None else None
    course = queries.by_code(context_key)
    return course_context(course, branch) if course is not None else None


def runtime_for(course: Course, user: Any, branch: str, state_user_id: int | None = None) -> LmsRuntime:
    return LmsRuntime(course_context(course, branch), user, state_user_id)
