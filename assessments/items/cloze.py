"""Moodle's Cloze codes, ``{weight:TYPE:=right#feedback~wrong#feedback~%50%half}``, as fill-in gaps:
finding the codes in a question's text and reading each as a gap (:func:`find_codes`, :meth:`ClozeCode.gap`),
and writing a gap back as its code (:func:`code`). The fill-in type (``assessments/items/fill_in.py``) puts
the markers of its stem in their place.

Inside a code a backslash escapes ``}``, ``#`` and ``~``; the texts and feedback are plain text with HTML
entities (``&#39;``), and the ``#`` of an entity does not start a feedback.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from flask_babel import gettext as _

from assessments.items import gift_text
from assessments.items.base import ItemInvalid

_CLOZE_START = re.compile(r"\{([0-9]*):([A-Z_]+):")
_CLOZE_KINDS = {
    **dict.fromkeys(("SHORTANSWER", "SA", "MW"), ("text", False)),
    **dict.fromkeys(("SHORTANSWER_C", "SAC", "MWC"), ("text", True)),
    **dict.fromkeys(("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH"), ("choice", False)),
    **dict.fromkeys(("MULTICHOICE_S", "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"), ("choice", True)),
}
_CLOZE_UNESCAPE = re.compile(r"\\([}#~])")  # Moodle unescapes \} and \# (and a \~ never ends a choice)
_CLOZE_WEIGHT = re.compile(r"^(=|%(-?[0-9]+(?:[.,][0-9]*)?)%)")


class ClozeCode:
    def __init__(self, start: int, end: int, weight: str, kind: str, body: str):
        self.start, self.end, self.weight, self.kind, self.body = start, end, weight, kind, body

    def gap(self, gap_id: str) -> dict[str, Any]:
        if self.kind not in _CLOZE_KINDS:
            raise ItemInvalid(_("Cloze gaps of the kind %(kind)s are not supported", kind=self.kind))
        kind, flag = _CLOZE_KINDS[self.kind]
        alternatives = []
        for piece in _split_cloze(self.body, "~"):
            match = _CLOZE_WEIGHT.match(piece)
            value = 0.0
            if match:
                value = 1.0 if match.group(1) == "=" else float(match.group(2).replace(",", ".")) / 100
                piece = piece[match.end() :]
            text, *feedback = _split_cloze(piece, "#")
            alternatives.append(
                {"text": _cloze_plain(text), "fraction": value, "feedback": _cloze_plain("#".join(feedback))}
            )
        gap: dict[str, Any] = {"id": gap_id, "kind": kind, "weight": int(self.weight or 1)}
        if kind == "choice":
            gap.update(choices=alternatives, shuffle=flag)
        else:
            gap.update(answers=alternatives, case_sensitive=flag)
        return gap


def find_codes(source: str) -> list[ClozeCode]:
    codes, position = [], 0
    while match := _CLOZE_START.search(source, position):
        end, i = -1, match.end()
        while i < len(source):
            if source[i] == "\\":
                i += 2
                continue
            if source[i] == "}":
                end = i
                break
            i += 1
        if end < 0:
            raise ItemInvalid(_("a Cloze gap is not closed with }"))
        codes.append(ClozeCode(match.start(), end + 1, match.group(1), match.group(2), source[match.end() : end]))
        position = end + 1
    return codes


def _split_cloze(text: str, separator: str) -> list[str]:
    """``text`` cut at each ``separator`` that is neither escaped nor part of an entity (``&#39;``)."""
    pieces, current, i = [], [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if char == separator and not (separator == "#" and i and text[i - 1] == "&"):
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    pieces.append("".join(current))
    return pieces


def _cloze_plain(text: str) -> str:
    return html_lib.unescape(_CLOZE_UNESCAPE.sub(r"\1", text)).strip()


def _cloze_escape(text: str) -> str:
    escaped = html_lib.escape(text, quote=False)
    return "".join(f"\\{char}" if char in "}#~" else char for char in escaped)


def code(gap: dict[str, Any]) -> str:
    if gap["kind"] == "choice":
        kind = "MULTICHOICE_S" if gap["shuffle"] else "MULTICHOICE"
        alternatives = gap["choices"]
    else:
        kind = "SHORTANSWER_C" if gap["case_sensitive"] else "SHORTANSWER"
        alternatives = gap["answers"]
    parts = []
    for a in alternatives:
        head = "=" if a["fraction"] == 1 else (f"%{gift_text.percent(a['fraction'])}%" if a["fraction"] else "")
        feedback = f"#{_cloze_escape(a['feedback'])}" if a["feedback"] else ""
        parts.append(f"{head}{_cloze_escape(a['text'])}{feedback}")
    return "{" + f"{gap['weight']}:{kind}:{'~'.join(parts)}" + "}"
