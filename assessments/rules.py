"""Permission rules owned by the assessments package: who sees, grades and accommodates a learner's attempts.

They follow the course's own roles, as assessing skills does (``courses/rules.py``): admins and the course's
owner and co-authors for the learners of all its cohorts, a cohort's instructors for the learners actively
enrolled in the cohorts they instruct (unless they are taking the course themselves), and never anyone else.
A learner reads their own attempts (the API); nobody grades their own attempt or gives themselves more time.

Whose attempt one may act on (grade, accommodate) is asked when the action runs, from the enrollments as
they are then: a learner withdrawn since the page was shown is out of reach at once.
"""

from __future__ import annotations

from lms.accounts.models import Role
from lms.cohorts.queries import instructs_course_learner, is_enrolled_in_course
from lms.permissions import can, rule


def _staff(user, course) -> bool:  # noqa: ANN001
    """Admins and the course's owner and co-authors (``course.edit``)."""
    return can("course.edit", course, user=user)


def _instructs(user, learner_id: int, course_id: int) -> bool:  # noqa: ANN001
    # Only experts can be chosen as instructors (the cohort form's list): a learner never is, no query. An expert
    # who is also taking the course (a learner in another of its cohorts) does not see the others' attempts, whose
    # pages show the keys of the tests still ahead of them, nor grades them.
    return (
        user.has_role(Role.AUTHOR, Role.ASSESSOR)
        and instructs_course_learner(user.id, learner_id, course_id)
        and not is_enrolled_in_course(user.id, course_id)
    )


@rule("assessment.review_attempt")
def review_attempt(user, attempt) -> bool:  # noqa: ANN001
    """See a learner's attempt as staff (answers, scores and the keys): the course's staff any attempt of the
    course, an instructor those of the learners actively enrolled in a cohort they instruct."""
    if attempt is None:
        return False
    return _staff(user, attempt.course) or _instructs(user, attempt.user_id, attempt.course_id)


@rule("assessment.view_attempt")
def view_attempt(user, attempt) -> bool:  # noqa: ANN001
    """Read an attempt (the API): its learner, or those who may review it."""
    return attempt is not None and (attempt.user_id == user.id or review_attempt(user, attempt))


def may_act_for(user, learner_id: int, course) -> bool:  # noqa: ANN001
    """Whether ``user`` may grade or accommodate ``learner_id``'s work in ``course`` now: the course's staff for
    a learner actively enrolled in any of its cohorts, an instructor in a cohort they instruct (as
    ``CourseContext.can_act_for`` decides for sign-offs); never for themselves."""
    if course is None or learner_id == user.id:
        return False
    if _staff(user, course):
        return is_enrolled_in_course(learner_id, course.id)
    return _instructs(user, learner_id, course.id)


@rule("assessment.grade")
def grade_attempt(user, attempt) -> bool:  # noqa: ANN001
    """Grade an attempt's answers (an essay) by hand; whether the attempt can be graded now (submitted) is the
    grading service's to say."""
    return attempt is not None and may_act_for(user, attempt.user_id, attempt.course)


@rule("assessment.regrade")
def regrade_question(user, question) -> bool:  # noqa: ANN001
    """Regrade the attempts of a question after its key was corrected: who may edit the course's bank."""
    return question is not None and can("course.edit", question.course, user=user)
