"""The seam through which the core learns which courses a cohort can offer.

Cohorts are core, courses are a domain package the core does not import. The courses package
registers a provider in ``create_app``; without one (a core-only test app) no course can be chosen.
"""

from __future__ import annotations

from collections.abc import Callable

CourseChoices = Callable[[object], list[tuple[int, str]]]
_providers: list[CourseChoices] = []


def register_course_provider(provider: CourseChoices) -> None:
    if provider not in _providers:
        _providers.append(provider)


def course_choices(user) -> list[tuple[int, str]]:  # noqa: ANN001
    """(course id, label) pairs of the courses ``user`` may offer as a cohort."""
    choices: list[tuple[int, str]] = []
    for provider in _providers:
        choices.extend(provider(user))
    return choices
