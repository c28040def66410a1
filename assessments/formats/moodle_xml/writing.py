"""Writing a Moodle XML file Moodle imports: categories as ``$course$/top/…`` records (with their
descriptions), each question with its name, HTML text, general feedback, default grade, idnumber and tags,
the type's part from its ``to_moodle_xml``, and the given files embedded in every text that names them;
ExportError naming every question Moodle XML cannot express.
"""

from __future__ import annotations

import base64
import re
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from flask_babel import gettext as _

from assessments import items
from assessments.formats import PLUGINFILE, Category, ExportError, ImportedQuestion, default_name, ordered, plugin_files
from assessments.items import ItemInvalid

_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def write(questions: list[ImportedQuestion], categories: list[Category] | None = None) -> bytes:
    """Moodle XML of ``questions`` (grouped by category, the caller's default category first) and of the
    ``categories`` (their descriptions; those holding no question too); ExportError naming every question
    Moodle XML cannot express."""
    quiz = Element("quiz")
    info = {c.path: c.info for c in categories or ()}
    errors: list[str] = []
    current: tuple[str, ...] = ()
    for number, question in ordered(questions):
        if question.category != current:
            current = question.category
            _category(quiz, current, info.get(current, ""))
        try:
            quiz.append(_write_question(question))
        except _Refused as refused:
            errors.append(
                _(
                    "Question %(number)d (%(name)s): %(message)s",
                    number=number,
                    name=question.name,
                    message=refused.message,
                )
            )
    used = {question.category for question in questions}
    for extra in categories or ():
        if extra.path and extra.path not in used:
            _category(quiz, extra.path, extra.info)
    if errors:
        raise ExportError(errors)
    indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(quiz, encoding="utf-8", xml_declaration=False) + b"\n"


class _Refused(Exception):
    def __init__(self, message: str):
        self.message = message


def _category(quiz: Element, path: tuple[str, ...], info: str) -> None:
    question = SubElement(quiz, "question", type="category")
    _text(SubElement(question, "category"), "$course$/top/" + "/".join(n.replace("/", "//") for n in path))
    _text(SubElement(question, "info", format="html"), info)


def _text(parent: Element, value: str) -> Element:
    SubElement(parent, "text").text = _XML_INVALID.sub("", value or "")  # invisible, and not allowed in XML
    return parent


def _write_question(question: ImportedQuestion) -> Element:
    definition = question.definition
    try:
        item_type = items.get(definition.get("type", ""))
    except ItemInvalid:
        raise _Refused(_("its type %(kind)s is not known here.", kind=definition.get("type"))) from None
    if not item_type.moodle_qtype:
        raise _Refused(_("questions of type %(kind)s cannot be written as Moodle XML.", kind=item_type.name))
    element = Element("question", type=item_type.moodle_qtype)
    _text(SubElement(element, "name"), question.name or default_name(definition.get("stem", "")) or item_type.name)
    _text(SubElement(element, "questiontext", format="html"), definition.get("stem", ""))
    _text(SubElement(element, "generalfeedback", format="html"), definition.get("general_feedback", ""))
    SubElement(
        element, "defaultgrade"
    ).text = f"{float(definition.get('default_mark', 1)) if item_type.scored else 0:.7f}"
    SubElement(element, "hidden").text = "0"
    SubElement(element, "idnumber").text = question.idnumber
    try:
        item_type.to_moodle_xml(definition, element)
    except NotImplementedError:
        raise _Refused(_("questions of type %(kind)s cannot be written as Moodle XML.", kind=item_type.name)) from None
    except ValueError as error:
        raise _Refused(str(error)) from None
    if question.tags:
        tags = SubElement(element, "tags")
        for tag in question.tags:
            _text(SubElement(tags, "tag"), tag)
    for text in element.iter("text"):
        if text.text:
            text.text = _XML_INVALID.sub("", text.text)
    _embed(element, question.files)
    return element


def _embed(element: Element, files: dict[str, bytes]) -> None:
    """Each given file inside every text area that names it (Moodle keeps files per area); a file no text
    names goes with the question's text, so nothing given is lost."""
    missing: set[str] = set()
    named: set[str] = set()
    for area in list(element.iter()):
        text = area.find("text")
        if text is None or not text.text or PLUGINFILE not in text.text:
            continue
        for key in sorted(plugin_files(text.text)):
            if key not in files:
                missing.add(key)
                continue
            named.add(key)
            _file(area, key, files[key])
    if missing:
        raise _Refused(_("its text names files that were not given: %(names)s.", names=", ".join(sorted(missing))))
    stem_area = element.find("questiontext")
    for key in sorted(set(files) - named):
        _file(stem_area, key, files[key])


def _file(area: Element, key: str, data: bytes) -> None:
    folder, _sep, name = key.rpartition("/")
    path = f"/{folder}/" if folder else "/"
    SubElement(area, "file", name=name, path=path, encoding="base64").text = base64.b64encode(data).decode("ascii")
