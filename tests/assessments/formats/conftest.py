"""Fixtures of the formats' tests: a stand-in item-type registry, and the real types this tree has.

Each stub type records what the record level handed it (the GIFT answer block, the stem it made, the
Moodle XML element's answers) and writes it back unchanged, so a test sees exactly what the format did:
which type it chose, the stem, the general feedback, the category, the line. The real types' own parts
are tested with the real registry (``assessments/items``), where a type is present.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any
from xml.etree.ElementTree import SubElement

import pytest

from assessments import items
from assessments.items import ItemInvalid, ItemType

KINDS = {
    "single_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "fill_in": "cloze",
    "essay": "essay",
    "description": "description",
}


class Stub(ItemType):
    """Keeps the block as ``block``; a block or XML answer reading ``INVALID`` is refused by normalise."""

    def __init__(self, name: str, moodle_qtype: str):
        self.name = name
        self.moodle_qtype = moodle_qtype
        self.scored = name != "description"

    def normalise(self, data: dict[str, Any]) -> dict[str, Any]:
        if "INVALID" in str(data.get("block", "")) or "INVALID" in str(data.get("answers", "")):
            raise ItemInvalid(["stub refuses this", "and says so twice"])
        return dict(data)

    def from_gift(self, answers: str, stem: str) -> dict[str, Any]:
        if answers.strip() == "VALUE-ERROR":
            raise ValueError("stub cannot read this block")
        return {"stem": stem, "block": answers}

    def to_gift(self, data: dict[str, Any]) -> str:
        return data["block"]

    def from_moodle_xml(self, question: Any) -> dict[str, Any]:
        return {"answers": [(a.get("fraction"), a.findtext("text", "")) for a in question.findall("answer")]}

    def to_moodle_xml(self, data: dict[str, Any], question: Any) -> None:
        if self.name in ("single_choice", "multiple_response"):
            SubElement(question, "single").text = "true" if self.name == "single_choice" else "false"
        for fraction, text in data.get("answers", []):
            answer = SubElement(question, "answer", fraction=fraction or "0")
            SubElement(answer, "text").text = text


@pytest.fixture
def stub_types(monkeypatch):
    registry = {name: Stub(name, qtype) for name, qtype in KINDS.items()}
    monkeypatch.setattr(items, "_registry", lambda: registry)
    return registry


@pytest.fixture
def real_types(monkeypatch):
    """The real item types whose modules this tree has.

    The types are declared as entry points of the installed package, whose metadata may list types that
    have not landed in this tree yet (the other types are written beside the formats): those are left out,
    and a test that needs one skips itself with :func:`need`."""
    registry: dict[str, ItemType] = {}
    for entry in entry_points(group=items.GROUP):
        try:
            registry[entry.name] = entry.load()()
        except ModuleNotFoundError as missing:
            if not (missing.name or "").startswith("assessments.items."):
                raise
    if "single_choice" not in registry:
        from assessments.items.single_choice import SingleChoice

        registry["single_choice"] = SingleChoice()
    monkeypatch.setattr(items, "_registry", lambda: registry)
    return registry


def need(registry: dict[str, ItemType], *names: str) -> None:
    """Skip the test while one of these types has not landed (only for types not yet present)."""
    missing = [name for name in names if name not in registry]
    if missing:
        pytest.skip(f"item type(s) not in this tree yet: {', '.join(missing)}")
