"""Demo courses, published: a TVET training-of-trainers course ("Training of Trainers: Industrial
Electricity": text, a video with captions, downloadable files, a poll and a practice check) and a
hospital skills-transfer curriculum ("Neonatal resuscitation skills transfer": text, one unit of it also
in Kinyarwanda, a checklist file, a skill checklist with assessor sign-off and a procedure logbook), with
cohorts at two IPRCs and a hospital. Idempotent: a course that exists is left as it is.

This module creates them (their files, their content as blocks, publication and cohorts); their content,
module by module, is data in ``courses/demo_content.py``: illustrative demo material, not a validated
protocol. Files come from ``courses/demo_assets`` (see its README).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from courses import assets, queries, services, versions
from courses.context import runtime_for
from courses.demo_content import HOSPITAL_CONTENT, TOT_CONTENT, Unit
from courses.models import Track
from courses.studio import services as studio
from lms.cohorts import services as cohorts
from lms.demo import SeedContext
from lms.institutions import queries as institutions
from lms.xblock_host.context import DRAFT

ASSETS = Path(__file__).resolve().parent / "demo_assets"

COURSES = [
    {
        "code": "TOT-ELEC-101",
        "title": "Training of Trainers: Industrial Electricity",
        "track": Track.TVET_TOT,
        "owner": "author",
        "hours": 40,
        "language": "en",
        "description": "Competency-based delivery of industrial electricity modules for TVET trainers.",
        "learning_outcomes": (
            "Plan a competency-based session\n"
            "Demonstrate safe isolation of a circuit\n"
            "Assess trainees with a practical checklist"
        ),
        "content": TOT_CONTENT,
        "files": [
            "safe-isolation.mp4",
            "safe-isolation-poster.jpg",
            "safe-isolation.vtt",
            "session-plan-template.pdf",
            "lockout-tagout-checklist.pdf",
        ],
    },
    {
        "code": "HOSP-NRP-201",
        "title": "Neonatal resuscitation skills transfer",
        "track": Track.HOSPITAL,
        "owner": "doctor",
        "hours": 24,
        "language": "en",
        "description": "Supervised transfer of neonatal resuscitation skills to hospital staff.",
        "learning_outcomes": (
            "Prepare for every birth\nVentilate a newborn with bag and mask\nLog supervised resuscitations"
        ),
        "content": HOSPITAL_CONTENT,
        "files": ["neonatal-resuscitation-checklist.pdf"],
    },
]


def seed(ctx: SeedContext) -> None:
    users = ctx.users
    for spec in COURSES:
        course = queries.by_code(spec["code"])
        if course is None:
            owner = users[spec["owner"]]
            course = services.create_course(
                code=spec["code"],
                title=spec["title"],
                owner=owner,
                track=spec["track"],
                description=spec["description"],
                hours=spec["hours"],
                language=spec["language"],
                learning_outcomes=spec["learning_outcomes"],
            )
            for name in spec["files"]:
                with (ASSETS / name).open("rb") as stream:
                    assets.save_asset(course, name, stream)
            build_content(course, owner, spec["content"])
            versions.publish(course, owner, "Demo content")
            _add_cohorts(course, spec, users)
        ctx.summary.courses.append((course.code, course.title))


def build_content(course, author, content: dict[str, dict[str, list[Unit]]]) -> None:  # noqa: ANN001
    for module_title, lessons in content.items():
        chapter = studio.add_block(course, course.root_key, "chapter", author, module_title)
        for lesson_title, units in lessons.items():
            sequential = studio.add_block(course, chapter, "sequential", author, lesson_title)
            for unit_title, components in units:
                unit = studio.add_block(course, sequential, "vertical", author, unit_title)
                for block_type, fields in components:
                    key = studio.add_block(course, unit, block_type, author)
                    if fields:
                        block = runtime_for(course, author, DRAFT).get_block(key)
                        for name, value in fields.items():
                            setattr(block, name, value)
                        block.save()


def _add_cohorts(course, spec, users) -> None:  # noqa: ANN001
    start = date.today() - timedelta(days=14)
    end = start + timedelta(days=90)
    if spec["track"] == Track.TVET_TOT:
        plans = [
            ("IPRC Huye — Industrial Electricity ToT", "iprc-huye", ["learner"]),
            (
                "IPRC Kigali — Industrial Electricity ToT",
                "iprc-kigali",
                ["learner.kigali", "learner.musanze", "learner.tumba"],
            ),
        ]
        instructors = [users["author"]]
    else:
        plans = [("CHUK — Neonatal resuscitation", "chuk", ["nurse", "nurse.butaro", "learner"])]
        instructors = [users["doctor"], users["assessor"]]
    for name, code, learners in plans:
        cohort = cohorts.save_cohort(
            None,
            name=name,
            course_id=course.id,
            institution_id=institutions.by_code(code).id,
            starts_on=start,
            ends_on=end,
            instructors=instructors,
            by=users["admin"],
        )
        for key in learners:
            cohorts.enroll(cohort, users[key])
