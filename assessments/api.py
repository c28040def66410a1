"""API: assessment attempts and results (``/api/v1/attempts``, ``/api/v1/results``).

Who reads what follows ``assessments/rules.py``: a learner their own attempts and result; a cohort's
instructors those of its active learners; the course's owner and co-authors (and admins) every attempt of the
course. An attempt's answers come with their scores, and with the right answers only for those who review it
as staff (never for its learner).
"""

from __future__ import annotations

import marshmallow as ma
from flask import abort
from flask_login import current_user
from sqlalchemy import select

from assessments import attempts, items, queries
from assessments.models import Attempt, AttemptAnswer
from assessments.published import settings_of
from courses.models import Course
from lms.accounts.models import User
from lms.api import UtcDateTime, api_blueprint
from lms.cohorts.api import SQLPage
from lms.cohorts.models import Cohort, Enrollment, EnrollmentStatus, cohort_instructor
from lms.db import db
from lms.permissions import can, require
from lms.web import ID_MAX

blp = api_blueprint(
    "api_assessments",
    __name__,
    description="Assessment attempts (pre-tests, post-tests, practice tests) and pre/post results.",
)
Id = lambda description: ma.fields.Int(  # noqa: E731
    load_default=None, validate=ma.validate.Range(min=1, max=ID_MAX), metadata={"description": description}
)


class AttemptArgsSchema(ma.Schema):
    course = Id("Only attempts at this course's assessments.")
    cohort = Id("Only attempts of this cohort's active learners, at its course's assessments.")
    kind = ma.fields.Str(load_default=None, validate=ma.validate.OneOf(["pre", "post", "practice"]))
    user = Id("Only this learner's attempts.")


class AttemptSchema(ma.Schema):
    id = ma.fields.Int()
    user_id = ma.fields.Int()
    learner = ma.fields.Function(lambda a: a.user.name)
    course_id = ma.fields.Int()
    course_code = ma.fields.Function(lambda a: a.course.code)
    usage_key = ma.fields.Str(metadata={"description": "The assessment block."})
    assessment = ma.fields.Function(lambda a: settings_of(a.course, a.usage_key).title)
    kind = ma.fields.Str(metadata={"enum": ["pre", "post", "practice"]})
    number = ma.fields.Int(metadata={"description": "1 for the learner's first attempt at this assessment."})
    state = ma.fields.Str(metadata={"enum": ["in_progress", "submitted"]})
    started_at = UtcDateTime()
    deadline = UtcDateTime(allow_none=True)
    submitted_at = UtcDateTime(allow_none=True)
    submitted_by = ma.fields.Str(allow_none=True, metadata={"enum": ["learner", "deadline", "instructor", None]})
    mark = ma.fields.Float(allow_none=True, metadata={"description": "None until every answer is graded."})
    max_mark = ma.fields.Float()
    percent = ma.fields.Float(allow_none=True)
    needs_grading = ma.fields.Bool(metadata={"description": "An answer waits for a person's grade (an essay)."})


class AnswerSchema(ma.Schema):
    slot = ma.fields.Int()
    question_id = ma.fields.Int()
    version = ma.fields.Int(metadata={"description": "The question's version the attempt drew."})
    type = ma.fields.Str()
    stem = ma.fields.Str(metadata={"description": "The question (HTML)."})
    response = ma.fields.Raw(allow_none=True, metadata={"description": "The saved answer, as its type keeps it."})
    response_text = ma.fields.Str()
    max_mark = ma.fields.Float()
    fraction = ma.fields.Float(
        allow_none=True,
        metadata={"description": "Of the mark; None: not graded yet, or not shown to the learner yet (review)."},
    )
    score = ma.fields.Float(allow_none=True)
    comment = ma.fields.Str(metadata={"description": "A grader's comment."})
    graded_at = UtcDateTime(allow_none=True, metadata={"description": "When a person graded it."})
    right_answer = ma.fields.Str(
        allow_none=True, metadata={"description": "The key in plain text: only for staff, never for the learner."}
    )


class AttemptDetailSchema(AttemptSchema):
    answers = ma.fields.List(ma.fields.Nested(AnswerSchema))


class ResultArgsSchema(ma.Schema):
    course = ma.fields.Int(required=True, validate=ma.validate.Range(min=1, max=ID_MAX))
    cohort = Id("Only this cohort's active learners.")


class ResultRowSchema(ma.Schema):
    user_id = ma.fields.Int()
    name = ma.fields.Str()
    pre = ma.fields.Float(allow_none=True, metadata={"description": "First graded pre-test attempt, in percent."})
    post = ma.fields.Float(allow_none=True, metadata={"description": "First graded post-test attempt, in percent."})
    matched = ma.fields.Bool(metadata={"description": "Both a pre-test and a post-test score."})


class ResultsSchema(ma.Schema):
    course_id = ma.fields.Int()
    cohort_id = ma.fields.Int(allow_none=True)
    learners = ma.fields.Int(metadata={"description": "Learners with a pre-test or a post-test score."})
    matched = ma.fields.Int(metadata={"description": "Learners with both."})
    pre_mean = ma.fields.Float(allow_none=True, metadata={"description": "Mean pre-test % of the matched learners."})
    post_mean = ma.fields.Float(allow_none=True, metadata={"description": "Mean post-test % of the matched learners."})
    rows = ma.fields.List(ma.fields.Nested(ResultRowSchema))


@blp.route("/attempts")
@blp.arguments(AttemptArgsSchema, location="query")
@blp.response(200, AttemptSchema(many=True))
@blp.paginate(SQLPage)
def list_attempts(args):
    """Attempts the caller may read, newest first: a learner's own; for instructors, those of their cohorts'
    active learners; for the course's owner and co-authors, every attempt of the course. Paginated."""
    stmt = queries.visible_attempts(current_user)
    if args.get("course") is not None:
        stmt = stmt.where(Attempt.course_id == args["course"])
    if args.get("cohort") is not None:
        stmt = stmt.where(
            Attempt.course_id == select(Cohort.course_id).where(Cohort.id == args["cohort"]).scalar_subquery(),
            Attempt.user_id.in_(
                select(Enrollment.user_id).where(
                    Enrollment.cohort_id == args["cohort"], Enrollment.status == EnrollmentStatus.ACTIVE
                )
            ),
        )
    if args.get("kind"):
        stmt = stmt.where(Attempt.kind == args["kind"])
    if args.get("user") is not None:
        stmt = stmt.where(Attempt.user_id == args["user"])
    return stmt.order_by(Attempt.started_at.desc(), Attempt.id.desc())


def _answer(answer: AttemptAnswer, keys: bool, scores: bool = True) -> dict:
    definition = answer.version.definition
    kind = items.get(definition["type"])
    answered = answer.response not in (None, "", [], {})
    fraction = answer.fraction if scores else None
    return {
        "slot": answer.slot,
        "question_id": answer.version.question_id,
        "version": answer.version.number,
        "type": definition["type"],
        "stem": definition.get("stem", ""),
        "response": answer.response,
        "response_text": kind.response_text(definition, answer.response) if answered and kind.scored else "",
        "max_mark": answer.max_mark,
        "fraction": fraction,
        "score": None if fraction is None else fraction * answer.max_mark,
        "comment": (answer.comment or "") if scores else "",
        "graded_at": answer.graded_at if scores else None,
        "right_answer": (kind.right_answer(definition) if kind.scored else "") if keys else None,
    }


@blp.route("/attempts/<int:attempt_id>")
@blp.response(200, AttemptDetailSchema)
def get_attempt(attempt_id: int):
    """One attempt with its answers and their scores; the right answers only for staff."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        abort(404, "No attempt with this id.")
    require("assessment.view_attempt", attempt)
    keys = can("assessment.review_attempt", attempt)
    scores = keys or _learner_may_review(attempt)
    return _Detail(attempt, [_answer(answer, keys, scores) for answer in attempt.answers])


def _learner_may_review(attempt: Attempt) -> bool:
    """Whether the attempt's learner may see how each answer scored: the block's review rule
    (``AssessmentBlock.student_view``), so the API tells no more than the page."""
    if settings_of(attempt.course, attempt.usage_key).show_answers == "never":
        return False
    return attempt.kind != "pre" or attempts.post_test_closed(attempt.user_id, attempt.course)


class _Detail:
    """The attempt as the detail schema reads it, its answers as this caller may see them."""

    def __init__(self, attempt: Attempt, answers: list[dict]):
        self._attempt, self.answers = attempt, answers

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._attempt, name)


def _instructed_learners(instructor_id: int, course_id: int):  # noqa: ANN202 - a select of user ids
    return (
        select(Enrollment.user_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(cohort_instructor, cohort_instructor.c.cohort_id == Cohort.id)
        .where(
            Cohort.course_id == course_id,
            Enrollment.status == EnrollmentStatus.ACTIVE,
            cohort_instructor.c.user_id == instructor_id,
        )
    )


@blp.route("/results")
@blp.arguments(ResultArgsSchema, location="query")
@blp.response(200, ResultsSchema)
def get_results(args):
    """Each learner's first graded pre-test and post-test scores in a course (or one cohort), and how many have
    both. Staff see every learner, an instructor the active learners of their cohorts, a learner themselves."""
    course = db.session.get(Course, args["course"])
    if course is None:
        abort(404, "No course with this id.")
    cohort = None
    if args.get("cohort") is not None:
        cohort = db.session.get(Cohort, args["cohort"])
        if cohort is None or cohort.course_id != course.id:
            abort(404, "No cohort with this id in this course.")
    pairs = queries.pre_post_pairs(course.id, cohort.id if cohort else None)
    if can("course.edit", course):
        pass
    elif can("course.assess", course):
        if cohort is not None:
            require("course.view_progress", cohort)
        else:
            mine = set(db.session.scalars(_instructed_learners(current_user.id, course.id)))
            pairs = [p for p in pairs if p.user_id in mine]
    elif can("course.learn", course):
        pairs = [p for p in pairs if p.user_id == current_user.id]
    else:
        abort(403)
    people = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_([p.user_id for p in pairs])))}
    matched = [p for p in pairs if p.pre is not None and p.post is not None]
    mean = lambda values: sum(values) / len(values) if values else None  # noqa: E731
    return {
        "course_id": course.id,
        "cohort_id": cohort.id if cohort else None,
        "learners": len(pairs),
        "matched": len(matched),
        "pre_mean": mean([p.pre for p in matched]),
        "post_mean": mean([p.post for p in matched]),
        "rows": [
            {
                "user_id": p.user_id,
                "name": people.get(p.user_id, ""),
                "pre": p.pre,
                "post": p.post,
                "matched": p.pre is not None and p.post is not None,
            }
            for p in pairs
        ],
    }
