"""Simulated learners of the demo taking tests: an attempt answered right or wrong with a chance set by the
learner's ability and each question's difficulty, the essays graded, the modules completed before the post-test,
every number drawn from a generator seeded by its purpose (the same demo on every run). The demo's current
cohorts (``assessments.demo``) and its earlier intakes (``assessments.demo_cohorts``) both take tests here.
"""

from __future__ import annotations

import hashlib
import math
import random
from datetime import datetime, timedelta
from typing import Any

from assessments import attempts
from assessments.attempts import Settings
from assessments.models import Attempt, Question
from courses import progress
from courses.structure import published_structure
from lms.accounts import services as accounts
from lms.accounts.models import Role
from lms.clock import utcnow
from lms.db import db
from lms.demo import DEMO_DOMAIN
from lms.institutions import queries as institutions


def seeded_rng(*parts: str) -> random.Random:
    """A generator seeded by its purpose: the same numbers on every run, whatever ran before."""
    return random.Random(int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:8], "big"))


def simulated_learner(label: str, name: str, home: str, gender: str | None = None):  # noqa: ANN201 - a User
    """The demo's simulated learner ``label`` (``demo-learner-<label>@…``), created on first use with no password
    (nobody logs in as one), at institution ``home``, in a drawn language, of ``gender`` or a drawn one."""
    email = f"demo-learner-{label}@{DEMO_DOMAIN}"
    user = accounts.get_by_email(email)
    if user is None:
        rng = seeded_rng("person", email)
        found = institutions.by_code(home)
        user = accounts.create_user(
            email,
            name,
            None,
            roles=[Role.LEARNER],
            institution_id=found.id if found else None,
            language=rng.choice(("en", "en", "rw", "fr")),
            gender=gender or rng.choice(("female", "male")),
            via="cli",
        )
    return user


def take(settings: Settings, user, rng: random.Random, ability: float, when: datetime) -> Attempt | None:  # noqa: ANN001
    """One submitted attempt, each answer right with a chance set by ability and the question's difficulty;
    None when the learner has one already (seeded before)."""
    if attempts.attempts_of(user.id, settings.usage_key):
        return None
    when = min(when, utcnow() - timedelta(hours=1))
    attempt = attempts.start(settings, user.id, now=when, seed=rng.randrange(2**31))
    moment = when
    for answer in sorted(attempt.answers, key=lambda a: a.slot):
        definition = answer.version.definition
        moment += timedelta(seconds=rng.uniform(25, 110))
        if definition["type"] == "description" or rng.random() < 0.03:  # now and then a question left blank
            continue
        difficulty = db.session.get(Question, answer.version.question_id).difficulty
        shift = {"easy": 0.9, "hard": -0.9}.get(str(difficulty), 0.0)
        right = rng.random() < 1 / (1 + math.exp(-(ability + shift - 0.4)))
        attempts.save_answer(attempt.id, answer.slot, response(definition, right, rng), sequence=1, now=moment)
    return attempts.submit(attempt, now=moment + timedelta(seconds=20))


def grade_essays(attempt: Attempt, grader, ability: float, rng: random.Random, when: datetime) -> None:  # noqa: ANN001
    for answer in attempt.answers:
        if answer.fraction is None:
            quality = 1 / (1 + math.exp(-(ability - 0.2)))
            answer.fraction = round(min(1.0, max(0.0, rng.gauss(quality, 0.15))) * 4) / 4
            answer.graded_by_id = grader.id
            answer.graded_at = min(when, utcnow())
            answer.comment = "Clear steps; give the reason for each." if answer.fraction < 1 else "Complete and clear."
    attempts.grade(attempt)


def complete_modules(course, user, post: Settings) -> None:  # noqa: ANN001
    """Complete, for a simulated learner, every unit of the modules the post-test waits for (all but the tests')."""
    structure = published_structure(course)
    tests = {post.usage_key, *post.pre_usage_keys}
    holding = {structure.module_of_block[key].key for key in tests if key in structure.module_of_block}
    for module in structure.modules:
        if module.key not in holding:
            for unit in module.units:
                progress.complete_unit(user.id, course, structure, unit)


ESSAYS = (
    "First I make sure everything is ready. Then I follow the steps in order and explain why each matters, "
    "and I check that each person can do it safely before I sign.",
    "I would show the steps one by one, let them practise while I watch with the checklist, and repeat the "
    "critical steps until they are right.",
)


def response(definition: dict[str, Any], right: bool, rng: random.Random) -> Any:  # noqa: PLR0911
    """An answer as the page's form would send it: right, or a plausible mistake (partly right where the
    type gives part marks)."""
    kind = definition["type"]
    if kind == "single_choice":
        choices = definition["choices"]
        pool = [c for c in choices if (c["fraction"] == 1) == right] or choices
        return rng.choice(pool)["id"]
    if kind == "multiple_response":
        good = [c["id"] for c in definition["choices"] if c["fraction"] > 0]
        if right:
            return good
        bad = [c["id"] for c in definition["choices"] if c["fraction"] <= 0]
        picked = rng.sample(good, max(1, len(good) - 1))
        return picked + ([rng.choice(bad)] if bad and rng.random() < 0.5 else [])
    if kind == "true_false":
        return "true" if definition["answer"] == right else "false"
    if kind == "short_answer":
        return next(a["text"] for a in definition["answers"] if a["fraction"] == 1) if right else "I am not sure"
    if kind == "numerical":
        answer = next(a for a in definition["answers"] if "other" not in a and a["fraction"] == 1)
        value = float(answer["value"]) if "value" in answer else (float(answer["min"]) + float(answer["max"])) / 2
        return f"{value:g}" if right else f"{value * rng.choice((0.5, 2, 3)) + 1:g}"
    if kind == "matching":
        pairs = {s["id"]: s["answer"] for s in definition["subquestions"]}
        if not right and len(pairs) > 1:
            first, second = rng.sample(sorted(pairs), 2)
            pairs[first], pairs[second] = pairs[second], pairs[first]
        return pairs
    if kind == "ordering":
        order = [item["id"] for item in definition["items"]]
        if not right:
            at = rng.randrange(len(order) - 1)
            order[at], order[at + 1] = order[at + 1], order[at]
        return order
    if kind == "fill_in":
        response = {}
        for gap in definition["gaps"]:
            if gap["kind"] == "choice":
                pool = [c for c in gap["choices"] if (c["fraction"] == 1) == right] or gap["choices"]
                response[gap["id"]] = rng.choice(pool)["id"]
            else:
                response[gap["id"]] = next(a["text"] for a in gap["answers"] if a["fraction"] == 1) if right else "safe"
        return response
    if kind == "essay":
        return rng.choice(ESSAYS)
    return None
