"""A course with a pre-test (single choice and an essay), a post-test and a practice test, published, and two
cohorts of it with an instructor each, for the tests of the instructor's pages, grading and the API.

Roles as the permission tests name them: ``admin``, ``owner`` (the course's), ``co_author``, ``instructor``
(of cohort A, an assessor), ``other_instructor`` (of cohort B of the same course), ``learner`` (in cohort A),
``anonymous``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assessments import attempts, bank
from assessments.attempts import Draw, Settings
from assessments.models import Attempt
from courses.services import add_co_author
from courses.studio import services as studio
from courses.versions import publish
from lms.cohorts.services import withdraw
from lms.db import db
from tests.blocks.helpers import configure

ROLES = ("admin", "owner", "co_author", "instructor", "other_instructor", "learner", "anonymous")
ESSAY_GUIDANCE = "<p>Full marks: isolate, lock off, prove dead.</p>"


@dataclass
class World:
    course: object
    users: dict
    cohort_a: object
    cohort_b: object
    keys: dict
    learners_a: list
    learner_b: object
    withdrawn: object
    essay_question: object
    choice_questions: list = field(default_factory=list)

    def settings(self, kind: str) -> Settings:
        draws = (Draw("Safety", 2), Draw("Writing", 1)) if kind != "practice" else (Draw("Safety", 1),)
        return Settings(
            usage_key=self.keys[kind],
            course_id=self.course.id,
            kind=kind,
            draws=draws,
            attempts_allowed=2 if kind != "pre" else 1,
            time_limit_minutes=30 if kind == "post" else 0,
            grading="highest",
            pass_mark=60.0,
        )

    def take(self, learner, kind: str = "pre", right: int = 2, essay: str | None = "Isolate it.", submit=True):
        """An attempt of ``learner``: ``right`` single-choice answers right (the others wrong), the essay
        written (or left empty), submitted unless told not to; committed."""
        attempt = attempts.start(self.settings(kind), learner.id)
        done = 0
        for answer in attempt.answers:
            definition = answer.version.definition
            if definition["type"] == "essay":
                if essay is not None:
                    attempts.save_answer(attempt.id, answer.slot, essay, 1)
                continue
            wanted = done < right
            done += 1
            choice = next(c["id"] for c in definition["choices"] if (c["fraction"] == 1) == wanted)
            attempts.save_answer(attempt.id, answer.slot, choice, 1)
        if submit:
            attempts.submit(attempt)
        db.session.commit()
        return attempt

    def essay_answer(self, attempt: Attempt):
        return next(a for a in attempt.answers if a.version.definition["type"] == "essay")


def build_world(factory) -> World:
    owner = factory.user("author", name="Olive Owner")
    co_author = factory.user("author", name="Cleo Coauthor")
    course = factory.course(owner=owner, code="TESTS-1", title="Safety tests")
    add_co_author(course, co_author)
    safety = [
        bank.NewQuestion(
            {
                "type": "single_choice",
                "stem": f"<p>Safety question {n}</p>",
                "choices": [{"text": f"Right {n}", "fraction": 1}, {"text": f"Wrong {n}"}],
            },
            category="Safety",
            title=f"Safety {n}",
        )
        for n in range(3)
    ]
    essay = bank.NewQuestion(
        {"type": "essay", "stem": "<p>Explain isolation.</p>", "grader_info": ESSAY_GUIDANCE, "default_mark": 2},
        category="Writing",
        title="Isolation essay",
    )
    created = bank.import_questions(course.id, [*safety, essay])
    chapter = studio.add_block(course, course.root_key, "chapter", owner, "Tests")
    sequential = studio.add_block(course, chapter, "sequential", owner, "Tests")
    unit = studio.add_block(course, sequential, "vertical", owner, "Tests")
    keys = {}
    titles = {"pre": "Safety pre-test", "post": "Safety post-test", "practice": "Safety practice"}
    for kind in ("pre", "post", "practice"):
        keys[kind] = studio.add_block(course, unit, "assessment", owner)
        draws = [{"category": "Safety", "count": 2}, {"category": "Writing", "count": 1}]
        configure(
            course,
            keys[kind],
            owner,
            {
                "display_name": titles[kind],
                "kind": kind,
                "draws": draws if kind != "practice" else [{"category": "Safety", "count": 1}],
                "pass_mark": 60.0,
                "grading": "highest",
                "attempts_allowed": 1 if kind == "pre" else 2,
                "time_limit_minutes": 30 if kind == "post" else 0,
            },
        )
    publish(course, owner)
    instructor = factory.user("assessor", name="Ines Instructor")
    other_instructor = factory.user("assessor", name="Otto Otherinstructor")
    learners_a = [factory.user("learner", name=name) for name in ("Alice Learner", "Bruno Learner")]
    withdrawn_learner = factory.user("learner", name="Wanda Withdrawn")
    learner_b = factory.user("learner", name="Zoe Bcohort")
    cohort_a = factory.cohort(
        course=course, instructors=[instructor], learners=[*learners_a, withdrawn_learner], name="Cohort A"
    )
    cohort_b = factory.cohort(course=course, instructors=[other_instructor], learners=[learner_b], name="Cohort B")
    enrollment = next(e for e in cohort_a.enrollments if e.user_id == withdrawn_learner.id)
    users = {
        "admin": factory.user("admin", name="Ada Admin"),
        "owner": owner,
        "co_author": co_author,
        "instructor": instructor,
        "other_instructor": other_instructor,
        "learner": learners_a[0],
        "anonymous": None,
    }
    world = World(
        course=course,
        users=users,
        cohort_a=cohort_a,
        cohort_b=cohort_b,
        keys=keys,
        learners_a=learners_a,
        learner_b=learner_b,
        withdrawn=withdrawn_learner,
        essay_question=created[-1],
        choice_questions=created[:-1],
    )
    # The withdrawn learner took the pre-test before leaving: out of everyone's reach in the cohort's pages.
    world.take(withdrawn_learner, "pre")
    withdraw(enrollment)
    db.session.commit()
    return world
