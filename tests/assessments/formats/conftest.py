"""Fixtures of the formats' tests: a stand-in item-type registry, and the real types this tree has.

Each stub type records what the record level handed it (the GIFT answer block, the stem it made, the
Moodle XML element's answers) and writes it back unchanged, so a test sees exactly what the format did:
which type it chose, the stem, the general feedback, the category, the line. The real types' own parts
are tested with the real registry (``assessments/items``), where a type is present.
"""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path
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
    """The real item types this tree declares (pyproject.toml's ``tot_lms.item_types``).

    Read from the tree rather than from the installed package's metadata, which in a shared development
    environment may have been installed from another tree; a test that needs a type not declared here
    yet (the other types are written beside the formats) skips itself with :func:`need`."""
    pyproject = tomllib.loads((Path(__file__).parents[3] / "pyproject.toml").read_text())
    declared = pyproject["project"]["entry-points"][items.GROUP]
    registry: dict[str, ItemType] = {}
    for name, target in declared.items():
        module, _colon, attribute = target.partition(":")
        registry[name] = getattr(importlib.import_module(module), attribute)()
    monkeypatch.setattr(items, "_registry", lambda: registry)
    return registry


def need(registry: dict[str, ItemType], *names: str) -> None:
    """Skip the test while one of these types has not landed (only for types not yet present)."""
    missing = [name for name in names if name not in registry]
    if missing:
        pytest.skip(f"item type(s) not in this tree yet: {', '.join(missing)}")


def without_ids(definition: Any) -> Any:
    """A definition with its ids numbered in order of appearance (each reading assigns fresh random ones),
    references to them (a matching prompt's answer) included, so two readings compare equal."""
    ids: dict[str, str] = {}

    def collect(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                ids.setdefault(value["id"], f"#{len(ids) + 1}")
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: rename(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rename(item) for item in value]
        return ids.get(value, value) if isinstance(value, str) else value

    collect(definition)
    return rename(definition)
