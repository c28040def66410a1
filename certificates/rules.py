"""Completion rules: the requirements a course's certificate can ask for, and whether a learner meets them.

A :class:`Requirement` is a name, a label for the studio and a ``check(user_id, course_id, options)`` that
answers a :class:`Verdict`: met or not, and a sentence for the learner saying what is still missing. Other
packages add theirs with :func:`register_requirement` from their ``init_app`` (programme operations will add
minimum attendance); the built-ins, registered below, are:

- ``modules``: the required modules completed (all of the published course's, unless the options name some),
  from the courseware's completion facts (``courses.queries.completion``);
- ``post_test``: the post-test passed at its pass mark (``assessments.queries.result``);
- ``checklists`` (hospital track): every skill checklist of the published course signed off competent. A
  competent sign-off is the only thing that grades a ``skill_checklist`` block: the block publishes a
  ``grade`` of 1/1 (``HospitalBlockMixin.publish_completed``), which courses stores as the block's
  ``BlockGrade``; a first sign-off "not yet competent" publishes nothing, and one after a competent sign-off
  a grade of 0/1 (the latest sign-off counts). So a checklist counts as signed off when its stored grade is
  full.

A course's choice of requirements and their options is its :class:`~certificates.models.CertificateSettings`
row: ``requirements`` maps a requirement's name to its options (``{"only": [...]}`` narrows a requirement
that offers choices, such as the modules; none named means all). :func:`evaluate` is what the learner's
course page, automatic awarding and the cohort run ask; it makes a handful of queries (the settings, then
one or two per requirement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.db import db


@dataclass(frozen=True)
class Verdict:
    met: bool
    why: str  # for the learner: what is still missing (or, when met, what was done)


@dataclass(frozen=True)
class Requirement:
    name: str
    label: Any  # a lazy string: the studio's checkbox
    check: Callable[[int, int, dict], Verdict]
    # What the course's author may narrow the requirement to: ``choices(course) -> [(value, label)]``, shown as
    # checkboxes under the requirement in the studio and stored as ``{"only": [value, ...]}``.
    choices: Callable[[Any], list[tuple[str, str]]] | None = None
    help: Any = ""


@dataclass(frozen=True)
class Evaluation:
    enabled: bool
    eligible: bool
    items: list[tuple[Requirement, Verdict]]

    @property
    def unmet(self) -> list[tuple[Requirement, Verdict]]:
        return [(requirement, verdict) for requirement, verdict in self.items if not verdict.met]


_registry: dict[str, Requirement] = {}


def register_requirement(requirement: Requirement) -> None:
    """Add (or replace: registering twice is harmless) a requirement courses may ask for."""
    _registry[requirement.name] = requirement


def requirements() -> list[Requirement]:
    """Every registered requirement, in the order they were registered (the studio's order)."""
    return list(_registry.values())


def get(name: str) -> Requirement | None:
    return _registry.get(name)


def settings_of(course_id: int):  # noqa: ANN201 - CertificateSettings | None
    from certificates.models import CertificateSettings

    return db.session.get(CertificateSettings, course_id)


def evaluate(user_id: int, course_id: int) -> Evaluation:
    """Whether the learner meets the course's certificate rules, with each requirement's verdict. A course
    without settings, or with certificates off, gives none; one with no requirement chosen is never eligible
    (the studio refuses to save that: a certificate for merely being enrolled is not one anybody meant)."""
    settings = settings_of(course_id)
    if settings is None or not settings.enabled:
        return Evaluation(False, False, [])
    items = []
    for name, options in (settings.requirements or {}).items():
        requirement = _registry.get(name)
        if requirement is None:  # its package is no longer installed: nobody can meet it, say so
            missing = Requirement(name, name, lambda *_args: Verdict(False, ""))
            items.append(
                (
                    missing,
                    Verdict(
                        False, _("A requirement of this course (%(name)s) cannot be checked on this site.", name=name)
                    ),
                )
            )
            continue
        items.append((requirement, requirement.check(user_id, course_id, options or {})))
    return Evaluation(True, bool(items) and all(verdict.met for _r, verdict in items), items)


def save_settings(
    course,  # noqa: ANN001
    *,
    enabled: bool,
    requirements: dict[str, dict],
    needs_approval: bool,
    valid_for_days: int | None,
) -> None:
    """Store the course's certificate rules (the studio's page), audited. Flushes, never commits."""
    from certificates.models import CertificateSettings
    from lms import audit
    from lms.clock import utcnow

    unknown = set(requirements) - set(_registry)
    if unknown:
        raise ValueError(f"unknown requirements: {sorted(unknown)}")
    settings = settings_of(course.id)
    if settings is None:
        settings = CertificateSettings(course_id=course.id)
        db.session.add(settings)
    settings.enabled = enabled
    settings.requirements = requirements
    settings.needs_approval = needs_approval
    settings.valid_for_days = valid_for_days
    settings.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "certificate.settings", "course", course.code, enabled=enabled, requirements=requirements,
        needs_approval=needs_approval, valid_for_days=valid_for_days,
    )  # fmt: skip


# -- the built-in requirements ------------------------------------------------------------------------------


def _course(course_id: int):  # noqa: ANN202
    from courses.models import Course

    return db.session.get(Course, course_id)


def _only(options: dict) -> set[str]:
    chosen = options.get("only") or []
    return {str(value) for value in chosen} if isinstance(chosen, list) else set()


def module_choices(course) -> list[tuple[str, str]]:  # noqa: ANN001
    """The published course's modules, to narrow ``modules`` to some (a draft's new modules count once published)."""
    from courses.structure import published_structure

    structure = published_structure(course)
    return [(module.key, module.title) for module in structure.modules] if structure else []


def check_modules(user_id: int, course_id: int, options: dict) -> Verdict:
    from courses import queries
    from courses.structure import published_structure

    course = _course(course_id)
    structure = published_structure(course) if course else None
    if structure is None:
        return Verdict(False, _("The course is not published yet."))
    named = _only(options)
    # A module with no unit has nothing to complete (and courses never records it complete): it is not asked.
    required = [m for m in structure.modules if m.units and (not named or m.key in named)]
    done = queries.completion(user_id, course_id).modules
    missing = [module.title for module in required if module.key not in done]
    if not missing:
        return Verdict(True, ngettext("%(num)d module completed.", "All %(num)d modules completed.", len(required)))
    # Translators: e.g. "2 of 5 modules still to complete: Safety, Wiring".
    why = ngettext(
        "%(num)d of %(total)d modules still to complete: %(names)s",
        "%(num)d of %(total)d modules still to complete: %(names)s",
        len(missing),
        total=len(required),
        names=", ".join(missing),
    )
    return Verdict(False, why)


def _percent(value: float) -> str:
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def check_post_test(user_id: int, course_id: int, options: dict) -> Verdict:
    from assessments import queries as assessment_queries

    course = _course(course_id)
    if course is None or course.published_version_id is None:
        return Verdict(False, _("The course is not published yet."))
    tests = assessment_queries.assessments_of(course.published_version_id, "post")
    if not tests:
        return Verdict(False, _("The course has no post-test yet."))
    result = assessment_queries.result(user_id, course_id, "post")
    if result is None:
        pass_mark = min(float(fields.get("pass_mark", 50.0)) for fields in tests.values())
        return Verdict(False, _("Post-test not taken yet (pass mark %(mark)s).", mark=_percent(pass_mark)))
    pass_mark = float(tests.get(result.usage_key, {}).get("pass_mark", 50.0))
    if result.passed:
        return Verdict(True, _("Post-test passed (%(score)s).", score=_percent(result.percent)))
    return Verdict(
        False,
        _(
            "Post-test not passed yet (pass mark %(mark)s, your best %(score)s).",
            mark=_percent(pass_mark),
            score=_percent(result.percent),
        ),
    )


def check_checklists(user_id: int, course_id: int, options: dict) -> Verdict:
    from courses import queries

    course = _course(course_id)
    if course is None or course.published_version_id is None:
        return Verdict(False, _("The course is not published yet."))
    checklists = queries.published_blocks(course, "skill_checklist")
    named = _only(options)
    if named:
        checklists = [(key, title) for key, title in checklists if key in named]
    grades = queries.block_grades(user_id, course_id, [key for key, _title in checklists])
    missing = [
        title
        for key, title in checklists
        if key not in grades or grades[key][1] <= 0 or grades[key][0] < grades[key][1]
    ]
    if not missing:
        return Verdict(
            True,
            ngettext(
                "%(num)d skill checklist signed off.", "All %(num)d skill checklists signed off.", len(checklists)
            ),
        )
    why = ngettext(
        "%(num)d skill checklist not yet signed off as competent: %(names)s",
        "%(num)d skill checklists not yet signed off as competent: %(names)s",
        len(missing),
        names=", ".join(missing),
    )
    return Verdict(False, why)


def checklist_choices(course) -> list[tuple[str, str]]:  # noqa: ANN001
    from courses import queries

    return queries.published_blocks(course, "skill_checklist")


register_requirement(
    Requirement(
        "modules",
        _l("Modules completed"),
        check_modules,
        choices=module_choices,
        help=_l("Tick modules to require only those; none ticked: every module of the published course."),
    )
)
register_requirement(Requirement("post_test", _l("Post-test passed at its pass mark"), check_post_test))
register_requirement(
    Requirement(
        "checklists",
        _l("Skill checklists signed off as competent"),
        check_checklists,
        choices=checklist_choices,
        help=_l("Tick checklists to require only those; none ticked: every skill checklist of the published course."),
    )
)
