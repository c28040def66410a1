"""Question interchange formats: GIFT, Aiken and Moodle XML, read and written.

A format reads a file into item definitions (``assessments/items/base.py``) grouped by category, all or
nothing, with each error given with its line; writing is the reverse. The record level (categories,
names, text formats, escapes, files) is the format module's; each item type reads and writes its own
part (``ItemType.from_gift`` …).

What a caller gets and gives (the CLI ``lms import-questions``/``export-questions`` and the studio upload):

* ``read_file(path_or_bytes, format=None, filename=None)`` → :class:`ImportResult`, or :class:`FormatError`
  carrying *every* problem as ``(line, message)`` (line 0: the file as a whole). Nothing is returned half:
  a result means every question was read and its definition passed its type's ``normalise``.
* Each :class:`ImportedQuestion` has its canonical ``definition``, its ``category`` path (a tuple of names,
  ``()`` for the category the caller chooses, e.g. ``--category``), its ``name``, ``tags``, ``idnumber``, the
  ``line`` it starts on, and ``files`` (Moodle XML only).
* Files: a Moodle XML question may embed files (``<file name="a.png" encoding="base64">``) that its HTML
  names as ``@@PLUGINFILE@@/a.png``. They come back as ``ImportedQuestion.files`` (relative path → bytes)
  and the references are left as they are: the caller stores the files as course files and calls
  :func:`rewrite_files` with the URL of each before saving the definition. For an export, the caller does
  the opposite (its course-file URLs back to ``@@PLUGINFILE@@/name``, the bytes in ``files``); only Moodle
  XML carries files, and GIFT and Aiken refuse a question that has some.
* ``write(format, questions, categories=())`` → bytes (UTF-8), or :class:`ExportError` listing every
  question the format cannot express. ``read(write(x))`` gives the same definitions, ids aside (each
  reading assigns fresh ones, as ``normalise`` does for any new item).

Which format a file is in: the ``format`` argument when given (``gift``, ``aiken``, ``moodlexml``), else the
extension: ``.gift`` → GIFT, ``.xml`` → Moodle XML, ``.aiken`` → Aiken, and ``.txt`` → GIFT (Moodle exports
GIFT as ``.txt``) unless the text has no ``{`` at all and has an ``ANSWER:`` line, which only Aiken has
(trainers save Aiken from a word processor as ``.txt`` too).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flask_babel import gettext as _

FORMATS = ("gift", "aiken", "moodlexml")
EXTENSIONS = {"gift": ".txt", "aiken": ".txt", "moodlexml": ".xml"}  # what Moodle writes and reads
MAX_BYTES = 50 * 1024 * 1024  # a bank file is text; the images of a Moodle XML one are capped per file too
PLUGINFILE = "@@PLUGINFILE@@/"
_PLUGINFILE_REF = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s)]+)")
_AIKEN_ANSWER = re.compile(r"^ANSWER:", re.MULTILINE)
_GAP = re.compile(r"\[\[[0-9]+\]\]")
_TAGS = re.compile(r"<[^>]*>")
NAME_LENGTH = 80  # a default name is the text's start, as long as Moodle makes it


@dataclass(frozen=True)
class Category:
    path: tuple[str, ...]  # names from the top, e.g. ("Electrical safety", "Earthing")
    info: str = ""  # its description, HTML (Moodle XML's <info>)
    line: int = 0


@dataclass
class ImportedQuestion:
    definition: dict[str, Any]
    category: tuple[str, ...] = ()
    name: str = ""
    line: int = 0
    tags: tuple[str, ...] = ()
    idnumber: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # relative path → bytes (Moodle XML)


@dataclass
class ImportResult:
    format: str
    questions: list[ImportedQuestion]
    categories: list[Category]  # every category the file names, in order, empty ones included


class FormatError(ValueError):
    """A file that cannot be imported; ``errors`` holds every problem found as ``(line, message)``."""

    def __init__(self, errors: Iterable[tuple[int, str]]):
        self.errors = sorted(errors, key=lambda error: error[0])
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Each error as the CLI prints it: ``line L: message`` (the file itself: the message alone)."""
        return [_("line %(line)d: %(message)s", line=line, message=msg) if line else msg for line, msg in self.errors]


class ExportError(ValueError):
    """Questions a format cannot express; ``messages`` names each one and says why."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def module(fmt: str):  # noqa: ANN201 - one of the three format modules
    if fmt == "gift":
        from assessments.formats import gift

        return gift
    if fmt == "aiken":
        from assessments.formats import aiken

        return aiken
    if fmt == "moodlexml":
        from assessments.formats import moodle_xml

        return moodle_xml
    raise FormatError([(0, _("Unknown question format %(format)s: use gift, aiken or moodlexml.", format=fmt))])


def guess_format(filename: str, data: bytes | None = None) -> str:
    """The format of a file from its name (and, for ``.txt``, its text); FormatError when it cannot say."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".gift":
        return "gift"
    if suffix == ".xml":
        return "moodlexml"
    if suffix == ".aiken":
        return "aiken"
    if suffix == ".txt":
        if data is not None and b"{" not in data and _AIKEN_ANSWER.search(data.decode("utf-8", "replace")):
            return "aiken"
        return "gift"
    raise FormatError(
        [
            (
                0,
                _(
                    "Cannot tell the format of %(file)s from its name: give the format (gift, aiken or moodlexml).",
                    file=filename,
                ),
            )
        ]
    )


def read_file(source: str | Path | bytes, format: str | None = None, filename: str | None = None) -> ImportResult:  # noqa: A002
    """Read a question file (a path, or its bytes with ``filename`` or ``format``); FormatError otherwise."""
    if isinstance(source, bytes):
        data = source
    else:
        path = Path(source)
        filename = filename or path.name
        try:
            if path.stat().st_size > MAX_BYTES:
                raise FormatError([(0, _("The file is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))])
            data = path.read_bytes()
        except OSError as exc:
            raise FormatError(
                [(0, _("Cannot read %(file)s: %(error)s", file=str(source), error=exc.strerror))]
            ) from None
    if len(data) > MAX_BYTES:
        raise FormatError([(0, _("The file is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))])
    if format is None:
        if not filename:
            raise FormatError([(0, _("Give the format of the file (gift, aiken or moodlexml)."))])
        format = guess_format(filename, data)  # noqa: A001
    return module(format).read(data)


def write(format: str, questions: Iterable[ImportedQuestion], categories: Iterable[Category] = ()) -> bytes:  # noqa: A002
    """The file of ``questions`` in ``format``, UTF-8; ExportError when some cannot be expressed in it."""
    out = module(format).write(list(questions), categories=list(categories))
    return out if isinstance(out, bytes) else out.encode("utf-8")


def decode(data: bytes | str) -> str:
    """A text file's text: UTF-8 (a byte-order mark dropped), one ``\\n`` per line break; FormatError with the
    line of the first byte that is not UTF-8, or of a NUL."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
            raise FormatError(
                [(line, _("This line is not UTF-8 text: save the file as UTF-8 and try again."))]
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:  # no text file has one
        line = text[: text.index("\x00")].count("\n") + 1
        raise FormatError([(line, _("This line contains a NUL character: is the file really text?"))])
    return text


def default_name(stem_html: str) -> str:
    """Moodle's default name of a question: the start of its text (a gap shown as a blank)."""
    words = " ".join(html.unescape(_TAGS.sub(" ", _GAP.sub("_____", stem_html))).split())
    if len(words) <= NAME_LENGTH:
        return words
    head = words[:NAME_LENGTH]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + "…"


def ordered(questions: list[ImportedQuestion]) -> list[tuple[int, ImportedQuestion]]:
    """``(position from 1, question)`` grouped by category for writing: ``()`` first (no record can switch back
    to the caller's default), then each category in the order it first appears, questions in their order."""
    first: dict[tuple[str, ...], int] = {}
    for index, question in enumerate(questions):
        first.setdefault(question.category, -1 if not question.category else index)
    return sorted(enumerate(questions, 1), key=lambda pair: first[pair[1].category])


def plugin_files(definition: Any) -> set[str]:
    """The files a definition's HTML names as ``@@PLUGINFILE@@/…`` (relative paths, URL-decoded)."""
    found: set[str] = set()

    def collect(text: str) -> str:
        found.update(unquote(path) for path in _PLUGINFILE_REF.findall(text))
        return text

    _walk(definition, collect)
    return found


def rewrite_files(definition: Any, url: Callable[[str], str]) -> Any:
    """A copy of ``definition`` whose ``@@PLUGINFILE@@/path`` references are ``url(path)`` (path URL-decoded:
    the key of ``ImportedQuestion.files``); the caller's URLs of the course files it stored."""

    def replace(text: str) -> str:
        return _PLUGINFILE_REF.sub(lambda m: url(unquote(m.group(1))), text)

    return _walk(definition, replace)


def _walk(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value) if PLUGINFILE in value else value
    if isinstance(value, dict):
        return {key: _walk(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_walk(item, change) for item in value]
    return value
