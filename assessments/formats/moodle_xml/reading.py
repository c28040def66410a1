"""Reading a Moodle XML question file: its categories and questions, each question's record level
(``<name>``, ``<questiontext>`` and ``<generalfeedback>`` turned into HTML from their ``format``,
``<defaultgrade>``, ``<idnumber>``, ``<tags>``, and every answer's ``fraction``, checked here in percent so
each type gets only numbers) and the type's part through its ``from_moodle_xml``; all or nothing, every
problem with its line.

Safety: the file is parsed by defusedxml, which refuses entity declarations (the "billion laughs" bomb
and its quadratic cousin) and external references (reading the server's files); the parser keeps each
element's line for the errors. Embedded files (``<file name path encoding="base64">`` in any text)
are decoded with a cap on each (:data:`MAX_FILE_BYTES`) and on their sum (:data:`MAX_TOTAL_BYTES`) and
returned as ``ImportedQuestion.files``; the ``@@PLUGINFILE@@/…`` references stay for the caller to
rewrite (``assessments.formats.rewrite_files``). Moodle's old ``<image>``/``<image_base64>`` pair becomes
such a file and an ``<img>`` after the text, as Moodle does.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import gettext as _

from assessments import items
from assessments.formats import (
    PLUGINFILE,
    Category,
    FormatError,
    ImportedQuestion,
    ImportResult,
    default_name,
)
from assessments.formats.gift import split_category
from assessments.items import ItemInvalid, ItemType, text_formats
from courses.blocks.sanitize import clean_html

MAX_FILE_BYTES = 5 * 1024 * 1024  # one embedded file, decoded: a picture or a short sound in a question
MAX_TOTAL_BYTES = 30 * 1024 * 1024  # all of a file's embedded files together
_SAFE_SEGMENT = re.compile(r"^[^/\\\x00-\x1f]+$")


class _LineTreeBuilder(TreeBuilder):
    """A tree builder that notes the line each element starts on (expat knows it while it calls us)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: Any = None
        self.lines: dict[Element, int] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def parse(data: bytes | str) -> tuple[Element, dict[Element, int]]:
    """The root element and each element's line; FormatError for XML that is unsafe or not well-formed."""
    builder = _LineTreeBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(data.encode("utf-8") if isinstance(data, str) else data)
        root = parser.close()
    except defusedxml.EntitiesForbidden:
        message = _(
            "The file declares XML entities, which are refused: they can make a small file expand without "
            "bound (an 'XML bomb') or read the server's files. Moodle's exports have none."
        )
        raise FormatError([(parser.parser.CurrentLineNumber, message)]) from None
    except defusedxml.DefusedXmlException:  # an external entity or DTD
        message = _("The file refers to an outside document (a DTD or an external entity), which is refused.")
        raise FormatError([(parser.parser.CurrentLineNumber, message)]) from None
    except ParseError as error:
        line = error.position[0] if error.position else 0
        raise FormatError([(line, _("This is not well-formed XML: %(error)s", error=_expat_message(error)))]) from None
    except (LookupError, ValueError) as error:  # an encoding the declaration names that expat cannot read
        raise FormatError([(1, _("This is not well-formed XML: %(error)s", error=str(error)))]) from None
    return root, builder.lines


def _expat_message(error: ParseError) -> str:
    return re.sub(r":\s*line \d+, column \d+$", "", str(error))


def read(
    data: bytes | str, max_file_bytes: int = MAX_FILE_BYTES, max_total_bytes: int = MAX_TOTAL_BYTES
) -> ImportResult:
    """Every question and category of a Moodle XML file; FormatError with every problem found otherwise."""
    root, lines = parse(data)
    if root.tag != "quiz":
        message = _("This is not a Moodle XML question file: its root is <%(tag)s>, not <quiz>.", tag=root.tag)
        raise FormatError([(lines.get(root, 1), message)])
    reader = _Reader(lines, max_file_bytes, max_total_bytes)
    questions: list[ImportedQuestion] = []
    categories: list[Category] = []
    category: tuple[str, ...] = ()
    for element in root:
        if element.tag != "question":
            continue  # Moodle ignores any other element too
        if (element.get("type") or "").strip() == "category":
            category = split_category(element.findtext("category/text") or "")
            info = clean_html(reader.html(element, "info")).strip()  # shown as a category's description
            if category:  # "$course$/top" alone: the caller's category
                categories.append(Category(category, info, lines.get(element, 0)))
            continue
        question = reader.question(element, category)
        if question is not None:
            questions.append(question)
    if reader.problems:
        raise FormatError(reader.problems)
    return ImportResult("moodlexml", questions, categories)


class _Reader:
    """Reads questions one by one, collecting the problems of all of them."""

    def __init__(self, lines: dict[Element, int], max_file_bytes: int, max_total_bytes: int):
        self.lines = lines
        self.problems: list[tuple[int, str]] = []
        self.max_file_bytes, self.max_total_bytes, self.left = max_file_bytes, max_total_bytes, max_total_bytes

    def problem(self, element: Element | None, message: str, line: int = 0) -> None:
        self.problems.append((self.lines.get(element, line) if element is not None else line, message))

    def html(self, element: Element, area: str, default_format: str | None = None) -> str:
        """The text of ``<area format><text>`` as HTML; Moodle's default format is HTML."""
        holder = element.find(area)
        if holder is None:
            return ""
        fmt = holder.get("format")
        fmt = text_formats.from_xml_name(fmt) if fmt or not default_format else default_format
        return text_formats.to_html(holder.findtext("text") or "", fmt)

    def question(self, element: Element, category: tuple[str, ...]) -> ImportedQuestion | None:
        line, before = self.lines.get(element, 0), len(self.problems)
        item_type = self._item_type(element)
        if item_type is None:
            return None
        files = self._files(element)
        stem = self.html(element, "questiontext")
        holder = element.find("questiontext")
        stem_format = text_formats.from_xml_name(holder.get("format") if holder is not None else None)
        general = self.html(element, "generalfeedback", stem_format)  # Moodle: the text's format by default
        image, image_data = (element.findtext("image") or "").strip(), element.findtext("image_base64")
        if image and image_data:  # Moodle 1.x's one picture per question
            key = image.replace("/", "_")
            decoded = self._decode(image_data, key, element.find("image_base64"))
            if decoded is not None:
                files[key] = decoded
                stem += f' <img src="{PLUGINFILE}{key}" alt="">'
        mark = self._mark(element, item_type)
        self._check_fractions(element)
        if len(self.problems) > before:
            return None
        try:
            definition = dict(item_type.from_moodle_xml(element))
            definition["type"] = item_type.name
            definition.setdefault("stem", stem)  # a type that rewrites the text (gaps) returns its own
            definition.setdefault("general_feedback", general)
            if mark is not None:
                definition.setdefault("default_mark", mark)
            definition = item_type.normalise(definition)
        except NotImplementedError:
            self.problem(element, _("Questions of type %(kind)s cannot be read from Moodle XML.", kind=item_type.name))
            return None
        except ItemInvalid as invalid:
            self.problems.extend((line, message) for message in invalid.errors)
            return None
        except ValueError as error:
            self.problem(element, str(error))
            return None
        tags: list[str] = []
        for tag in element.findall("tags/tag"):
            text = " ".join((tag.findtext("text") or "").split())
            if text and text not in tags:
                tags.append(text)
        return ImportedQuestion(
            definition,
            category=category,
            name=" ".join((element.findtext("name/text") or "").split()) or default_name(definition["stem"]),
            line=line,
            tags=tuple(tags),
            idnumber=(element.findtext("idnumber") or "").strip(),
            files=files,
        )

    def _item_type(self, element: Element) -> ItemType | None:
        """The item type reading a ``<question type>``; None (and a problem) when there is none."""
        qtype = (element.get("type") or "").strip()
        candidates = [t for t in items.all_types() if t.moodle_qtype == qtype]
        if qtype == "multichoice":  # two of our types: Moodle tells them apart by <single>
            single = (element.findtext("single") or "true").strip().lower() not in ("false", "0", "")
            candidates = [t for t in candidates if t.name == ("single_choice" if single else "multiple_response")]
            if not candidates and not single:
                self.problem(element, _("This question allows several answers, a type this site does not have."))
                return None
        if candidates:
            return candidates[0]
        if qtype:
            self.problem(element, _("Questions of Moodle's type %(qtype)s cannot be imported here.", qtype=qtype))
        else:
            self.problem(element, _("This <question> has no type attribute."))
        return None

    def _mark(self, element: Element, item_type: ItemType) -> float | None:
        raw = element.findtext("defaultgrade")
        if raw is None or not item_type.scored:
            return None  # a description is worth nothing, whatever Moodle wrote (it writes 0)
        try:
            mark = float(raw)
        except ValueError:
            mark = math.nan
        if not math.isfinite(mark) or mark <= 0:
            message = _("The default grade %(grade)s is not a number above 0.", grade=raw.strip())
            self.problem(element.find("defaultgrade"), message)
            return None
        return mark

    def _check_fractions(self, element: Element) -> None:
        """Every ``<answer fraction>`` is a percentage from -100 to 100 (Moodle's grades)."""
        for answer in element.iter("answer"):
            raw = answer.get("fraction")
            if raw is None:
                continue
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if not math.isfinite(value) or not -100 <= value <= 100:
                message = _("The grade %(grade)s of this answer is not a percentage from -100 to 100.", grade=raw)
                self.problem(answer, message)

    def _files(self, element: Element) -> dict[str, bytes]:
        """The question's embedded files, by relative path."""
        files: dict[str, bytes] = {}
        for file in element.iter("file"):
            name, path = (file.get("name") or "").strip(), (file.get("path") or "/").strip()
            segments = [s for s in path.split("/") if s] + [name]
            if not all(_SAFE_SEGMENT.match(s) and s not in (".", "..") for s in segments):
                self.problem(file, _("The embedded file name %(name)s is not allowed.", name=path + name))
                continue
            key = "/".join(segments)
            if (file.get("encoding") or "base64").strip() != "base64":
                self.problem(file, _("The embedded file %(name)s is not base64-encoded.", name=key))
                continue
            data = self._decode(file.text or "", key, file)
            if data is None:
                continue
            if key in files and files[key] != data:
                self.problem(file, _("This question embeds two different files named %(name)s.", name=key))
                continue
            files[key] = data
        return files

    def _decode(self, text: str, key: str, element: Element | None) -> bytes | None:
        raw = "".join(text.split())
        too_big = _("The embedded file %(name)s is larger than %(mb)g MB.", name=key, mb=self.max_file_bytes / 2**20)
        if len(raw) // 4 * 3 > self.max_file_bytes + 2:  # refused before it is decoded
            self.problem(element, too_big)
            return None
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            self.problem(element, _("The embedded file %(name)s is not valid base64.", name=key))
            return None
        if len(data) > self.max_file_bytes:
            self.problem(element, too_big)
            return None
        self.left -= len(data)
        if self.left < 0:
            message = _("The embedded files add up to more than %(mb)g MB.", mb=self.max_total_bytes / 2**20)
            self.problem(element, message)
            return None
        return data
