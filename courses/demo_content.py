"""The demo courses' content, module by module, as ``courses/demo.py`` builds it into blocks: the TVET
training-of-trainers course's (text, a video with captions, downloadable files, a poll and a practice
check) and the hospital course's (text, one unit also in Kinyarwanda, a checklist file, a skill checklist
and a procedure logbook).

Illustrative demo material, not a validated protocol.
"""

from __future__ import annotations

from typing import Any

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
