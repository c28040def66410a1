"""The question bank's blueprint and the lookups its pages share: a question or category of the course (any
other is a 404), an item type by name, and the choices of outcome for a category."""

from __future__ import annotations

from flask import Blueprint, abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from assessments import items
from assessments.models import Question, QuestionCategory
from lms.db import db

# The pages are in this package's modules, the templates in assessments/templates.
bp = Blueprint("bank", __name__, url_prefix="/studio/courses/<code>/questions", template_folder="../templates")


def init_app(app) -> None:  # noqa: ANN001
    from courses.studio.links import register_course_page

    app.register_blueprint(bp)
    register_course_page("bank.index", _l("Question bank"), order=50)


def load_question(course, question_id: int) -> Question:  # noqa: ANN001
    question = db.session.scalar(select(Question).where(Question.id == question_id, Question.course_id == course.id))
    if question is None or question.current_version is None:
        abort(404)
    return question


def load_category(course, category_id: int) -> QuestionCategory:  # noqa: ANN001
    found = db.session.scalar(
        select(QuestionCategory).where(QuestionCategory.id == category_id, QuestionCategory.course_id == course.id)
    )
    if found is None:
        abort(404)
    return found


def load_item_type(name: str):  # noqa: ANN201
    try:
        return items.get(name)
    except items.ItemInvalid:
        abort(404)


def outcome_choices(course, current: str = "") -> list[tuple[str, str]]:  # noqa: ANN001
    outcomes = course.outcomes
    choices = [("", _("No outcome"))] + [(o, o) for o in outcomes]
    if current and current not in outcomes:  # an outcome since removed from the course: still shown
        choices.append((current, current))
    return choices
