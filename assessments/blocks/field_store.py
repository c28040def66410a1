"""The assessment block's own store, for runtimes without tot-lms's ``assessments`` service (the xblock-sdk
workbench, another XBlock runtime): questions the block carries in its ``questions`` field, attempts in the
learner's ``own_attempts`` field.

It keeps the rules the LMS keeps (attempts allowed, the deadline, answers in order, nothing after the
submission) with what a runtime offers a block: its fields, saved when the handler returns. It cannot
promise what only a database can (two tabs at the same instant); in tot-lms the service does
(``assessments/delivery.py``).
"""

from __future__ import annotations

import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from assessments import items
from assessments.blocks.views import AttemptView, Saved, SlotView
from assessments.errors import AttemptClosed, AttemptRefused, BlueprintError, NotYours

_TIME = "%Y-%m-%dT%H:%M:%S"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _time(value: str | None) -> datetime | None:
    return datetime.strptime(value, _TIME) if value else None


class FieldStore:
    preview = False

    def __init__(self, block: Any):
        self.block = block

    # -- reading -----------------------------------------------------------------------------------------------
    def history(self, block: Any) -> list[AttemptView]:
        self._close_if_expired()
        return [self._view(record) for record in self.block.own_attempts]

    def attempts_left(self, block: Any) -> int | None:
        if self.block.kind != "pre" and not self.block.attempts_allowed:
            return None
        allowed = 1 if self.block.kind == "pre" else self.block.attempts_allowed
        return max(0, allowed - len(self.block.own_attempts))

    def modules_to_complete(self, block: Any) -> list[str]:
        return []  # a runtime without the LMS keeps no course completion

    def categories(self) -> list[tuple[str, int]]:
        return []  # the questions it carries are drawn all together

    def competencies(self, attempt_id: Any) -> dict[int, str]:
        return {}  # the questions it carries belong to no bank category: no breakdown

    def post_test_closed(self) -> bool:
        return False  # a runtime without the LMS knows of no post-test

    def sample(self, block: Any) -> list[SlotView]:
        return [SlotView(slot=n, definition=d, max_mark=m) for n, (d, m) in enumerate(self._draw(random.Random()), 1)]

    # -- changes -------------------------------------------------------------------------------------------------
    def start(self, block: Any) -> AttemptView:
        self._close_if_expired()
        current = self._open()
        if current is not None:
            return self._view(current)
        if self.attempts_left(block) == 0:
            raise AttemptRefused(self.block.ugettext("No attempt is left."))
        seed = secrets.randbelow(2**31)
        drawn = self._draw(random.Random(seed))
        now = _now()
        limit = int(self.block.time_limit_minutes or 0)
        record = {
            "id": len(self.block.own_attempts) + 1,
            "number": len(self.block.own_attempts) + 1,
            "state": "in_progress",
            "seed": seed,
            "started_at": now.strftime(_TIME),
            "deadline": (now + timedelta(minutes=limit)).strftime(_TIME) if limit else None,
            "submitted_at": None,
            "mark": None,
            "max_mark": sum(mark for _d, mark in drawn),
            "slots": [
                {"slot": n, "definition": d, "max_mark": m, "response": None, "sequence": 0, "fraction": None}
                for n, (d, m) in enumerate(drawn, 1)
            ],
        }
        self.block.own_attempts = [*self.block.own_attempts, record]
        return self._view(record)

    def save(self, block: Any, attempt_id: Any, slot: int, raw: Any, sequence: int | None) -> Saved:
        record = self._own(attempt_id)
        if record["state"] != "in_progress":
            raise AttemptClosed(self.block.ugettext("This attempt has been submitted: answers can no longer change."))
        if self._expired(record):
            self._submit(record, _time(record["deadline"]))
            raise AttemptClosed(
                self.block.ugettext(
                    "Time is up: this attempt was submitted with the answers saved before the deadline."
                )
            )
        entry = next((s for s in record["slots"] if s["slot"] == slot), None)
        if entry is None:
            raise LookupError(slot)
        definition = entry["definition"]
        response = items.get(definition["type"]).parse(definition, raw)
        sequence = entry["sequence"] + 1 if sequence is None else sequence
        if sequence > entry["sequence"]:
            entry.update(response=response, sequence=sequence, saved_at=_now().strftime(_TIME))
            self._store(record)
        return Saved(slot=slot, sequence=entry["sequence"])

    def submit(self, block: Any, attempt_id: Any) -> AttemptView:
        record = self._own(attempt_id)
        if record["state"] == "in_progress":
            self._submit(record, _now())
        return self._view(record)

    # -- inside ----------------------------------------------------------------------------------------------------
    def _draw(self, rng: random.Random) -> list[tuple[dict[str, Any], float]]:
        questions = list(self.block.questions)
        if not questions:
            raise BlueprintError(self.block.ugettext("This assessment has no questions yet."))
        if self.block.shuffle_questions:
            rng.shuffle(questions)
        drawn = []
        for definition in questions:
            kind = items.get(definition["type"])
            drawn.append((definition, float(definition.get("default_mark", 1)) if kind.scored else 0.0))
        return drawn

    def _open(self) -> dict[str, Any] | None:
        return next((r for r in self.block.own_attempts if r["state"] == "in_progress"), None)

    def _own(self, attempt_id: Any) -> dict[str, Any]:
        record = next((r for r in self.block.own_attempts if str(r["id"]) == str(attempt_id)), None)
        if record is None:
            raise NotYours(attempt_id)
        return record

    def _expired(self, record: dict[str, Any]) -> bool:
        deadline = _time(record.get("deadline"))
        return deadline is not None and _now() >= deadline

    def _close_if_expired(self) -> None:
        record = self._open()
        if record is not None and self._expired(record):
            self._submit(record, _time(record["deadline"]))

    def _submit(self, record: dict[str, Any], at: datetime) -> None:
        waiting = False
        mark = 0.0
        for entry in record["slots"]:
            kind = items.get(entry["definition"]["type"])
            fraction = kind.score(entry["definition"], entry["response"]).fraction if kind.scored else 0.0
            entry["fraction"] = fraction
            if fraction is None:
                waiting = True
            else:
                mark += fraction * entry["max_mark"]
        record.update(state="submitted", submitted_at=at.strftime(_TIME), mark=None if waiting else mark)
        self._store(record)

    def _store(self, record: dict[str, Any]) -> None:
        """Write the changed record back (a field's list is only saved when the field is assigned)."""
        self.block.own_attempts = [record if r["id"] == record["id"] else r for r in self.block.own_attempts]

    def _slot(self, entry: dict[str, Any]) -> SlotView:
        return SlotView(
            slot=entry["slot"],
            definition=entry["definition"],
            max_mark=entry["max_mark"],
            response=entry["response"],
            sequence=entry["sequence"],
            saved_at=_time(entry.get("saved_at")),
            fraction=entry["fraction"],
        )

    def _view(self, record: dict[str, Any]) -> AttemptView:
        return AttemptView(
            id=record["id"],
            number=record["number"],
            state=record["state"],
            seed=record["seed"],
            started_at=_time(record["started_at"]),
            deadline=_time(record.get("deadline")),
            submitted_at=_time(record.get("submitted_at")),
            mark=record.get("mark"),
            max_mark=record["max_mark"],
            needs_grading=record["state"] == "submitted" and record.get("mark") is None,
            slots=[self._slot(entry) for entry in record["slots"]],
        )
