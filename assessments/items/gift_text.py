"""GIFT's escapes and the pieces of an answer block that several item types share (kept with the types,
which read their own GIFT blocks; ``assessments/formats/gift.py`` reads the records around them with it).

GIFT escapes ``\\ ~ = # { } :`` with a backslash and writes a line break as ``\\n``
(Moodle's ``question/format/gift/format.php``). Parsing looks for the *unescaped* special characters, so
the helpers here split on them and unescape only the pieces they return.

Text formats: any piece of text (an answer, a feedback) may start with ``[html]``, ``[moodle]``,
``[plain]`` or ``[markdown]``; without one it has the question's format, which ``assessments.formats.gift``
sets in :data:`QUESTION_FORMAT` while a type reads its block. :func:`html` gives a piece as HTML (a choice,
a feedback, a matching prompt), :func:`plain` as text with its format marker removed (an accepted answer).
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass

from assessments.items import text_formats

SPECIAL = "\\~=#{}:"
_UNESCAPE = re.compile(r"\\([\\~=#{}:n])")
_WEIGHT = re.compile(r"^%(-?[0-9]+(?:\.[0-9]*)?)%")
_FORMAT = re.compile(r"^\[(html|moodle|plain|markdown)\]")

# The format of the question being read: a piece without its own marker has this one (Moodle's rule).
QUESTION_FORMAT: ContextVar[str] = ContextVar("gift_question_format", default=text_formats.MOODLE)


def escape(text: str) -> str:
    """Text as GIFT writes it: each special character after a backslash, line breaks as ``\\n``."""
    out = "".join(f"\\{char}" if char in SPECIAL else char for char in text)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def percent(fraction: float) -> str:
    """A fraction as the percentage GIFT's ``%…%`` and Moodle XML's ``fraction`` write: Moodle keeps 7 decimals
    of a fraction, so 5 of a percentage give back the same number (``:g``'s 6 digits would turn Moodle's
    0.3333333 into 0.333333), and never an exponent, which neither format reads."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def from_percent(text: str) -> float:
    """A percentage (``"33.33333"``) as a fraction, rounded as Moodle keeps it, so that
    ``from_percent(percent(x)) == x`` for every fraction Moodle or a GIFT file can give (``/ 100`` alone
    leaves float noise: 0.33333329999999994). ValueError for text that is not a number."""
    return round(float(text) / 100, 9)


def unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def split_format(piece: str) -> tuple[str | None, str]:
    """A leading ``[html]``/``[moodle]``/``[plain]``/``[markdown]`` of a piece (stripped) and the rest."""
    piece = piece.strip()
    match = _FORMAT.match(piece)
    return (match.group(1), piece[match.end() :]) if match else (None, piece)


def html(piece: str) -> str:
    """A piece (escapes still in) as HTML: its own format marker, else the question's format."""
    fmt, rest = split_format(piece)
    return text_formats.to_html(unescape(rest).strip(), fmt or QUESTION_FORMAT.get(), inline=True)


def plain(piece: str) -> str:
    """A piece (escapes still in) as text, its format marker dropped: an accepted answer is compared, not shown."""
    return unescape(split_format(piece)[1]).strip()


def split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """``text`` cut before each unescaped character of ``separators``: ``[(separator, piece), …]``; the
    first piece has the separator ``""``. Pieces keep their escapes."""
    parts: list[tuple[str, str]] = []
    current, marker, i = [], "", 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char in separators:
            parts.append((marker, "".join(current)))
            current, marker = [], char
        else:
            current.append(char)
        i += 1
    parts.append((marker, "".join(current)))
    return parts


@dataclass(frozen=True)
class GiftAnswer:
    """One answer of a choice-like block: ``=`` (right) or ``~`` (wrong), an optional ``%weight%`` as a
    fraction (-1..1), its text and its feedback (both unescaped, stripped, format markers removed; the
    feedback as HTML, the text as HTML when :func:`answers` is asked for it)."""

    right: bool
    weight: float | None
    text: str
    feedback: str


def answers(block: str, html_text: bool = False) -> tuple[list[GiftAnswer], str]:
    """The answers of a choice-like block (``=a#fb ~%50%b``) and the general feedback (after ``####``).
    ``html_text``: the answers' texts are shown as HTML (choices), not compared as text (accepted answers).

    ``assessments.formats.gift`` takes the general feedback off before a type sees the block (so every type
    has it, in the question's format); it is parsed here too for a caller that passes a whole block."""
    general = ""
    marker = find_unescaped(block, "####")
    if marker >= 0:
        block, general = block[:marker], html(block[marker + 4 :])
    result = []
    for sign, piece in split_unescaped(block, "=~"):
        if not sign:
            if piece.strip():
                raise ValueError(f"text before the first answer: {unescape(piece).strip()!r}")
            continue
        weight = None
        match = _WEIGHT.match(piece.strip())
        if match:
            weight = from_percent(match.group(1))
            piece = piece.strip()[match.end() :]
        text, _, feedback = _cut_feedback(piece)
        result.append(GiftAnswer(sign == "=", weight, html(text) if html_text else plain(text), html(feedback)))
    return result, general


def _cut_feedback(piece: str) -> tuple[str, str, str]:
    parts = split_unescaped(piece, "#")
    text = parts[0][1]
    feedback = "#".join(p for _, p in parts[1:])
    return text, "#", feedback


def find_unescaped(text: str, needle: str, start: int = 0) -> int:
    """The first unescaped ``needle`` in ``text`` from ``start``, or -1."""
    i = start
    while i <= len(text) - len(needle):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(needle, i):
            return i
        i += 1
    return -1


def general_feedback(block: str) -> tuple[str, str]:
    """A block cut at its general feedback (the first unescaped ``####``, as :func:`answers` does): the
    block's rest (escapes kept) and the feedback as HTML (:func:`html`)."""
    marker = find_unescaped(block, "####")
    if marker < 0:
        return block, ""
    return block[:marker], html(block[marker + 4 :])


def weight(piece: str) -> tuple[float | None, str]:
    """An answer's leading ``%weight%`` as a fraction (None without one) and the rest of the piece."""
    piece = piece.strip()
    match = _WEIGHT.match(piece)
    if not match:
        return None, piece
    return from_percent(match.group(1)), piece[match.end() :]


def cut_feedback(piece: str) -> tuple[str, str]:
    """An answer's text and its feedback (after the first unescaped ``#``), both still escaped."""
    text, _, feedback = _cut_feedback(piece)
    return text, feedback
