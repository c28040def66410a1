"""A course's question bank: every change to categories and questions (services: they flush, never commit).

Questions are versioned (``assessments/models.py``): :func:`save_question` edits the current version in place
while no attempt has drawn it, and makes a new version once one has. Imports (:func:`import_questions`) are all
or nothing: every definition is checked before the first row is written, and a refusal names the source line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from assessments import items
from assessments.items import common as item_common
from assessments.models import AttemptAnswer, Difficulty, Question, QuestionCategory, QuestionVersion
from lms.clock import utcnow
from lms.db import db
from lms.sql import dialect_insert

DEFAULT_CATEGORY = "Default"
_TAG = re.compile(r"[^\w-]+", re.UNICODE)


class BankError(ValueError):
    """A change the bank refuses; ``errors`` are messages for the author, with their source line if any."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


@dataclass(frozen=True)
class NewQuestion:
    """A question to add: its definition, where to file it, and how it is found."""

    definition: dict[str, Any]
    category: str = DEFAULT_CATEGORY
    title: str = ""
    tags: tuple[str, ...] = ()
    difficulty: str | None = None
    line: int | None = None  # its line in an imported file, for errors


# -- categories --------------------------------------------------------------------------------------------
def normalise_path(path: str) -> str:
    """``" Safety / Isolation "`` → ``"Safety/Isolation"``; Moodle's ``$course$/`` prefix is dropped."""
    parts = [part.strip() for part in str(path or "").replace("$course$/", "").split("/")]
    return "/".join(part for part in parts if part)[:500] or DEFAULT_CATEGORY


def category(course_id: int, path: str, outcome: str | None = None) -> QuestionCategory:
    """The course's category at ``path``, created when absent (an insert that ignores a conflict: two imports
    creating the same category at once both get it)."""
    path = normalise_path(path)
    db.session.execute(
        dialect_insert(QuestionCategory)
        .values(course_id=course_id, path=path, outcome=outcome or "")
        .on_conflict_do_nothing(index_elements=["course_id", "path"])
    )
    found = db.session.scalars(
        select(QuestionCategory).where(QuestionCategory.course_id == course_id, QuestionCategory.path == path)
    ).one()
    if outcome is not None:
        found.outcome = outcome
    return found


def categories(course_id: int) -> list[QuestionCategory]:
    return list(
        db.session.scalars(
            select(QuestionCategory).where(QuestionCategory.course_id == course_id).order_by(QuestionCategory.path)
        )
    )


def rename_category(category_: QuestionCategory, path: str) -> None:
    """Give a category another path (its questions follow); a path the course's bank already has is refused."""
    path = normalise_path(path)
    if path == category_.path:
        return
    taken = select(exists().where(QuestionCategory.course_id == category_.course_id, QuestionCategory.path == path))
    if db.session.scalar(taken):
        raise BankError(_("The bank already has a category “%(name)s”.", name=path))
    category_.path = path
    db.session.flush()


def delete_category(category_: QuestionCategory) -> None:
    """Delete an empty category; one holding questions is refused."""
    if db.session.scalar(select(exists().where(Question.category_id == category_.id))):
        raise BankError(_("Move or delete the questions of “%(name)s” first.", name=category_.path))
    db.session.delete(category_)
    db.session.flush()


# -- questions ---------------------------------------------------------------------------------------------
def tags_of(text: str | Iterable[str]) -> list[str]:
    """Tags as stored: lower-case words (letters, digits, ``-``), unique, sorted."""
    words = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    return sorted({_TAG.sub("", word.lower())[:40] for word in words} - {""})


def _difficulty(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in {d.value for d in Difficulty}:
        raise BankError(_("Unknown difficulty: %(value)s.", value=value))
    return value


def _title(definition: dict[str, Any], title: str) -> str:
    if title.strip():
        return title.strip()[:255]
    text = item_common.plain(definition.get("stem", ""))
    return (text[:80] + "…") if len(text) > 80 else (text or _("Untitled question"))


def add_question(course_id: int, new: NewQuestion, author_id: int | None = None) -> Question:
    """Add one question (its definition checked by its type); BankError says what is wrong."""
    return import_questions(course_id, [new], author_id)[0]


def import_questions(course_id: int, questions: list[NewQuestion], author_id: int | None = None) -> list[Question]:
    """Add many questions at once, all or nothing: every definition is checked before anything is written."""
    checked, errors = [], []
    for number, new in enumerate(questions, 1):
        where = _("line %(line)s", line=new.line) if new.line else _("question %(n)s", n=number)
        try:
            item_type = items.get(str(new.definition.get("type")))
            definition = item_type.normalise(dict(new.definition))
            difficulty = _difficulty(new.difficulty)
        except (items.ItemInvalid, BankError) as invalid:
            errors.extend(f"{where}: {error}" for error in invalid.errors)
            continue
        checked.append((new, definition, difficulty))
    if errors:
        raise BankError(errors)
    created, now, by_path = [], utcnow(), {}
    for new, definition, difficulty in checked:
        path = normalise_path(new.category)
        if path not in by_path:
            by_path[path] = category(course_id, path)
        question = Question(
            course_id=course_id,
            category=by_path[path],
            type=definition["type"],
            title=_title(definition, new.title),
            tags=tags_of(new.tags),
            difficulty=difficulty,
            created_at=now,
            updated_at=now,
        )
        version = QuestionVersion(number=1, definition=definition, created_at=now, created_by_id=author_id)
        db.session.add(question)
        db.session.flush()  # the question's id, for its version
        version.question_id = question.id
        db.session.add(version)
        db.session.flush()
        question.current_version = version
        created.append(question)
    db.session.flush()
    return created


def is_drawn(version_id: int) -> bool:
    """Whether an attempt has drawn this version (it is then frozen)."""
    return bool(db.session.scalar(select(exists().where(AttemptAnswer.version_id == version_id))))


def save_question(
    question: Question,
    definition: dict[str, Any],
    author_id: int | None = None,
    title: str | None = None,
    tags: str | Iterable[str] | None = None,
    difficulty: str | None = None,
) -> QuestionVersion:
    """Change a question: in place while no attempt has drawn its current version, as a new version once one has.
    Its type cannot change (a new question is the honest way to change it)."""
    if definition.get("type", question.type) != question.type:
        raise BankError(_("A question's type cannot change: add a new question instead."))
    try:
        definition = items.get(question.type).normalise({**definition, "type": question.type})
    except items.ItemInvalid as invalid:
        raise BankError(invalid.errors) from None
    current = question.current_version
    now = utcnow()
    if current is not None and not is_drawn(current.id):
        current.definition = definition
        version = current
    else:
        number = db.session.scalar(
            select(func.coalesce(func.max(QuestionVersion.number), 0)).where(QuestionVersion.question_id == question.id)
        )
        version = QuestionVersion(
            question_id=question.id, number=number + 1, definition=definition, created_at=now, created_by_id=author_id
        )
        db.session.add(version)
        db.session.flush()
        question.current_version = version
    if title is not None:
        question.title = _title(definition, title)
    if tags is not None:
        question.tags = tags_of(tags)
    question.difficulty = _difficulty(difficulty) if difficulty is not None else question.difficulty
    question.updated_at = now
    db.session.flush()
    return version


def move_question(question: Question, path: str) -> None:
    question.category = category(question.course_id, path)
    question.updated_at = utcnow()
    db.session.flush()


def delete_question(question: Question) -> None:
    """Delete a question no attempt has drawn; one that has been answered is kept for its results."""
    drawn = db.session.scalar(
        select(
            exists()
            .where(AttemptAnswer.version_id == QuestionVersion.id)
            .where(QuestionVersion.question_id == question.id)
        )
    )
    if drawn:
        raise BankError(_("This question has been answered in attempts: it is kept for their results."))
    question.current_version = None
    db.session.flush()
    db.session.delete(question)
    db.session.flush()
