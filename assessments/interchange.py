"""A course's bank in and out of question files (GIFT, Aiken, Moodle XML): the service behind
``lms import-questions``, ``lms export-questions`` and the studio's upload and download.

An import is all or nothing: the file is read whole (``assessments/formats``: every problem with its line),
then every question is checked by its type (``assessments/bank.import_questions``), and only then is
anything written, in the caller's unit of work. A Moodle XML file's pictures become course files, and the
questions refer to them as ``/static/<name>`` like any authored HTML.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from assessments import bank, formats
from assessments.models import Question, QuestionCategory
from courses.assets import assets_of, clean_filename, save_asset
from lms.db import db

_STATIC = re.compile(r"/static/([^\"'<>\s)?#]+)")


class ImportFailed(ValueError):
    """Nothing was imported; ``errors`` are lines for the author (``line L: message``)."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass(frozen=True)
class Imported:
    questions: int  # items created (a description counts; categories do not)
    files: int


def _path(category: tuple[str, ...], default: str | None) -> str:
    if not category:
        return default or bank.DEFAULT_CATEGORY
    return "/".join(name.replace("/", "-") for name in category)  # a "/" inside a name is not a level


def import_file(
    course, source: str | Path | bytes, fmt: str | None = None, filename: str | None = None,  # noqa: ANN001
    category: str | None = None, author_id: int | None = None,
) -> Imported:  # fmt: skip
    """Import a question file into the course's bank; ImportFailed (nothing written) otherwise."""
    try:
        result = formats.read_file(source, format=fmt, filename=filename)
    except formats.FormatError as error:
        raise ImportFailed(error.lines()) from None
    stored = _file_names(result.questions, {a.filename.lower(): a.sha256 for a in assets_of(course)})
    new = []
    for question in result.questions:
        definition = question.definition
        if question.files:
            definition = formats.rewrite_files(
                definition, lambda path, files=question.files: f"/static/{stored[path, files[path]]}"
            )
        new.append(
            bank.NewQuestion(
                definition,
                category=_path(question.category, category),
                title=question.name,
                tags=question.tags,
                line=question.line,
            )
        )
    try:
        created = bank.import_questions(course.id, new, author_id)
    except bank.BankError as error:
        raise ImportFailed(error.errors) from None
    for found in result.categories:  # empty categories of the file too, with their description
        bank.category(course.id, _path(found.path, category))
    for (_path_in_file, data), name in stored.items():
        save_asset(course, name, io.BytesIO(data))
    return Imported(questions=len(created), files=len(stored))


def _file_names(questions: list[formats.ImportedQuestion], existing: dict[str, str]) -> dict[tuple[str, bytes], str]:
    """The course-file name of each embedded file (its path and bytes): Moodle names files per question, so two
    questions' different ``image.png`` become ``image.png`` and ``image-2.png`` (one would hide the other), a
    course file of that name with other bytes (``existing``: lower-case name → sha256) is not replaced, and a
    name the course's files refuse (``schéma.png``) is made one they take (``sch_ma.png``)."""
    names: dict[tuple[str, bytes], str] = {}
    taken: set[str] = set()
    for question in questions:
        for path, data in question.files.items():
            if (path, data) in names:
                continue  # the same picture in several questions: one file
            stem, suffix = _safe_name(Path(path).name)
            name, number, sha = stem + suffix, 1, hashlib.sha256(data).hexdigest()
            while name.lower() in taken or existing.get(name.lower(), sha) != sha:
                number += 1
                name = f"{stem}-{number}{suffix}"
            taken.add(name.lower())
            names[path, data] = clean_filename(name)
    return names


def _safe_name(name: str) -> tuple[str, str]:
    """A file name as ``courses.assets.clean_filename`` takes it, as (stem, suffix): other characters become ``_``."""
    name = re.sub(r"[^A-Za-z0-9 ._()-]", "_", name).strip()
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, dot + suffix[:20]) if dot and stem else (name, "")
    stem = stem[:200]
    if not stem[:1].isalnum():  # a name must start with a letter or a digit
        stem = "file" + stem
    return stem, suffix


def exported_rows(course) -> list:  # noqa: ANN001
    """The course's questions that have a version, each with its category's path, in the order a file lists
    them; one query (their current versions with them)."""
    return db.session.execute(
        select(Question, QuestionCategory.path)
        .join(QuestionCategory, Question.category_id == QuestionCategory.id)
        .options(joinedload(Question.current_version))
        .where(Question.course_id == course.id, Question.current_version_id.is_not(None))
        .order_by(QuestionCategory.path, Question.id)
    ).all()


def as_exported(rows: list, keys: dict[int, str] | None = None) -> list[formats.ImportedQuestion]:
    """``exported_rows`` as a format writes them; ``keys``: each question's idnumber, by id."""
    return [
        formats.ImportedQuestion(
            definition=question.current_version.definition,
            category=tuple(path.split("/")),
            name=question.title,
            tags=tuple(question.tags),
            idnumber=(keys or {}).get(question.id, ""),
        )
        for question, path in rows
    ]


def export_file(course, fmt: str) -> bytes:  # noqa: ANN001
    """The course's bank as a question file; formats.ExportError names the questions the format cannot hold."""
    categories = [formats.Category(path=tuple(c.path.split("/"))) for c in bank.categories(course.id)]
    return formats.write(fmt, as_exported(exported_rows(course)), categories)
