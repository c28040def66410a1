"""The assessments of a course's published version, in reading order, with the settings their results depend
on (grading method, pass mark, time limit, attempts allowed): the instructor's pages, grading and the API read
them here, from the cached published tree (no query)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courses.structure import published_structure
from courses.versions import snapshot_store

KIND_LABELS = {"pre": _l("Pre-test"), "post": _l("Post-test"), "practice": _l("Practice")}


@dataclass(frozen=True)
class AssessmentInfo:
    """An assessment block of a published version, with the settings its results depend on."""

    key: str
    title: str
    kind: str
    module: str
    grading: str
    pass_mark: float
    time_limit_minutes: int
    attempts_allowed: int
    order: int
    show_answers: str = "after_submission"  # the learner's review: "after_submission" or "never"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


def _info(key: str, fields: dict[str, Any], module: str, order: int) -> AssessmentInfo:
    # The snapshot holds the fields an author set; the others have the block's defaults.
    return AssessmentInfo(
        key=key,
        title=str(fields.get("display_name") or _("Assessment")),
        kind=str(fields.get("kind") or "practice"),
        module=module,
        grading=str(fields.get("grading") or "highest"),
        pass_mark=float(fields.get("pass_mark", 50.0)),
        time_limit_minutes=int(fields.get("time_limit_minutes") or 0),
        attempts_allowed=int(fields.get("attempts_allowed", 1) or 0),
        order=order,
        show_answers=str(fields.get("show_answers") or "after_submission"),
    )


def published_assessments(course) -> list[AssessmentInfo]:  # noqa: ANN001
    """The assessment blocks of the course's published version in reading order ([] when unpublished)."""
    structure = published_structure(course)
    if structure is None:
        return []
    snapshot = snapshot_store(course.published_version_id).snapshot
    found: list[AssessmentInfo] = []
    for unit in structure.units:
        for leaf in unit.leaves:
            entry = snapshot.get(leaf) or {}
            if entry.get("type") == "assessment":
                module = structure.module_of(unit.key).title
                found.append(_info(leaf, entry.get("fields") or {}, module, len(found)))
    return found


def assessment_of(course, usage_key: str) -> AssessmentInfo | None:  # noqa: ANN001
    """The published assessment at ``usage_key``, or None (another course's, an old one, a made-up key)."""
    return next((a for a in published_assessments(course) if a.key == usage_key), None)


def settings_of(course, usage_key: str) -> AssessmentInfo:  # noqa: ANN001
    """The assessment's settings from the published version; the block's defaults for one no longer in it
    (its attempts still count by the default grading method)."""
    return assessment_of(course, usage_key) or _info(usage_key, {}, "", 0)
