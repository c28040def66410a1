"""A course's bank in and out of question files (GIFT, Aiken, Moodle XML): the service behind
``lms import-questions``, ``lms export-questions`` and the studio's upload and download.

An import is all or nothing: the file is read whole (``assessments/formats``: every problem with its line),
then every question is checked by its type (``assessments/bank.import_questions``), and only then is
anything written, in the caller's unit of work. A Moodle XML file's pictures become course files, and the
questions refer to them as ``/static/<name>`` like any authored HTML.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from assessments import bank, formats
from assessments.models import Question, QuestionCategory
from courses.assets import clean_filename, save_asset
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
    stored: dict[str, str] = {}
    new = []
    for question in result.questions:
        definition = question.definition
        if question.files:
            for path in question.files:
                stored.setdefault(path, clean_filename(Path(path).name))
            definition = formats.rewrite_files(definition, lambda path: f"/static/{stored[path]}")
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
    files = {path: data for question in result.questions for path, data in question.files.items()}
    for path, data in files.items():
        save_asset(course, stored[path], io.BytesIO(data))
    return Imported(questions=len(created), files=len(files))


def export_file(course, fmt: str) -> bytes:  # noqa: ANN001
    """The course's bank as a question file; formats.ExportError names the questions the format cannot hold."""
    rows = db.session.execute(
        select(Question, QuestionCategory.path)
        .join(QuestionCategory, Question.category_id == QuestionCategory.id)
        .where(Question.course_id == course.id, Question.current_version_id.is_not(None))
        .order_by(QuestionCategory.path, Question.id)
    ).all()
    questions = [
        formats.ImportedQuestion(
            definition=question.current_version.definition,
            category=tuple(path.split("/")),
            name=question.title,
            tags=tuple(question.tags),
        )
        for question, path in rows
    ]
    categories = [formats.Category(path=tuple(c.path.split("/"))) for c in bank.categories(course.id)]
    return formats.write(fmt, questions, categories)
