"""A course's question bank in its course archive: the ``assessments`` part of an OLX export and import.

Registered with ``courses.olx.parts`` at app set-up, so that a course exported and imported elsewhere (or as a
copy under a new code) arrives with the bank its assessment blocks draw from. Two files, in the course folder:

* ``assessments/questions.xml``: the bank as Moodle XML (``assessments.formats.moodle_xml``: every category,
  empty ones included, and every question's current version with its title, tags and type's content); each
  question's ``<idnumber>`` is its key, ``q1``, ``q2``… in the file's order (stable: an imported course
  exports the same file again).
  Pictures stay ``/static/…`` course files, which the archive carries in ``static/``.
* ``assessments/bank.json``: what Moodle XML has no place for: ``{"format": 1, "outcomes": [line…],
  "categories": {path: outcome}, "difficulty": {key: easy|medium|hard}, "fixed": {id: key}}``: the course's
  outcomes that categories name, only the non-empty values, and the key of each question that an
  assessment's fixed list (``question_ids``, database ids, also in the exported blocks) names.

A course with no category and no question writes neither. On import both are read and checked while the
import plans (any problem fails the whole import, with the file and line), and written while it writes,
in steps of :data:`QUESTIONS_PER_STEP` questions, before the course's blocks: an assessment's fixed list
(``question_ids``, database ids) is then rewritten to the new questions' ids. An id the archive's bank does not
have is dropped (it would name another course's question, or none) and the author told which assessment
needs its questions chosen again; so is a blueprint that draws from a category the bank lacks.

Into a course that already has a bank (:func:`write` on any course): questions are added (never replaced:
two imports give two copies), categories are merged by path, an archive's outcome is set only on a category
that has none, and outcome lines the course lacks are appended to its learning outcomes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from assessments import bank, formats, interchange
from assessments.formats import moodle_xml
from assessments.models import Difficulty
from courses.models import Course
from courses.olx.errors import OlxError
from courses.olx.parts import ArchivePart
from courses.versions import snapshot_store
from lms.db import db
from lms.xblock_host.context import DRAFT, PUBLISHED
from lms.xblock_host.keys import InvalidKey, UsageKey
from lms.xblock_host.models import NO_USER, XBlockField

FOLDER = "assessments/"
QUESTIONS = "assessments/questions.xml"
BANK = "assessments/bank.json"
FORMAT = 1
QUESTIONS_PER_STEP = 100  # about 300 rows: one short transaction of the import's writer
MAX_ERRORS_SHOWN = 5


# -- export -------------------------------------------------------------------------------------------------
def export(course: Course, branch: str) -> dict[str, bytes]:
    """The bank's files (its one state: a bank has no draft and published versions); ``branch`` says which
    blocks' fixed lists to name."""
    rows = interchange.exported_rows(course)
    categories = bank.categories(course.id)
    if not rows and not categories:
        return {}
    keys = {question.id: f"q{number}" for number, (question, _path) in enumerate(rows, 1)}
    questions = interchange.as_exported(rows, keys)
    try:
        xml = formats.write("moodlexml", questions, [formats.Category(tuple(c.path.split("/"))) for c in categories])
    except formats.ExportError as error:
        problems = "; ".join(error.messages)
        raise OlxError(
            _("The question bank cannot be exported with the course: %(problems)s", problems=problems)
        ) from None
    named = {c.outcome for c in categories if c.outcome}
    description = {
        "format": FORMAT,
        "outcomes": [line for line in course.outcomes if line in named] + sorted(named - set(course.outcomes)),
        "categories": {c.path: c.outcome for c in categories if c.outcome},
        "difficulty": {keys[q.id]: q.difficulty for q, _path in rows if q.difficulty},
        "fixed": {str(qid): keys[qid] for qid in sorted(_fixed_ids(course, branch)) if qid in keys},
    }
    text = json.dumps(description, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    return {QUESTIONS: xml, BANK: text.encode("utf-8")}


def _fixed_ids(course: Course, branch: str) -> set[int]:
    """The question ids the fixed lists of the course's assessments name, in the branch exported."""
    if branch == PUBLISHED and course.published_version_id is not None:
        entries = snapshot_store(course.published_version_id).snapshot.values()
        lists = [e.get("fields", {}).get("question_ids") for e in entries if e.get("type") == "assessment"]
    else:
        lists = db.session.scalars(
            select(XBlockField.value).where(
                XBlockField.context_key == course.code,
                XBlockField.branch == DRAFT,
                XBlockField.user_id == NO_USER,
                XBlockField.field == "question_ids",
            )
        ).all()
    found = set()
    for ids in lists:
        for qid in ids or []:
            try:
                found.add(int(qid))
            except (TypeError, ValueError):
                continue
    return found


# -- import: planning ---------------------------------------------------------------------------------------
@dataclass
class PreparedBank:
    """The archive's bank, read and checked: what :func:`write` adds to the course."""

    questions: list[bank.NewQuestion] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # each question's key (its <idnumber>), "" when none
    fixed: dict[str, str] = field(default_factory=dict)  # an id of the exporting site → the question's key
    categories: dict[str, str] = field(default_factory=dict)  # path → outcome ("" for none), the file's order
    outcomes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # for the author, with the import's result


def _failed(lines: list[str]) -> OlxError:
    shown = lines[:MAX_ERRORS_SHOWN]
    if len(lines) > len(shown):
        shown.append(ngettext("and %(num)d more problem.", "and %(num)d more problems.", len(lines) - len(shown)))
    return OlxError("; ".join(shown))


def _read_questions(data: bytes) -> formats.ImportResult:
    try:
        result = moodle_xml.read(data)
    except formats.FormatError as error:
        raise _failed([f"{QUESTIONS}: {line}" for line in error.lines()]) from None
    embedded = [question.line for question in result.questions if question.files]
    if embedded:  # an export of ours never embeds: its pictures are course files, under static/
        message = _("this question embeds files; in a course archive they belong in static/.")
        raise _failed(
            [f"{QUESTIONS}: " + _("line %(line)d: %(message)s", line=line, message=message) for line in embedded]
        )
    return result


def _read_description(data: bytes) -> dict[str, Any]:
    try:
        description = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise OlxError(_("%(file)s is not UTF-8 text.", file=BANK)) from None
    except json.JSONDecodeError as error:
        raise OlxError(f"{BANK}: " + _("line %(line)d: %(message)s", line=error.lineno, message=error.msg)) from None
    difficulties = {d.value for d in Difficulty}
    valid = (
        isinstance(description, dict)
        and isinstance(description.get("outcomes", []), list)
        and all(isinstance(line, str) for line in description.get("outcomes", []))
        and isinstance(description.get("categories", {}), dict)
        and all(isinstance(outcome, str) for outcome in description.get("categories", {}).values())
        and isinstance(description.get("difficulty", {}), dict)
        and all(value in difficulties for value in description.get("difficulty", {}).values())
        and isinstance(description.get("fixed", {}), dict)
        and all(isinstance(key, str) for key in description.get("fixed", {}).values())
    )
    if not valid:
        raise OlxError(
            _(
                "%(file)s does not describe a question bank as an export writes it (outcomes, categories and "
                "difficulties: easy, medium or hard).",
                file=BANK,
            )
        )
    return description


def _block_rows(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{usage key: {field: value}}`` of the planned assessment blocks (their settings and content rows)."""
    blocks: dict[str, dict[str, Any]] = {}
    for row in rows:
        try:
            block_type = UsageKey(row["block_key"]).block_type
        except InvalidKey:
            continue
        if block_type == "assessment" and row["scope"] in ("settings", "content"):
            blocks.setdefault(row["block_key"], {})[row["field"]] = row["value"]
    return blocks


def prepare(files: dict[str, bytes], rows: list[dict[str, Any]]) -> PreparedBank:
    """Read and check the archive's bank (none in an Open edX archive); OlxError names the file and line."""
    prepared = PreparedBank()
    if QUESTIONS in files:
        result = _read_questions(files[QUESTIONS])
        description = _read_description(files[BANK]) if BANK in files else {}
        difficulty = description.get("difficulty", {})
        for found in result.categories:
            prepared.categories.setdefault(bank.normalise_path("/".join(found.path)), "")
        for question in result.questions:
            path = bank.normalise_path("/".join(question.category))
            prepared.categories.setdefault(path, "")
            prepared.questions.append(
                bank.NewQuestion(
                    question.definition,
                    category=path,
                    title=question.name,
                    tags=question.tags,
                    difficulty=difficulty.get(question.idnumber),
                    line=question.line,
                )
            )
            prepared.keys.append(question.idnumber)
        for path, outcome in description.get("categories", {}).items():
            prepared.categories[bank.normalise_path(path)] = outcome.strip()
        prepared.outcomes = [line.strip() for line in description.get("outcomes", []) if line.strip()]
        prepared.fixed = dict(description.get("fixed", {}))
    if prepared.questions:
        prepared.notes.append(
            ngettext(
                "%(num)d question was added to the course's question bank.",
                "%(num)d questions were added to the course's question bank.",
                len(prepared.questions),
            )
        )
    prepared.notes.extend(_block_notes(prepared, _block_rows(rows)))
    return prepared


def _block_notes(prepared: PreparedBank, blocks: dict[str, dict[str, Any]]) -> list[str]:
    """The assessments whose questions the imported bank cannot all give: each needs its author's look."""
    keys = set(prepared.keys)
    notes = []
    for usage_key in sorted(blocks):
        fields = blocks[usage_key]
        title = fields.get("display_name") or UsageKey(usage_key).block_id
        lost = [qid for qid in fields.get("question_ids") or [] if prepared.fixed.get(str(qid)) not in keys]
        if lost:
            notes.append(
                ngettext(
                    "The assessment “%(title)s” lists %(num)d question that is not in the archive's question "
                    "bank: it was left out; check the assessment's questions.",
                    "The assessment “%(title)s” lists %(num)d questions that are not in the archive's question "
                    "bank: they were left out; check the assessment's questions.",
                    len(lost),
                    title=title,
                )
            )
        for draw in fields.get("draws") or []:
            path = bank.normalise_path(draw.get("category", "") if isinstance(draw, dict) else "")
            if path not in prepared.categories:
                notes.append(
                    _(
                        "The assessment “%(title)s” draws from the category “%(category)s”, which the archive's "
                        "question bank does not have: add questions to it or change the blueprint.",
                        title=title,
                        category=path,
                    )
                )
    return notes


# -- import: writing ----------------------------------------------------------------------------------------
def write(course_id: int, prepared: PreparedBank, rows: list[dict[str, Any]]) -> Iterator[None]:
    """Add the prepared bank to course ``course_id`` and point its assessments' fixed lists at the new
    questions; each ``yield`` ends a step (the OLX writer commits it). Flushes, never commits."""
    new_ids: dict[str, int] = {}
    for start in range(0, len(prepared.questions), QUESTIONS_PER_STEP):
        batch = prepared.questions[start : start + QUESTIONS_PER_STEP]
        try:
            created = bank.import_questions(course_id, batch)
        except bank.BankError as error:  # checked while planning: only a type changed since then gets here
            raise _failed([f"{QUESTIONS}: {message}" for message in error.errors]) from None
        for key, question in zip(prepared.keys[start : start + len(batch)], created, strict=True):
            if key:
                new_ids[key] = question.id
        yield
    for path, outcome in prepared.categories.items():
        found = bank.category(course_id, path)
        if outcome and not found.outcome:  # merged by path: an outcome the course chose stays
            found.outcome = outcome
    course = db.session.get(Course, course_id)
    missing = [line for line in prepared.outcomes if line not in course.outcomes]
    if missing:
        course.learning_outcomes = "\n".join([*course.outcomes, *missing])
    for row in rows:
        if row["field"] == "question_ids" and row["value"] and _is_assessment(row["block_key"]):
            keys = [prepared.fixed.get(str(qid)) for qid in row["value"]]
            row["value"] = [new_ids[key] for key in keys if key in new_ids]
    db.session.flush()
    yield


def _is_assessment(block_key: str) -> bool:
    try:
        return UsageKey(block_key).block_type == "assessment"
    except InvalidKey:
        return False


PART = ArchivePart(name="assessments", folder=FOLDER, export=export, prepare=prepare, write=write)
