"""Pieces of Moodle XML that several item types read or write: ``<text>`` children (as HTML, from their
``format``), ``<answer fraction="…">`` elements and yes/no flags; and numbers written without float noise.

Elements are the standard library's (``xml.etree.ElementTree``), which ``defusedxml`` also returns, so a
type reads what ``assessments/formats/moodle_xml/`` parsed safely and writes what it serialises.
Percentages go through ``gift_text.percent`` and ``gift_text.from_percent``, as the formats' own do.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from flask_babel import gettext as _

from assessments.items import gift_text, text_formats
from assessments.items.base import ItemInvalid


def number_text(value: float) -> str:
    """The shortest decimal that reads back as ``value`` (1822.0 → "1822", 0.1 → "0.1", no exponent)."""
    return format(Decimal(repr(float(value))).normalize(), "f")


def text(element: Element | None, path: str = "text") -> str:
    """The text at ``path`` under ``element``, as it is ("" when absent): accepted answers, plain options."""
    if element is None:
        return ""
    return element.findtext(path, "") or ""


def html(element: Element | None, path: str = "text") -> str:
    """The text at ``path`` under ``element`` as HTML, read in the element's ``format`` (HTML when it has
    none): a choice, a feedback, a prompt. Sanitised later, by the type's ``normalise``."""
    if element is None:
        return ""
    fmt = text_formats.XML_NAMES.get((element.get("format") or "html").strip(), text_formats.HTML)
    return text_formats.to_html(text(element, path), fmt, inline=True)


def fraction(answer: Element) -> float:
    """An ``<answer>``'s ``fraction`` attribute (a percentage) as a fraction, or ItemInvalid."""
    raw = answer.get("fraction", "0")
    try:
        value = gift_text.from_percent(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ItemInvalid(_("the answer's fraction %(value)s is not a number", value=repr(raw)))
    return value


def flag(question: Element, tag: str, default: bool) -> bool:
    """A Moodle yes/no child (``1``/``0``, ``true``/``false``)."""
    value = question.findtext(tag)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes")


def add_text(parent: Element, tag: str, content: str, text_format: str | None = "html") -> Element:
    """``<tag format="…"><text>content</text></tag>`` under ``parent``."""
    element = SubElement(parent, tag, format=text_format) if text_format else SubElement(parent, tag)
    SubElement(element, "text").text = content
    return element


def add_answer(
    question: Element, value: float, content: str, feedback: str = "", text_format: str = "html", **extra: Any
) -> Element:
    """An ``<answer>`` with its fraction, text and feedback; ``extra`` children (``tolerance=…``) after."""
    answer = SubElement(question, "answer", fraction=gift_text.percent(value), format=text_format)
    SubElement(answer, "text").text = content
    for tag, content_text in extra.items():
        SubElement(answer, tag).text = content_text
    add_text(answer, "feedback", feedback)
    return answer


def add_value(question: Element, tag: str, content: Any) -> Element:
    element = SubElement(question, tag)
    element.text = str(content)
    return element
