"""GIFT's escapes and the pieces of an answer block that several item types share.

GIFT escapes ``\\ ~ = # { } :`` with a backslash and writes a line break as ``\\n``
(Moodle's ``question/format/gift/format.php``). Parsing looks for the *unescaped* special characters, so
the helpers here split on them and unescape only the pieces they return.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPECIAL = "\\~=#{}:"
_UNESCAPE = re.compile(r"\\([\\~=#{}:n])")
_WEIGHT = re.compile(r"^%(-?[0-9]+(?:\.[0-9]*)?)%")


def escape(text: str) -> str:
    """Text as GIFT writes it: each special character after a backslash, line breaks as ``\\n``."""
    out = "".join(f"\\{char}" if char in SPECIAL else char for char in text)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


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
    fraction (-1..1), its text and its feedback (both unescaped, stripped)."""

    right: bool
    weight: float | None
    text: str
    feedback: str


def answers(block: str) -> tuple[list[GiftAnswer], str]:
    """The answers of a choice-like block (``=a#fb ~%50%b``) and the general feedback (after ``####``)."""
    general = ""
    marker = _find_unescaped(block, "####")
    if marker >= 0:
        block, general = block[:marker], unescape(block[marker + 4 :]).strip()
    result = []
    for sign, piece in split_unescaped(block, "=~"):
        if not sign:
            if piece.strip():
                raise ValueError(f"text before the first answer: {unescape(piece).strip()!r}")
            continue
        weight = None
        match = _WEIGHT.match(piece.strip())
        if match:
            weight = float(match.group(1)) / 100
            piece = piece.strip()[match.end() :]
        text, _, feedback = _cut_feedback(piece)
        result.append(GiftAnswer(sign == "=", weight, unescape(text).strip(), unescape(feedback).strip()))
    return result, general


def _cut_feedback(piece: str) -> tuple[str, str, str]:
    parts = split_unescaped(piece, "#")
    text = parts[0][1]
    feedback = "#".join(p for _, p in parts[1:])
    return text, "#", feedback


def _find_unescaped(text: str, needle: str) -> int:
    i = 0
    while i <= len(text) - len(needle):
        if text[i] == "\\":
            i += 2
            continue
        if text.startswith(needle, i):
            return i
        i += 1
    return -1
