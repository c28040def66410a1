"""Demo courses: a TVET training-of-trainers course and a hospital skills-transfer curriculum, with
cohorts at IPRCs and a hospital. Idempotent: an existing course is left as it is."""

from __future__ import annotations

from datetime import date, timedelta

from courses import queries, services
from courses.models import Track
from lms.cohorts import services as cohorts
from lms.demo import SeedContext
from lms.institutions import queries as institutions

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
            "Plan a competency-based lesson\n"
            "Demonstrate safe isolation of a circuit\n"
            "Assess trainees with a practical checklist"
        ),
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
            "Perform the golden-minute steps\nVentilate a newborn with bag and mask\nLog supervised resuscitations"
        ),
    },
]


def seed(ctx: SeedContext) -> None:
    users = ctx.users
    for spec in COURSES:
        course = queries.by_code(spec["code"])
        if course is None:
            course = services.create_course(
                code=spec["code"],
                title=spec["title"],
                owner=users[spec["owner"]],
                track=spec["track"],
                description=spec["description"],
                hours=spec["hours"],
                language=spec["language"],
                learning_outcomes=spec["learning_outcomes"],
            )
            _add_cohorts(course, spec, users)
        ctx.summary.courses.append((course.code, course.title))


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
