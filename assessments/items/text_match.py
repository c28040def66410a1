"""Typed text against accepted answers, the rule short answer and fill-in gaps share.

Moodle's shortanswer rule, made explicit: both sides are trimmed, every run of whitespace inside becomes
one space and Unicode is NFC-normalised (a precomposed "é" matches "e" + combining accent); unless the
answer is case-sensitive both are case-folded (``str.casefold``: "STRASSE" matches "straße"); in an
accepted answer ``*`` matches any run of characters, none included, and ``\\*`` is a literal asterisk;
every other character is literal. When several accepted answers match, the one with the highest fraction
counts (Moodle takes the first that matches: the same whenever the best is listed first, as authors do).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any


def tidy(text: str) -> str:
    """Trimmed, inner whitespace as single spaces, NFC: how an accepted answer is stored and compared."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _pattern(accepted: str, case_sensitive: bool) -> str:
    """The accepted answer as a regular expression (``re`` keeps the compiled ones it used last)."""
    text = tidy(accepted)
    if not case_sensitive:
        text = text.casefold()
    parts, literal, i = [], [], 0
    while i < len(text):
        if text.startswith("\\*", i):
            literal.append("*")
            i += 2
        elif text[i] == "*":
            parts.append(re.escape("".join(literal)))
            parts.append(".*")
            literal = []
            i += 1
        else:
            literal.append(text[i])
            i += 1
    parts.append(re.escape("".join(literal)))
    return "".join(parts)


def matches(accepted: str, response: str, case_sensitive: bool) -> bool:
    given = tidy(response)
    if not case_sensitive:
        given = given.casefold()
    return re.fullmatch(_pattern(accepted, case_sensitive), given, re.DOTALL) is not None


def best(answers: list[dict[str, Any]], response: str, case_sensitive: bool) -> dict[str, Any] | None:
    """The accepted answer (``{"text", "fraction", …}``) a response earns, or None."""
    found = None
    for answer in answers:
        better = found is None or answer["fraction"] > found["fraction"]
        if better and matches(answer["text"], response, case_sensitive):
            found = answer
    return found
