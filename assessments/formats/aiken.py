"""Aiken, the one-right-answer format trainers type in a word processor: read and written.

Moodle's rules (``question/format/aiken/format.php``, research note §1.5): the file is read line by line
(lines shorter than two characters are skipped); a choice line is a capital letter, ``)`` or ``.``, an
optional space or tab, then the text (``A)Text`` is accepted); ``ANSWER:`` then a letter closes the
question; any other line starts a new question, whose text is that one line. Text is plain (HTML-escaped
here). Every item is a ``single_choice``: the letter's choice is right, the others are worth nothing.

Errors are Moodle's, each with its line: a choice before any question, an ``ANSWER:`` line with no question,
a question with fewer than two choices, a question left without its ``ANSWER:`` line, and an answer letter
that names no choice. Aiken has no categories, names or feedback: a name is the start of the text.

Writing takes only single-choice items with at most 26 choices, one worth the full mark and the others
nothing, and no feedback (Aiken has nowhere to put it); anything else is refused by name, not dropped.
HTML is written as its plain text on one line (Aiken's text is plain), so only plain-text items come back
from a round trip exactly as they were.
"""

from __future__ import annotations

import html
import re
import string

from flask_babel import gettext as _

from assessments import items
from assessments.formats import Category, ExportError, FormatError, ImportedQuestion, ImportResult, decode, default_name
from assessments.items import ItemInvalid

_CHOICE = re.compile(r"^([A-Z])[).][ \t]?")
_ANSWER = re.compile(r"^ANSWER:")
_LOOSE_ANSWER = re.compile(r"^answer\s*:", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")
LETTERS = string.ascii_uppercase


def read(data: bytes | str) -> ImportResult:
    """Every question of an Aiken file; FormatError with every problem found otherwise."""
    text = decode(data)
    errors: list[tuple[int, str]] = []
    found: list[tuple[int, str, list[str], int]] = []  # (line, question text, choices, right index)
    current: tuple[int, str, list[str]] | None = None  # the open question: its line, text and choices
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if len(line) < 2:
            continue
        choice = _CHOICE.match(line)
        if choice:
            if current is None:
                errors.append((number, _("This choice comes before any question.")))
            else:
                current[2].append(line[choice.end() :].strip())
            continue
        if _ANSWER.match(line):
            letter = line[len("ANSWER:") :].strip()[:1]
            if current is None:
                errors.append((number, _("This ANSWER: line has no question before it.")))
            elif len(current[2]) < 2:
                errors.append((current[0], _("This question has fewer than two choices.")))
            elif letter not in LETTERS[: len(current[2])]:
                errors.append(
                    (
                        number,
                        _(
                            "The answer %(letter)s is not one of the choices A to %(last)s.",
                            letter=letter or "?",
                            last=LETTERS[len(current[2]) - 1],
                        ),
                    )
                )
            else:
                found.append((current[0], current[1], current[2], LETTERS.index(letter)))
            current = None
            continue
        if _LOOSE_ANSWER.match(line):  # "Answer: B" would start a question and leave this one unfinished
            errors.append((number, _("Write the answer line as ANSWER: and the letter, in capitals.")))
            current = None
            continue
        if current is not None:
            errors.append(
                (
                    current[0],
                    _("This question is not finished: it has no ANSWER: line (a question's text is one line)."),
                )
            )
        current = (number, line, [])
    if current is not None:
        errors.append((current[0], _("This question is not finished: it has no ANSWER: line.")))

    questions = []
    single = items.get("single_choice")
    for line, stem, choices, right in found:
        definition = {
            "type": single.name,
            "stem": html.escape(stem, quote=False),
            "choices": [
                {"text": html.escape(choice, quote=False), "fraction": 1.0 if index == right else 0.0}
                for index, choice in enumerate(choices)
            ],
        }
        try:
            definition = single.normalise(definition)
        except ItemInvalid as invalid:
            errors.extend((line, message) for message in invalid.errors)
            continue
        questions.append(ImportedQuestion(definition, name=default_name(definition["stem"]), line=line))
    if errors:
        raise FormatError(errors)
    return ImportResult("aiken", questions, [])


def write(questions: list[ImportedQuestion], categories: list[Category] | None = None) -> str:
    """Aiken text of ``questions``; ExportError naming every question Aiken cannot express. Categories are
    not written (Aiken has none)."""
    errors: list[str] = []
    blocks: list[str] = []
    for number, question in enumerate(questions, 1):
        problem = _cannot(question)
        if problem:
            errors.append(
                _("Question %(number)d (%(name)s): %(message)s", number=number, name=question.name, message=problem)
            )
            continue
        definition = question.definition
        lines = [_one_line(definition["stem"])]
        lines += [f"{LETTERS[i]}) {_one_line(c['text'])}" for i, c in enumerate(definition["choices"])]
        right = next(i for i, c in enumerate(definition["choices"]) if c["fraction"] == 1)
        lines.append(f"ANSWER: {LETTERS[right]}")
        blocks.append("\n".join(lines))
    if errors:
        raise ExportError(errors)
    return "\n\n".join(blocks) + "\n"


def _cannot(question: ImportedQuestion) -> str | None:
    """Why Aiken cannot hold this question, or None."""
    definition = question.definition
    if definition.get("type") != "single_choice":
        return _("Aiken holds single-choice questions only, not %(kind)s.", kind=definition.get("type"))
    choices = definition.get("choices") or []
    if len(choices) > len(LETTERS):
        return _("Aiken holds at most 26 choices, this question has %(count)d.", count=len(choices))
    if any(c["fraction"] not in (0, 1) for c in choices) or sum(c["fraction"] == 1 for c in choices) != 1:
        return _("Aiken has one right choice and no partial credit.")
    if any(c.get("feedback") for c in choices) or definition.get("general_feedback"):
        return _("Aiken has no feedback, and this question has some.")
    if question.files:
        return _("it has embedded files, which Aiken cannot carry: export it as Moodle XML.")
    stem = _one_line(definition["stem"])
    if _CHOICE.match(stem) or _ANSWER.match(stem) or len(stem) < 2:
        return _("its text would be read back as a choice or an answer line.")
    if any(len(_one_line(c["text"])) < 1 for c in choices):
        return _("a choice has no text once its HTML is removed.")
    return None


def _one_line(html_text: str) -> str:
    """HTML as the one line of plain text Aiken has."""
    return " ".join(html.unescape(_TAGS.sub(" ", html_text)).split())
