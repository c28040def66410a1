"""A course's question bank: categories, versioned questions, all-or-nothing imports, safe deletion."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessments import bank
from assessments.models import Attempt, AttemptAnswer, Question, QuestionCategory, QuestionVersion
from lms.db import db


def _choice(stem: str = "<p>Which wire is earth?</p>", right: str = "Green-yellow") -> dict:
    return {
        "type": "single_choice",
        "stem": stem,
        "choices": [{"text": right, "fraction": 1}, {"text": "Blue"}, {"text": "Brown"}],
    }


def _draw(question: Question, learner_id: int) -> None:
    """An attempt that drew the question's current version (what freezes it)."""
    attempt = Attempt(
        user_id=learner_id,
        course_id=question.course_id,
        usage_key="block-v1:X+type@assessment+block@a",
        kind="pre",
        number=1,
        seed=1,
        max_mark=1,
    )
    db.session.add(attempt)
    db.session.flush()
    db.session.add(AttemptAnswer(attempt_id=attempt.id, slot=1, version_id=question.current_version_id, max_mark=1))
    db.session.flush()


def test_a_question_is_filed_titled_and_tagged(app, factory):
    with app.app_context():
        course = factory.course()
        question = bank.add_question(
            course.id,
            bank.NewQuestion(
                _choice(), category=" Safety / Isolation ", tags=("PPE", "ppe", "lock-out!"), difficulty="easy"
            ),
        )
        assert question.category.path == "Safety/Isolation" and question.category.name == "Isolation"
        assert question.title == "Which wire is earth?"
        assert question.tags == ["lock-out", "ppe"]
        assert question.current_version.number == 1
        assert question.current_version.definition["choices"][0]["id"]  # the type assigned ids


def test_an_unknown_difficulty_or_type_is_refused_with_nothing_written(app, factory):
    with app.app_context():
        course = factory.course()
        with pytest.raises(bank.BankError, match="difficulty"):
            bank.add_question(course.id, bank.NewQuestion(_choice(), difficulty="brutal"))
        with pytest.raises(bank.BankError, match="unknown question type"):
            bank.add_question(course.id, bank.NewQuestion({"type": "telepathy", "stem": "x"}))
        assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_an_import_is_all_or_nothing_and_names_the_lines(app, factory):
    with app.app_context():
        course = factory.course()
        good = bank.NewQuestion(_choice(), line=1)
        no_right = bank.NewQuestion({**_choice(), "choices": [{"text": "a"}, {"text": "b"}]}, line=5)
        empty = bank.NewQuestion({**_choice(), "stem": ""}, line=9)
        with pytest.raises(bank.BankError) as refused:
            bank.import_questions(course.id, [good, no_right, empty])
        assert [error.split(":")[0] for error in refused.value.errors] == ["line 5", "line 9"]
        assert db.session.scalar(select(func.count()).select_from(Question)) == 0
        assert db.session.scalar(select(func.count()).select_from(QuestionCategory)) == 0


def test_editing_changes_the_version_in_place_until_an_attempt_draws_it(app, factory):
    with app.app_context():
        course, learner = factory.course(), factory.user()
        question = bank.add_question(course.id, bank.NewQuestion(_choice()))
        first = question.current_version
        choice_ids = [c["id"] for c in first.definition["choices"]]
        bank.save_question(question, {**first.definition, "stem": "<p>Earth wire?</p>"})
        assert question.current_version.id == first.id and first.definition["stem"] == "<p>Earth wire?</p>"

        _draw(question, learner.id)
        changed = {**first.definition, "stem": "<p>Which colour is the protective earth?</p>"}
        second = bank.save_question(question, changed, title="Earth colour")
        assert second.id != first.id and second.number == 2 and question.current_version_id == second.id
        assert db.session.get(QuestionVersion, first.id).definition["stem"] == "<p>Earth wire?</p>"  # kept as drawn
        assert [c["id"] for c in second.definition["choices"]] == choice_ids  # the same choices in both
        assert question.title == "Earth colour"


def test_a_questions_type_cannot_change(app, factory):
    with app.app_context():
        question = bank.add_question(factory.course().id, bank.NewQuestion(_choice()))
        with pytest.raises(bank.BankError, match="type"):
            bank.save_question(question, {"type": "essay", "stem": "<p>Explain.</p>"})


def test_an_answered_question_cannot_be_deleted_and_an_unanswered_one_can(app, factory):
    with app.app_context():
        course, learner = factory.course(), factory.user()
        answered = bank.add_question(course.id, bank.NewQuestion(_choice()))
        unanswered = bank.add_question(course.id, bank.NewQuestion(_choice(right="Green-yellow stripes")))
        _draw(answered, learner.id)
        with pytest.raises(bank.BankError, match="answered"):
            bank.delete_question(answered)
        bank.delete_question(unanswered)
        assert db.session.scalars(select(Question.id)).all() == [answered.id]
        assert db.session.scalar(select(func.count()).select_from(QuestionVersion)) == 1


def test_a_category_is_created_once_and_deleted_only_when_empty(app, factory):
    with app.app_context():
        course = factory.course()
        first = bank.category(course.id, "$course$/Safety/")
        again = bank.category(course.id, "Safety", outcome="Works safely on installations")
        assert first.id == again.id and again.outcome == "Works safely on installations"
        question = bank.add_question(course.id, bank.NewQuestion(_choice(), category="Safety"))
        with pytest.raises(bank.BankError, match="Safety"):
            bank.delete_category(first)
        bank.move_question(question, "Wiring")
        bank.delete_category(first)
        assert [c.path for c in bank.categories(course.id)] == ["Wiring"]


def test_the_bank_is_searched_and_filtered(app, factory):
    from assessments import queries

    with app.app_context():
        course, other = factory.course(), factory.course()
        earth = bank.add_question(course.id, bank.NewQuestion(_choice(), category="Safety", tags=("ppe",)))
        fuse = bank.add_question(
            course.id, bank.NewQuestion(_choice("<p>What does a 50% fuse do?</p>"), category="Wiring", tags=("fuses",))
        )
        bank.add_question(other.id, bank.NewQuestion(_choice(), category="Safety"))

        def ids(**filters):
            return [q.id for q in db.session.scalars(queries.bank_questions(course.id, **filters))]

        assert sorted(ids()) == sorted([earth.id, fuse.id])  # the other course's question is not listed
        assert ids(search="EARTH") == [earth.id]
        assert ids(search="50%") == [fuse.id]  # LIKE's wildcards are literal in a search
        assert ids(search="fuses") == [fuse.id]  # tags are searched too
        assert ids(tag="ppe") == [earth.id] and ids(tag="pp") == []
        assert ids(category_id=fuse.category_id) == [fuse.id]
        assert ids(type_="essay") == []
        assert [(c.path, n) for c, n in queries.category_counts(course.id)] == [("Safety", 1), ("Wiring", 1)]
        _draw(earth, factory.user().id)
        assert queries.answered([earth.id, fuse.id]) == {earth.id}
