"""Demo courses, published: a TVET training-of-trainers course ("Training of Trainers: Industrial
Electricity": text, a video with captions, downloadable files, a poll and a practice check) and a
hospital skills-transfer curriculum ("Neonatal resuscitation skills transfer": text, one unit of it also
in Kinyarwanda, a checklist file, a skill checklist with assessor sign-off and a procedure logbook), with
cohorts at two IPRCs and a hospital. Idempotent: a course that exists is left as it is.

The content is illustrative demo material, not a validated protocol. Files come from
``courses/demo_assets`` (see its README).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from courses import assets, queries, services, versions
from courses.context import runtime_for
from courses.models import Track
from courses.studio import services as studio
from lms.cohorts import services as cohorts
from lms.demo import SeedContext
from lms.institutions import queries as institutions
from lms.xblock_host.context import DRAFT

ASSETS = Path(__file__).resolve().parent / "demo_assets"

# A course is {module: {lesson: [(unit title, [(block type, {field: value}), …]), …]}}.
Unit = tuple[str, list[tuple[str, dict[str, Any]]]]

TOT_CONTENT: dict[str, dict[str, list[Unit]]] = {
    "Competency-based training": {
        "Planning a session": [
            (
                "What competency-based training means",
                [
                    (
                        "html",
                        {
                            "display_name": "Competence, not time",
                            "data": (
                                "<p>In competency-based training (CBT) a trainee progresses by <strong>showing</strong> "
                                "that they can perform a task to the standard of the occupation, not by spending hours in "
                                "class.</p><ul><li>Start from the occupational standard and its performance criteria.</li>"
                                "<li>Plan practice on real tasks, with real tools, in safe conditions.</li>"
                                "<li>Assess with evidence: observation, products, questioning.</li></ul>"
                                "<p>This module prepares you to plan and deliver such sessions at your IPRC.</p>"
                            ),
                        },
                    ),
                ],
            ),
            (
                "A session plan that works",
                [
                    (
                        "html",
                        {
                            "display_name": "Five stages",
                            "data": (
                                "<ol><li><strong>Introduction</strong>: link to the trainees' experience.</li>"
                                "<li><strong>Demonstration</strong>: show the task step by step.</li>"
                                "<li><strong>Guided practice</strong>: trainees practise, you coach.</li>"
                                "<li><strong>Assessment</strong>: trainees perform; you observe with a checklist.</li>"
                                "<li><strong>Review</strong>: what went well, what to improve.</li></ol>"
                            ),
                        },
                    ),
                    (
                        "resource",
                        {
                            "display_name": "Templates",
                            "intro": "Print it, or fill it in on a tablet.",
                            "files": [
                                {
                                    "title": "Session plan template",
                                    "url": "/static/session-plan-template.pdf",
                                    "description": "One page, PDF",
                                }
                            ],
                        },
                    ),
                ],
            ),
        ],
    },
    "Safe isolation of electrical circuits": {
        "Lock-out, tag-out": [
            (
                "Watch: safe isolation in five steps",
                [
                    (
                        "video",
                        {
                            "display_name": "Safe isolation in five steps",
                            "video_url": "/static/safe-isolation.mp4",
                            "poster": "/static/safe-isolation-poster.jpg",
                            "transcript_url": "/static/safe-isolation.vtt",
                            "download_allowed": True,
                            "transcript": (
                                "Safe isolation in five steps. One: identify the circuit. Two: switch off and "
                                "isolate. Three: lock off and tag. Four: prove dead with a tested voltage indicator. "
                                "Five: re-prove the indicator on a known live source."
                            ),
                        },
                    ),
                    (
                        "resource",
                        {
                            "display_name": "Checklist",
                            "files": [
                                {
                                    "title": "Lock-out / tag-out checklist",
                                    "url": "/static/lockout-tagout-checklist.pdf",
                                    "description": "One page, PDF",
                                }
                            ],
                        },
                    ),
                ],
            ),
            (
                "Check your understanding",
                [
                    (
                        "poll",
                        {
                            "display_name": "Which step comes first?",
                            "question": "Before proving a circuit dead, what must you do with the voltage indicator?",
                            "answers": [
                                ["A", {"label": "Prove it works on a known live source", "img": None, "img_alt": None}],
                                ["B", {"label": "Nothing: a new indicator always works", "img": None, "img_alt": None}],
                                ["C", {"label": "Set it to its highest range", "img": None, "img_alt": None}],
                            ],
                            "tally": {"A": 0, "B": 0, "C": 0},
                            "feedback": "Prove the tester, prove dead, re-prove the tester.",
                        },
                    ),
                    ("done", {}),
                ],
            ),
        ],
    },
    "Assessing trainees": {
        "Practical assessment": [
            (
                "Observing with a checklist",
                [
                    (
                        "html",
                        {
                            "display_name": "Evidence you can defend",
                            "data": (
                                "<p>A practical checklist turns the performance criteria into observable steps. "
                                "Tick only what you see. Record the date, the task and your name.</p>"
                                "<p>Mark a step <em>critical</em> when skipping it would be unsafe: a trainee who misses a "
                                "critical step is not yet competent, whatever the other steps.</p>"
                            ),
                        },
                    ),
                    ("survey", {"display_name": "How ready do you feel?"}),
                ],
            ),
        ],
    },
}

# The Kinyarwanda version of the unit "Dry, stimulate, assess", beside it in the hospital course: what a
# Kinyarwanda-speaking nurse reads in her language (README, "Demo accounts"). Machine-drafted and marked so
# in the text, in Kinyarwanda and English, until a native speaker with clinical knowledge reviews it. Text
# only: a second checklist of the same competency would have to be signed off twice.
KINYARWANDA_UNIT = "Hanagura, kangura, suzuma (mu Kinyarwanda)"

HOSPITAL_CONTENT: dict[str, dict[str, list[Unit]]] = {
    "The golden minute": {
        "Before birth": [
            (
                "Prepare the resuscitation area",
                [
                    (
                        "html",
                        {
                            "display_name": "Be ready before every birth",
                            "data": (
                                "<p>Every birth can need resuscitation. Before each birth, check the area: warmth, "
                                "towels, a working bag and masks in two sizes, suction, and a clock you can see.</p>"
                            ),
                        },
                    ),
                    (
                        "resource",
                        {
                            "display_name": "Checklist",
                            "files": [
                                {
                                    "title": "Room and golden-minute checklist",
                                    "url": "/static/neonatal-resuscitation-checklist.pdf",
                                    "description": "One page, PDF",
                                }
                            ],
                        },
                    ),
                ],
            ),
        ],
        "At birth": [
            (
                "Dry, stimulate, assess",
                [
                    (
                        "html",
                        {
                            "display_name": "The first 60 seconds",
                            "data": (
                                "<ol><li>Dry the baby thoroughly and keep warm.</li>"
                                "<li>Assess breathing. If the baby is not breathing, clear the airway.</li>"
                                "<li>Start bag-mask ventilation <strong>within one minute</strong> of birth.</li></ol>"
                            ),
                        },
                    ),
                ],
            ),
            (
                KINYARWANDA_UNIT,
                [
                    (
                        "html",
                        {
                            "display_name": "Amasegonda 60 ya mbere",
                            # The text is marked as Kinyarwanda (lang="rw") so that a browser or screen reader
                            # reads it as such in an English or French page too; the review note says in
                            # both languages that nobody has checked it yet.
                            "data": (
                                '<div lang="rw">'
                                '<p class="callout">Iyi nyandiko yasemuwe mu Kinyarwanda na mudasobwa. Irategereje '
                                "gusuzumwa n'umuntu uvuga Ikinyarwanda nk'ururimi kavukire kandi uzi iby'ubuvuzi. "
                                "Umwimerere wayo mu Cyongereza ni igice “Dry, stimulate, assess”.<br>"
                                '<span lang="en">Machine-drafted Kinyarwanda, awaiting review by a native speaker '
                                "with clinical knowledge. The English original is the unit “Dry, stimulate, "
                                "assess”.</span></p>"
                                "<p>Amasegonda 60 ya mbere nyuma y'ivuka ni ingenzi: umwana udahumeka agomba "
                                "gufashwa vuba.</p>"
                                "<ol><li>Hanagura umwana neza ukoresheje igitambaro cyumye, kandi umurinde "
                                "imbeho.</li>"
                                "<li>Reba niba umwana ahumeka. Niba adahumeka, sukura inzira y'umwuka: kuramo "
                                "ururenda mu kanwa no mu mazuru.</li>"
                                "<li>Tangira kumuhumekesha ukoresheje agafuka n'agapfukamunwa <strong>mbere y'uko "
                                "umunota umwe urangira</strong> nyuma y'ivuka.</li></ol>"
                                "</div>"
                            ),
                        },
                    ),
                ],
            ),
        ],
    },
    "Bag-mask ventilation": {
        "Supervised practice": [
            (
                "Skill checklist",
                [
                    (
                        "skill_checklist",
                        {
                            "display_name": "Bag-mask ventilation",
                            "competency": "Ventilates a newborn with bag and mask",
                            "description": "Observed on a manikin, then in clinical practice under supervision.",
                            "steps": [
                                {"id": "s1", "text": "Checks the bag, mask size and oxygen supply", "must_pass": True},
                                {"id": "s2", "text": "Positions the head in the neutral position", "must_pass": True},
                                {"id": "s3", "text": "Seals the mask over mouth and nose", "must_pass": True},
                                {"id": "s4", "text": "Ventilates at 40–60 breaths per minute", "must_pass": False},
                                {
                                    "id": "s5",
                                    "text": "Checks chest rise and corrects the seal or position",
                                    "must_pass": True,
                                },
                                {
                                    "id": "s6",
                                    "text": "Calls for help and reassesses after one minute",
                                    "must_pass": False,
                                },
                            ],
                        },
                    ),
                ],
            ),
            (
                "Logbook",
                [
                    (
                        "procedure_log",
                        {
                            "display_name": "Supervised resuscitations",
                            "procedure": "Neonatal resuscitation with bag-mask ventilation",
                            "description": "Log each resuscitation you take part in. Never write the patient's name.",
                            "min_supervised": 3,
                        },
                    ),
                ],
            ),
        ],
    },
}

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
