"""Building courses for tests: a published course with modules, lessons, units and components."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from courses.studio import services as studio
from courses.versions import publish
from lms.db import db


@dataclass
class BuiltCourse:
    course: object
    author: object
    chapters: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    components: dict[str, list[str]] = field(default_factory=dict)  # unit key -> component keys


def build_course(factory, layout: dict[str, dict[str, list[list[str]]]], author=None, code=None, publish_it=True):
    """``layout``: {module title: {lesson title: [[component types of unit 1], [… unit 2]]}}."""
    author = author or factory.user("author")
    course = factory.course(owner=author, code=code)
    built = BuiltCourse(course=course, author=author)
    for module_title, lessons in layout.items():
        chapter = studio.add_block(course, course.root_key, "chapter", author, module_title)
        built.chapters.append(chapter)
        for lesson_title, units in lessons.items():
            sequential = studio.add_block(course, chapter, "sequential", author, lesson_title)
            for index, component_types in enumerate(units, start=1):
                unit = studio.add_block(course, sequential, "vertical", author, f"{lesson_title} unit {index}")
                built.units.append(unit)
                built.components[unit] = [
                    studio.add_block(course, unit, block_type, author) for block_type in component_types
                ]
    if publish_it:
        publish(course, author)
    db.session.commit()
    return built


def handler_url(html: str, usage_key: str, handler: str) -> str:
    """The signed handler URL of a block on a rendered page."""
    match = re.search(r'data-usage="' + re.escape(usage_key) + r'"[^>]*?data-handler-prefix="([^"]+)"', html)
    assert match, f"block {usage_key} not on the page"
    return match.group(1).replace("&amp;", "&") + handler + "/"
