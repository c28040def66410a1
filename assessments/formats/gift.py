"""GIFT, Moodle's plain-text question format: the record level, read and written.

Reading follows Moodle's ``question/format/gift/format.php`` (research note §1.4):

* records are separated by blank lines; lines whose text starts with ``//`` are comments (a comment's
  ``[id:…]`` and ``[tag:…]`` give the question's idnumber and tags, as Moodle reads them, and ``[mark:2]``
  its default mark, which is ours: GIFT has no place for it, and Moodle skips comments);
* ``$CATEGORY: a/b`` switches category (``$course$/`` and the like, and Moodle's ``top``, are dropped; ``//``
  in a name is a ``/``); a question may follow on the next line of the same record;
* ``::name::`` then ``[html]``/``[moodle]``/``[plain]``/``[markdown]`` (default ``moodle``) then the text,
  with the answer block between the first ``{`` and the first ``}``; ``####`` in the block starts the
  general feedback; escapes ``\\~ \\= \\# \\{ \\} \\: \\n \\\\``;
* the block's kind, in Moodle's order: no braces → ``description``; ``{}`` → ``essay``; ``#…`` →
  ``numerical``; a ``~`` → ``single_choice`` with an ``=``, ``multiple_response`` without; ``=`` and ``->``
  → ``matching``; ``T``/``TRUE``/``F``/``FALSE`` → ``true_false``; anything else → ``short_answer``;
* text after the block makes a *missing word*: a choice or short-answer block becomes a ``fill_in`` item
  whose stem has the gap ``[[1]]`` where the block was; other kinds keep their type with Moodle's blank
  ``_____`` there (``What is pi? {#3.14}.`` is a numerical question "What is pi? _____.").

The record level converts the question text and general feedback to HTML and leaves the block (escapes
in) to the type's ``from_gift``, with the question's format in ``gift_text.QUESTION_FORMAT``; each
definition then passes its type's ``normalise``. Every problem of the file is collected with its line
and raised as one ``FormatError``.

Writing gives each question ``[html]`` text (definitions hold HTML), its name, a comment with its
idnumber, tags and mark when it has them, and the type's ``to_gift`` block (a fill-in's in place of its
gap), so reading the output gives the same definitions back, ids aside, for everything GIFT can express
(a type's own ``to_gift`` says what it cannot: a choice's fixed place, an essay's word limit). A question
with files is refused: GIFT cannot carry them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from flask_babel import gettext as _

from assessments import items
from assessments.formats import (
    Category,
    ExportError,
    FormatError,
    ImportedQuestion,
    ImportResult,
    decode,
    default_name,
    ordered,
)
from assessments.items import ItemInvalid, gift_text, text_formats
from assessments.items.gift_text import find_unescaped

GAP = "[[1]]"  # the fill_in type's mark of its (first) gap in the stem
_GAP_MARK = re.compile(r"\[\[[a-z0-9]{1,12}\]\]")  # any gap's mark, as fill_in reads them
BLANK = "_____"  # Moodle's blank, for a block of another kind with text after it
GAP_KINDS = {"single_choice", "short_answer"}  # the kinds a missing word becomes fill_in for
CATEGORY = "$CATEGORY:"
_CONTEXT = re.compile(r"^\$[a-z]+\$$")  # $course$, $system$, $cat$, $module$ at a path's start
_ID = re.compile(r"\[id:((?:\\.|[^\]\\])+)\]")
_TAG = re.compile(r"\[tag:((?:\\.|[^\]\\])+)\]")
_MARK = re.compile(r"\[mark:([^\]]*)\]")  # ours: GIFT has no place for a question's mark, and Moodle skips comments
_TRUE_FALSE = {"T", "TRUE", "F", "FALSE"}
# A block at the end of the text is no missing word; an HTML comment after it (removed by the sanitiser)
# keeps a gap that ends the stem a gap when the file is read back, in Moodle too.
_END_GAP = "<!-- -->"


class _Problem(Exception):
    def __init__(self, line: int, message: str):
        self.line, self.message = line, message


# -- reading ------------------------------------------------------------------------------------------


def read(data: bytes | str) -> ImportResult:
    """Every question and category of a GIFT file; FormatError with every problem found otherwise."""
    text = decode(data)
    errors: list[tuple[int, str]] = []
    questions: list[ImportedQuestion] = []
    categories: list[Category] = []
    category: tuple[str, ...] = ()
    for record in _records(text):
        comments = [(number, text) for number, text in record if text.startswith("//")]
        lines = [(number, text) for number, text in record if not text.startswith("//")]
        if not lines:
            continue
        if lines[0][1].startswith(CATEGORY):
            category = split_category(gift_text.unescape(lines[0][1][len(CATEGORY) :]))
            if category:  # "$course$/top" alone goes back to the caller's category, which is none of the file's
                categories.append(Category(category, line=lines[0][0]))
            lines = lines[1:]  # Moodle wants a blank line next; a question right under it is clearly meant
            if not lines:
                continue
        try:
            questions.append(_question(lines, comments, category))
        except _Problem as problem:
            errors.append((problem.line, problem.message))
        except ItemInvalid as invalid:
            errors.extend((lines[0][0], message) for message in invalid.errors)
    if errors:
        raise FormatError(errors)
    return ImportResult("gift", questions, categories)


def _records(text: str) -> Iterable[list[tuple[int, str]]]:
    """Runs of non-blank lines as ``(line number, stripped text)``; Moodle strips every line."""
    record: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.strip()
        if line:
            record.append((number, line))
        elif record:
            yield record
            record = []
    if record:
        yield record


def split_category(path: str) -> tuple[str, ...]:
    """``$course$/top/A/B//C`` → ``("A", "B/C")``: Moodle's path without its context and top category."""
    names = [name.strip().replace("\0", "/") for name in path.strip().replace("//", "\0").split("/")]
    if names and _CONTEXT.match(names[0]):
        names = names[1:]
    if names and names[0] == "top":
        names = names[1:]
    return tuple(name for name in names if name)


def _question(
    lines: list[tuple[int, str]], comments: list[tuple[int, str]], category: tuple[str, ...]
) -> ImportedQuestion:
    text = "\n".join(line for _, line in lines)
    starts, offset = [], 0
    for number, line in lines:
        starts.append((offset, number))
        offset += len(line) + 1

    def line_of(position: int) -> int:
        return next(number for start, number in reversed(starts) if start <= position)

    first = lines[0][0]
    base = 0  # where ``text`` starts in the record, for line_of
    name = ""
    if text.startswith("::"):
        end = find_unescaped(text, "::", 2)
        if end < 0:
            raise _Problem(first, _("The question's name is not closed: write it as ::name::."))
        name = " ".join(gift_text.unescape(text[2:end]).split())
        base = end + 2
    rest = text[base:]
    stripped = len(rest) - len(rest.lstrip())
    base, rest = base + stripped, rest.strip()
    fmt, after = gift_text.split_format(rest)
    base += len(rest) - len(after)
    fmt = fmt or text_formats.MOODLE
    rest = after

    open_at, close_at = find_unescaped(rest, "{"), find_unescaped(rest, "}")
    general = None
    if open_at < 0 and close_at < 0:
        kind, block, stem_raw = "description", "", rest
    elif close_at < 0:
        raise _Problem(
            line_of(base + open_at), _("This { has no } to close the answers (write \\{ for a brace in the text).")
        )
    elif open_at < 0 or close_at < open_at:
        raise _Problem(line_of(base + close_at), _("This } closes no { (write \\} for a brace in the text)."))
    else:
        head, block, tail = rest[:open_at], rest[open_at + 1 : close_at], rest[close_at + 1 :]
        extra = min((p for p in (find_unescaped(tail, "{"), find_unescaped(tail, "}")) if p >= 0), default=-1)
        if extra >= 0:
            raise _Problem(
                line_of(base + close_at + 1 + extra),
                _("A question has one answer block {…}: write \\{ and \\} for braces in the text."),
            )
        marker = _rfind(block, "####")
        if marker >= 0:
            block, general = block[:marker], block[marker + 4 :]
        block = block.strip()
        kind = _kind(block)
        if tail.strip():
            if kind in GAP_KINDS:
                kind, stem_raw = "fill_in", head + GAP + tail
            else:
                stem_raw = head + BLANK + tail
        else:
            stem_raw = head
    stem = text_formats.to_html(gift_text.unescape(stem_raw), fmt)

    try:
        item_type = items.get(kind)
    except ItemInvalid:
        raise _Problem(first, _("This is a %(kind)s question, a type this site does not have.", kind=kind)) from None
    token = gift_text.QUESTION_FORMAT.set(fmt)
    try:
        definition = dict(item_type.from_gift(block, stem))
        if general is not None:
            definition["general_feedback"] = gift_text.html(general)
    except NotImplementedError:
        raise _Problem(first, _("Questions of type %(kind)s cannot be read from GIFT.", kind=kind)) from None
    except ItemInvalid:
        raise
    except ValueError as error:
        raise _Problem(first, str(error)) from None
    finally:
        gift_text.QUESTION_FORMAT.reset(token)
    definition["type"] = item_type.name
    definition.setdefault("stem", stem)
    idnumber, tags = "", []
    for number, comment in comments:
        found = _ID.search(comment)
        idnumber = _unescape_bracket(found.group(1)).strip() if found else idnumber
        tags.extend(t for t in (_unescape_bracket(m).strip() for m in _TAG.findall(comment)) if t and t not in tags)
        mark = _MARK.search(comment)
        if mark:
            try:
                value = float(mark.group(1))
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or value <= 0:
                raise _Problem(number, _("The mark %(mark)s is not a number above 0.", mark=mark.group(1).strip()))
            definition["default_mark"] = value
    definition = item_type.normalise(definition)
    return ImportedQuestion(
        definition,
        category=category,
        name=name or default_name(definition["stem"]),
        line=first,
        tags=tuple(tags),
        idnumber=idnumber,
    )


def _kind(block: str) -> str:
    """The item type of an answer block (without braces and general feedback), in Moodle's order."""
    if not block:
        return "essay"
    if block[0] == "#":
        return "numerical"
    if find_unescaped(block, "~") >= 0:
        return "single_choice" if find_unescaped(block, "=") >= 0 else "multiple_response"
    if find_unescaped(block, "=") >= 0 and "->" in block:
        return "matching"
    hash_at = find_unescaped(block, "#")
    if (block[:hash_at] if hash_at > 0 else block).strip() in _TRUE_FALSE:
        return "true_false"
    return "short_answer"


def _rfind(text: str, needle: str) -> int:
    """The last unescaped ``needle`` in ``text``, or -1 (Moodle takes the last ``####``)."""
    last, position = -1, find_unescaped(text, needle)
    while position >= 0:
        last, position = position, find_unescaped(text, needle, position + 1)
    return last


def _unescape_bracket(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# -- writing ------------------------------------------------------------------------------------------


def write(questions: list[ImportedQuestion], categories: list[Category] | None = None) -> str:
    """GIFT text of ``questions`` (grouped by category, the caller's default category first), then a
    ``$CATEGORY:`` record for each of ``categories`` that holds no question; ExportError naming every
    question GIFT cannot express."""
    errors: list[str] = []
    records: list[str] = []
    current: tuple[str, ...] = ()
    for number, question in ordered(questions):
        if question.category != current:
            current = question.category
            records.append(f"{CATEGORY} {join_category(current)}")
        try:
            records.append(_write_question(question))
        except _Problem as problem:
            errors.append(
                _(
                    "Question %(number)d (%(name)s): %(message)s",
                    number=number,
                    name=question.name,
                    message=problem.message,
                )
            )
    used = {question.category for question in questions}
    records.extend(f"{CATEGORY} {join_category(c.path)}" for c in categories or () if c.path and c.path not in used)
    if errors:
        raise ExportError(errors)
    return "\n\n".join(records) + "\n"


def join_category(path: tuple[str, ...]) -> str:
    return gift_text.escape("/".join(name.replace("/", "//") for name in path))


def _write_question(question: ImportedQuestion) -> str:
    definition = question.definition
    if question.files:
        raise _Problem(0, _("it has embedded files, which GIFT cannot carry: export it as Moodle XML."))
    try:
        item_type = items.get(definition.get("type", ""))
    except ItemInvalid:
        raise _Problem(0, _("its type %(kind)s is not known here.", kind=definition.get("type"))) from None
    lines = []
    notes = ([f"[id:{_bracket(question.idnumber)}]"] if question.idnumber else []) + [
        f"[tag:{_bracket(tag)}]" for tag in question.tags
    ]
    mark = definition.get("default_mark", 1)
    if item_type.scored and mark != 1:
        notes.append(f"[mark:{float(mark):.10g}]")
    if notes:
        lines.append("// " + " ".join(notes))
    name = f"::{gift_text.escape(question.name)}::" if question.name else ""
    stem = "[html]" + gift_text.escape(definition.get("stem", ""))
    general = definition.get("general_feedback") or ""
    general_text = f" ####{gift_text.escape(general)}" if general else ""
    if item_type.name == "description":  # the one type GIFT writes without braces
        if general:
            raise _Problem(0, _("a description's general feedback cannot be written in GIFT."))
        lines.append(name + stem)
        return "\n".join(lines)
    try:
        block = item_type.to_gift({**definition, "general_feedback": ""})
    except NotImplementedError:
        raise _Problem(0, _("questions of type %(kind)s cannot be written as GIFT.", kind=item_type.name)) from None
    except ValueError as error:
        raise _Problem(0, str(error)) from None
    answers = "{" + block + general_text + "}"
    gap = _GAP_MARK.search(stem) if item_type.name == "fill_in" else None
    if gap:  # the block goes where the gap is (the type refuses an item GIFT cannot hold, two gaps say)
        head, tail = stem[: gap.start()], stem[gap.end() :]
        lines.append(name + head + answers + (tail if tail.strip() else _END_GAP))
    else:
        lines.append(name + stem + answers)
    return "\n".join(lines)


def _bracket(text: str) -> str:
    return text.replace("\\", "\\\\").replace("]", "\\]").replace("\n", " ")
