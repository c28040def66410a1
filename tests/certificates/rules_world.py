"""A published course whose certificate has rules to meet: modules Safety and Wiring, a post-test (pass mark
70%) in a module of its own, and (hospital) a skill checklist in Wiring; and how a learner meets each rule
through the code paths the LMS uses (units completed, a post-test attempt submitted, a checklist's grade)."""

from __future__ import annotations

from dataclasses import dataclass

from assessments import attempts, bank
from assessments.attempts import Draw, Settings
from certificates.models import CertificateSettings
from courses import progress
from courses.structure import published_structure
from courses.studio import services as studio
from courses.versions import publish
from lms.db import db, unit_of_work
from tests.blocks.helpers import configure

PASS_MARK = 70.0


@dataclass
class World:
    course: object
    author: object
    units: dict[str, str]  # module title -> its unit's key
    post_key: str
    checklist_key: str | None


def rules_course(factory, *, requirements=None, needs_approval=False, checklist=False, enabled=True) -> World:
    author = factory.user("author")
    course = factory.course(owner=author, title="Wiring basics", track="hospital" if checklist else "tvet_tot")
    bank.import_questions(
        course.id,
        [
            bank.NewQuestion(
                {
                    "type": "single_choice",
                    "stem": f"<p>Safety question {n}</p>",
                    "choices": [{"text": f"right {n}", "fraction": 1}, {"text": f"wrong {n}"}],
                },
                category="Safety",
            )
            for n in range(4)
        ],
    )
    units = {}
    for title in ("Safety", "Wiring", "Post-test"):
        chapter = studio.add_block(course, course.root_key, "chapter", author, title)
        sequential = studio.add_block(course, chapter, "sequential", author, title)
        units[title] = studio.add_block(course, sequential, "vertical", author, title)
    post_key = studio.add_block(course, units["Post-test"], "assessment", author)
    configure(
        course,
        post_key,
        author,
        {
            "display_name": "Post-test",
            "kind": "post",
            "draws": [{"category": "Safety", "count": 4}],
            "pass_mark": PASS_MARK,
            "attempts_allowed": 0,
        },
    )
    checklist_key = None
    if checklist:
        checklist_key = studio.add_block(course, units["Wiring"], "skill_checklist", author)
        configure(
            course,
            checklist_key,
            author,
            {"display_name": "IV cannulation", "competency": "Insert a cannula", "steps": ["Hand hygiene"]},
        )
    publish(course, author)
    db.session.add(
        CertificateSettings(
            course_id=course.id,
            enabled=enabled,
            requirements=requirements if requirements is not None else {"modules": {}, "post_test": {}},
            needs_approval=needs_approval,
        )
    )
    db.session.commit()
    return World(course, author, units, post_key, checklist_key)


def complete_module(world: World, user_id: int, title: str) -> None:
    """Complete the module's unit as the courseware does (its completion items, then the roll-up and its facts)."""
    with unit_of_work():
        structure = published_structure(world.course)
        progress.complete_unit(user_id, world.course, structure, structure.unit_by_key[world.units[title]])


def take_post_test(world: World, user_id: int, right: int) -> None:
    """Submit a post-test attempt with ``right`` of its 4 questions answered right (25% each)."""
    settings = Settings(
        usage_key=world.post_key,
        course_id=world.course.id,
        kind="post",
        draws=(Draw("Safety", 4),),
        pass_mark=PASS_MARK,
        attempts_allowed=0,
    )
    with unit_of_work():
        attempt = attempts.start(settings, user_id)
        for index, answer in enumerate(attempt.answers):
            choices = answer.version.definition["choices"]
            wanted = 1 if index < right else 0
            choice = next(c["id"] for c in choices if c["fraction"] == wanted)
            attempts.save_answer(attempt.id, answer.slot, choice, sequence=1)
        attempts.submit(attempt)


def sign_off_checklist(world: World, user_id: int) -> None:
    """A competent sign-off, as it reaches courses: the block's grade of 1/1 (``publish_completed``)."""
    with unit_of_work():
        progress.record_grade(user_id, world.course.id, world.checklist_key, 1, 1)
