"""A skill checklist's steps as authors edit them: one step per line, a leading ``!`` for a must-pass step.

Learners' self-assessments and assessors' sign-offs are stored by step id, so an edit must keep each
step's id. Authors never see ids: the page's step-list editor (``static/step_list.js``, when JavaScript
runs) sends the id of every line beside the text (``<field>__ids``); a line without one (no JavaScript)
is matched to the stored steps here: a line whose text is a stored step's keeps that step's id (a step
moved), then a changed line at a stored step's place keeps that one's (a step reworded). Any other line is a new step
with an id no stored step has, so answers given to a deleted step never attach to a new one.
"""

from __future__ import annotations

import json
import secrets

from flask_babel import ngettext

from courses.blocks.skill_checklist import normalise_steps

# (block type, field): the fields edited as a step list.
STEP_LIST_FIELDS = {("skill_checklist", "steps")}
MUST_MARK = "!"
MAX_STEPS = 100
MAX_STEP_LENGTH = 500


def is_step_list(block, name: str) -> bool:  # noqa: ANN001
    return (block.scope_ids.block_type, name) in STEP_LIST_FIELDS


def ids_field(name: str) -> str:
    """The name of the form field the step-list editor sends the lines' ids in."""
    return f"{name}__ids"


def to_lines(steps) -> str:  # noqa: ANN001
    return "\n".join(f"{MUST_MARK} {s['text']}" if s["must_pass"] else s["text"] for s in normalise_steps(steps))


def step_ids(steps) -> list[str]:  # noqa: ANN001
    """The ids of the stored steps, in the order ``to_lines`` writes them (for the editor)."""
    return [step["id"] for step in normalise_steps(steps)]


def _parse_line(line: str) -> tuple[str, bool]:
    text = line.strip()
    if text.startswith(MUST_MARK):
        return text[len(MUST_MARK) :].strip(), True
    return text, False


def _sent_ids(raw_ids: str | None, count: int) -> list[str | None] | None:
    """The editor's ids, one per line (None for a new line), or None if absent or not that shape."""
    if not raw_ids:
        return None
    try:
        ids = json.loads(raw_ids)
    except ValueError:
        return None
    if not isinstance(ids, list) or len(ids) != count or not all(i is None or isinstance(i, str) for i in ids):
        return None
    return ids


def parse(raw: str | None, stored, raw_ids: str | None = None) -> list[dict]:  # noqa: ANN001
    """The steps the author wrote, as ``[{id, text, must_pass}]``, with the stored steps' ids kept."""
    lines = [_parse_line(line) for line in (raw or "").splitlines()]
    lines = [(text, must_pass) for text, must_pass in lines if text]
    if len(lines) > MAX_STEPS:
        raise ValueError(
            ngettext("A checklist has at most %(num)d step.", "A checklist has at most %(num)d steps.", MAX_STEPS)
        )
    if any(len(text) > MAX_STEP_LENGTH for text, _must in lines):
        raise ValueError(
            ngettext(
                "Each step has at most %(num)d character.", "Each step has at most %(num)d characters.", MAX_STEP_LENGTH
            )
        )
    old = normalise_steps(stored)
    known = {step["id"] for step in old}
    ids: list[str | None] = [None] * len(lines)
    used: set[str] = set()
    # The editor's ids first: a step moved and reworded at once keeps its id, and null is a step the author
    # added, new whatever its text. Then, for lines without an id (no JavaScript, or an id it cannot have):
    added = set()
    for index, step_id in enumerate(_sent_ids(raw_ids, len(lines)) or ()):
        if step_id is None:
            added.add(index)
        elif step_id in known and step_id not in used:
            ids[index] = step_id
            used.add(step_id)
    # a moved step: the same text as a stored one;
    by_text: dict[str, list[str]] = {}
    for step in old:
        if step["id"] not in used:
            by_text.setdefault(step["text"], []).append(step["id"])
    for index, (text, _must) in enumerate(lines):
        if ids[index] is None and index not in added and by_text.get(text):
            ids[index] = by_text[text].pop(0)
            used.add(ids[index])
    # a reworded step: a changed line where an unmatched stored step was.
    for index in range(min(len(lines), len(old))):
        if ids[index] is None and index not in added and old[index]["id"] not in used:
            ids[index] = old[index]["id"]
            used.add(ids[index])
    steps = []
    for step_id, (text, must_pass) in zip(ids, lines, strict=True):
        if step_id is None:
            step_id = _new_id(known | used)
            used.add(step_id)
        steps.append({"id": step_id, "text": text, "must_pass": must_pass})
    return steps


def _new_id(taken: set[str]) -> str:
    while True:
        candidate = f"s-{secrets.token_hex(3)}"
        if candidate not in taken:
            return candidate
