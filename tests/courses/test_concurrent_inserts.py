"""Two requests at once that both find a row missing (or both take the next number) and both insert it:
versions, courses, co-authors, files, grades. Neither ends in a 500; numbers stay distinct.

The race is made to happen on PostgreSQL (``tests/concurrency.py`` holds each transaction between its check
and its insert); on SQLite writers are serialised and the same calls just run at the same time.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from courses import assets, services, versions
from courses.models import BlockGrade, Course, CourseAsset, CourseAuthor, CourseVersion
from courses.progress import _record_grade
from lms.accounts.models import User
from lms.db import db
from tests.concurrency import errors, together


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_publishes_at_once_make_versions_n_and_n_plus_one(app, factory):
    course = factory.course()
    versions.publish(course, None, "first")
    db.session.commit()
    course_id = course.id

    def publish():
        return versions.publish(db.session.get(Course, course_id), None, "at once").number

    outcomes = together(app, publish, publish, hold=r"^INSERT INTO course_version\s")
    assert errors(outcomes) == []
    assert sorted(outcome.value for outcome in outcomes) == [2, 3]
    course = db.session.get(Course, course_id)
    assert course.published_version.number == 3  # the later commit is what learners see
    assert sorted(db.session.scalars(select(CourseVersion.number).where(CourseVersion.course_id == course_id))) == [
        1,
        2,
        3,
    ]


def test_two_courses_with_one_code_at_once_make_one_and_a_clear_error(app, factory):
    owner_id = factory.user("author").id

    def create():
        return services.create_course(code="RACE-1", title="Race", owner=db.session.get(User, owner_id)).id

    outcomes = together(app, create, create, hold=r"^INSERT INTO course\s")
    (error,) = errors(outcomes)
    assert isinstance(error, services.CourseError) and error.field == "code"
    assert error.message == "Another course already uses this code."
    assert count(Course, func.lower(Course.code) == "race-1") == 1


def test_two_courses_with_one_code_in_different_cases_at_once_make_one(app, factory):
    """The code is looked up in any case (``/courses/race-2`` is ``RACE-2``): the database keeps it unique so."""
    owner_id = factory.user("author").id

    def create(code):
        return lambda: services.create_course(code=code, title="Race", owner=db.session.get(User, owner_id)).id

    outcomes = together(app, create("RACE-2"), create("race-2"), hold=r"^INSERT INTO course\s")
    (error,) = errors(outcomes)
    assert isinstance(error, services.CourseError) and error.field == "code"
    assert count(Course, func.lower(Course.code) == "race-2") == 1


def test_the_database_refuses_a_course_code_that_differs_only_in_case(app, factory):
    """What decides the race above on PostgreSQL, checked on SQLite too (where the race cannot happen)."""
    owner = factory.user("author")
    db.session.add(Course(code="CASE-1", title="One", owner_id=owner.id))
    db.session.commit()
    db.session.add(Course(code="case-1", title="Two", owner_id=owner.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_adding_one_co_author_twice_at_once_adds_once_with_a_clear_error(app, factory):
    course = factory.course()
    colleague = factory.user("author", name="Colette Colleague")
    course_id, colleague_id = course.id, colleague.id

    def add():
        services.add_co_author(db.session.get(Course, course_id), db.session.get(User, colleague_id))

    outcomes = together(app, add, add, hold=r"^INSERT INTO course_author\s")
    (error,) = errors(outcomes)
    assert isinstance(error, services.CourseError) and error.field == "email"
    assert error.message == "Colette Colleague is already an author of this course."
    assert count(CourseAuthor, CourseAuthor.course_id == course_id, CourseAuthor.user_id == colleague_id) == 1


def test_uploading_one_file_name_twice_at_once_keeps_one_file(app, factory):
    course_id = factory.course().id

    def upload(data):
        def save():
            asset = assets.save_asset(db.session.get(Course, course_id), "diagram.png", io.BytesIO(data))
            return asset.id, asset.size

        return save

    outcomes = together(app, upload(b"first"), upload(b"second!"), hold=r"^INSERT INTO course_asset\s")
    assert errors(outcomes) == []
    (kept,) = db.session.scalars(select(CourseAsset).where(CourseAsset.course_id == course_id))
    assert {outcome.value[0] for outcome in outcomes} == {kept.id}  # both saved the same row
    content = {5: b"first", 7: b"second!"}[kept.size]  # whichever came last, whole: size and hash agree
    assert kept.sha256 == hashlib.sha256(content).hexdigest()


def test_one_grade_recorded_twice_at_once_keeps_one_row_and_the_higher_score(app, factory):
    learner_id = factory.user("learner").id
    course_id = factory.course().id
    key = "block-v1:C+type@problem+block@p1"

    def grade(earned):
        return lambda: _record_grade(learner_id, course_id, key, earned, 4.0, True)

    outcomes = together(app, grade(1.0), grade(3.0), hold=r"^INSERT INTO block_grade\s")
    assert errors(outcomes) == []
    (kept,) = db.session.scalars(select(BlockGrade).where(BlockGrade.user_id == learner_id))
    assert (kept.earned, kept.possible) == (3.0, 4.0)


def test_a_grade_is_kept_only_if_higher_when_asked_and_replaced_otherwise(app, factory):
    learner_id = factory.user("learner").id
    course_id = factory.course().id
    key = "block-v1:C+type@problem+block@p2"

    def kept():
        db.session.expire_all()
        grade = db.session.scalar(select(BlockGrade).where(BlockGrade.user_id == learner_id))
        return grade.earned, grade.possible

    _record_grade(learner_id, course_id, key, 2.0, 4.0, True)
    assert kept() == (2.0, 4.0)
    _record_grade(learner_id, course_id, key, 1.0, 4.0, True)
    assert kept() == (2.0, 4.0)  # lower: not taken
    _record_grade(learner_id, course_id, key, 3.0, 4.0, True)
    assert kept() == (3.0, 4.0)
    _record_grade(learner_id, course_id, key, 0.0, 0.0, True)
    assert kept() == (3.0, 4.0)  # nothing possible counts as 0
    _record_grade(learner_id, course_id, key, 1.0, 4.0, False)
    assert kept() == (1.0, 4.0)  # the latest, when not "only if higher"
    assert count(BlockGrade, BlockGrade.user_id == learner_id) == 1
