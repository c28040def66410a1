"""A published course with a post-test, and a learner enrolled in a cohort of it: what issuing needs."""

from __future__ import annotations

from courses.studio import services as studio
from courses.versions import publish
from lms.db import db


def certifiable_course(factory, *, title: str = "Électricité du bâtiment — niveau 3", outcomes: str = ""):
    author = factory.user("author")
    course = factory.course(owner=author, title=title)
    course.learning_outcomes = outcomes or "Isolate a circuit safely\nSize a cable for its load"
    course.hours = 40
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Safety")
    sequential = studio.add_block(course, chapter, "sequential", author, "Safety")
    studio.add_block(course, sequential, "vertical", author, "Isolation")
    publish(course, author)
    db.session.commit()
    return course


def learner_in(factory, course, name: str = "Mukamana Éloïse"):
    learner = factory.user(name=name)
    cohort = factory.cohort(course=course, learners=[learner])
    return learner, cohort
