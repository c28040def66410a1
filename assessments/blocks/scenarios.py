"""The assessment block's scenario in the xblock-sdk workbench: a practice test carrying its own questions
(no bank there: the block keeps them in its ``questions`` field, written into the OLX as JSON)."""

from __future__ import annotations

import json

QUESTIONS = [
    {
        "type": "single_choice",
        "stem": "<p>Which colour is the protective earth conductor?</p>",
        "general_feedback": "<p>IEC 60445: green-and-yellow is only ever earth.</p>",
        "default_mark": 1,
        "shuffle": True,
        "choices": [
            {"id": "gy", "text": "Green-and-yellow", "fraction": 1, "feedback": "", "fixed": False},
            {"id": "bl", "text": "Blue", "fraction": 0, "feedback": "Blue is neutral.", "fixed": False},
            {"id": "br", "text": "Brown", "fraction": 0, "feedback": "Brown is line.", "fixed": False},
        ],
    },
    {
        "type": "single_choice",
        "stem": "<p>Before working on a circuit you…</p>",
        "general_feedback": "",
        "default_mark": 1,
        "shuffle": True,
        "choices": [
            {
                "id": "iso",
                "text": "Isolate, lock off and prove dead",
                "fraction": 1,
                "feedback": "",
                "fixed": False,
            },
            {"id": "fuse", "text": "Remove the fuse only", "fraction": 0, "feedback": "", "fixed": False},
        ],
    },
]

_QUOTED = json.dumps(QUESTIONS).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
WORKBENCH = [
    (
        "tot-lms assessment",
        f'<assessment display_name="Electrical safety check" kind="practice" attempts_allowed="2" '
        f'questions="{_QUOTED}"/>',
    )
]
