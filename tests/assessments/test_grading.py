"""Grading by a person and regrading after a corrected key: the attempt's mark is recomputed, the courseware's
grade follows the block's grading method, ``attempt_graded`` is announced after the commit, nobody grades their
own attempt, a grade given meanwhile by someone else is not overwritten, and a regrade says what it changed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessments import attempts, bank, grading
from assessments.attempts import Settings
from assessments.models import AttemptState
from courses.models import BlockCompletion, BlockGrade
from lms import signals
from lms.audit import AuditEvent
from lms.cohorts.services import enroll
from lms.db import db
from lms.permissions import can
from tests.assessments.instructor_world import ESSAY_GUIDANCE, build_world


@pytest.fixture
def world(factory):
    return build_world(factory)


@pytest.fixture
def graded_signals():
    heard = []

    def receiver(sender, **kwargs):
        heard.append((sender, kwargs["user_id"]))

    signals.attempt_graded.connect(receiver)
    yield heard
    signals.attempt_graded.disconnect(receiver)


def text(response) -> str:
    return response.get_data(as_text=True)


def _grade(world, user_id, usage_key):
    return db.session.scalar(select(BlockGrade).where(BlockGrade.user_id == user_id, BlockGrade.usage_key == usage_key))


# -- a person's grade -----------------------------------------------------------------------------------------
def test_grading_an_essay_recomputes_the_mark_and_the_courseware_grade(client, auth, world, graded_signals):
    alice = world.learners_a[0]
    attempt = world.take(alice, "pre", right=1)  # 1 of 2 choices right (1 mark), the essay (2 marks) waits
    assert attempt.needs_grading and attempt.mark is None
    assert _grade(world, alice.id, world.keys["pre"]) is None  # nothing to put in the grades yet
    graded_signals.clear()
    essay = world.essay_answer(attempt)
    auth.login(world.users["instructor"])
    page = text(client.get(f"/assessments/grading/{essay.id}"))
    assert "Explain isolation." in page and "Isolate it." in page  # the question and the learner's answer
    assert ESSAY_GUIDANCE in page  # the grader's guidance, as authored (sanitised) HTML
    response = client.post(
        f"/assessments/grading/{essay.id}", data={"score": "1,5", "comment": "Prove dead too.", "seen": ""}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (essay.fraction, essay.comment, essay.graded_by_id) == (
        0.75,
        "Prove dead too.",
        world.users["instructor"].id,
    )
    assert essay.graded_at is not None
    assert attempt.needs_grading is False and attempt.mark == 2.5 and attempt.percent == 62.5
    grade = _grade(world, alice.id, world.keys["pre"])
    assert (grade.earned, grade.possible) == (62.5, 100.0)
    completion = db.session.scalar(
        select(BlockCompletion.completion).where(
            BlockCompletion.user_id == alice.id, BlockCompletion.usage_key == world.keys["pre"]
        )
    )
    assert completion == 1.0  # graded: the block is complete, as after a grade event
    assert graded_signals == [(attempt.id, alice.id)]  # announced once, after the commit
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "assessment.answer_graded")) == 1
    # The learner's own page shows the score (the pre-test's answers and comments wait for the post-test).
    auth.logout()
    auth.login(alice)
    unit = text(client.get(f"/learn/{world.course.code}/unit/{_unit_of(world)}"))
    assert "Your score: 62%" in unit and "Passed." in unit


def _unit_of(world) -> str:
    from courses.structure import published_structure

    return published_structure(world.course).unit_of_leaf[world.keys["pre"]].key


def test_the_courseware_grade_follows_the_grading_method(app, world):
    """The post-test is graded by its highest attempt: a poor second attempt graded later leaves it as it was."""
    bruno = world.learners_a[1]
    first = world.take(bruno, "post", right=2, essay="First")  # 2 + essay
    grading.grade_answer(world.essay_answer(first), 2, "", world.users["owner"].id)
    db.session.commit()
    assert _grade(world, bruno.id, world.keys["post"]).earned == 100.0
    second = world.take(bruno, "post", right=0, essay="Second")
    grading.grade_answer(world.essay_answer(second), 0, "", world.users["owner"].id)
    db.session.commit()
    assert second.percent == 0 and _grade(world, bruno.id, world.keys["post"]).earned == 100.0


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("3", "Give a score from 0 to 2."),
        ("-1", "from 0 to 2"),
        ("abc", "from 0 to 2"),
        ("nan", "from 0 to 2"),
        ("inf", "from 0 to 2"),
        ("", "This field is required."),
        ("1e400", "from 0 to 2"),
    ],
)
def test_a_score_outside_the_mark_is_refused_beside_the_field(client, auth, world, score, message):
    attempt = world.take(world.learners_a[0], "pre")
    essay = world.essay_answer(attempt)
    auth.login(world.users["admin"])
    response = client.post(f"/assessments/grading/{essay.id}", data={"score": score, "seen": ""})
    assert response.status_code == 400 and message in text(response)
    db.session.expire_all()
    assert essay.fraction is None and attempt.mark is None


def test_a_comment_too_long_or_with_nul_is_refused(client, auth, world):
    essay = world.essay_answer(world.take(world.learners_a[0], "pre"))
    auth.login(world.users["owner"])
    for comment in ("x" * 5001, "bad\x00"):
        response = client.post(f"/assessments/grading/{essay.id}", data={"score": "1", "comment": comment})
        assert response.status_code == 400
    db.session.expire_all()
    assert essay.fraction is None


def test_nobody_grades_their_own_attempt(client, auth, world):
    instructor = world.users["instructor"]
    enroll(world.cohort_a, instructor)  # an instructor who also sits the test, in their own cohort
    db.session.commit()
    own = world.take(instructor, "pre")
    essay = world.essay_answer(own)
    auth.login(instructor)
    assert "Ines Instructor" not in text(client.get("/assessments/grading"))  # not in their queue
    assert client.get(f"/assessments/grading/{essay.id}").status_code == 403
    assert client.post(f"/assessments/grading/{essay.id}", data={"score": "2", "seen": ""}).status_code == 403
    assert not can("assessment.grade", own, user=instructor)
    db.session.expire_all()
    assert essay.fraction is None
    auth.logout()
    auth.login(world.users["co_author"])  # a colleague may
    assert client.post(f"/assessments/grading/{essay.id}", data={"score": "2", "seen": ""}).status_code == 303


def test_a_grade_given_meanwhile_is_not_overwritten(client, auth, world):
    attempt = world.take(world.learners_a[0], "pre")
    essay = world.essay_answer(attempt)
    auth.login(world.users["instructor"])
    shown = text(client.get(f"/assessments/grading/{essay.id}"))
    assert 'name="seen" type="hidden" value=""' in shown
    grading.grade_answer(essay, 2, "Excellent", world.users["owner"].id)  # the owner grades it first
    db.session.commit()
    response = client.post(f"/assessments/grading/{essay.id}", data={"score": "0", "comment": "Poor", "seen": ""})
    assert response.status_code == 409 and "Someone else graded this answer meanwhile" in text(response)
    assert "Olive Owner" in text(response) and 'value="2"' in text(response)  # their grade is shown
    db.session.expire_all()
    assert (essay.fraction, essay.comment) == (1.0, "Excellent")
    # Seen, it may be changed.
    seen = essay.graded_at.isoformat()
    response = client.post(f"/assessments/grading/{essay.id}", data={"score": "1", "comment": "Fair", "seen": seen})
    assert response.status_code == 303
    db.session.expire_all()
    assert (essay.fraction, essay.comment, attempt.mark) == (0.5, "Fair", 3.0)


def test_the_queue_is_oldest_first_and_saving_opens_the_next(client, auth, world):
    first = world.take(world.learners_a[1], "pre")
    second = world.take(world.learners_a[0], "pre")
    auth.login(world.users["instructor"])
    queue = text(client.get("/assessments/grading"))
    assert queue.index("Bruno Learner") < queue.index("Alice Learner")
    response = client.post(f"/assessments/grading/{world.essay_answer(first).id}", data={"score": "1", "seen": ""})
    assert response.headers["Location"] == f"/assessments/grading/{world.essay_answer(second).id}"
    response = client.post(f"/assessments/grading/{world.essay_answer(second).id}", data={"score": "1", "seen": ""})
    assert response.headers["Location"] == "/assessments/grading"
    assert "Nothing to grade." in text(client.get("/assessments/grading"))


def test_an_automatically_scored_answer_has_no_grading_page(client, auth, world):
    attempt = world.take(world.learners_a[0], "pre")
    choice = next(a for a in attempt.answers if a.version.definition["type"] == "single_choice")
    auth.login(world.users["admin"])
    assert client.get(f"/assessments/grading/{choice.id}").status_code == 404
    assert client.post(f"/assessments/grading/{choice.id}", data={"score": "0"}).status_code == 404


# -- regrade after a corrected key ------------------------------------------------------------------------
def _correct_key(question, author):
    """The author swaps which choice is right: attempts drew version 1, so this makes version 2."""
    definition = dict(question.current_version.definition)
    definition["choices"] = [{**c, "fraction": 1 - c["fraction"]} for c in definition["choices"]]
    return bank.save_question(question, definition, author_id=author.id)


def _choice_slots(attempt, question):
    return [a for a in attempt.answers if a.version.question_id == question.id]


def test_regrade_rescores_every_attempt_of_the_question_and_says_what_changed(client, auth, world, graded_signals):
    owner = world.users["owner"]
    alice, bruno = world.learners_a
    # Draw until both attempts hold the first safety question (the draw is random: take the pre-tests, then
    # pick the question the two share).
    alice_pre = world.take(alice, "pre", right=2)
    bruno_pre = world.take(bruno, "pre", right=0, essay=None)
    shared = next(q for q in world.choice_questions if _choice_slots(alice_pre, q) and _choice_slots(bruno_pre, q))
    grading.grade_answer(world.essay_answer(alice_pre), 2, "", world.users["instructor"].id)
    open_post = world.take(world.learner_b, "post", submit=False)
    db.session.commit()
    before = {a.id: a.mark for a in (alice_pre, bruno_pre)}
    assert before == {alice_pre.id: 4.0, bruno_pre.id: 0.0}
    old_version = _choice_slots(alice_pre, shared)[0].version_id
    _correct_key(shared, owner)
    db.session.commit()

    auth.login(owner)
    listing = text(client.get(f"/assessments/courses/{world.course.code}/regrade"))
    assert shared.title in listing and "older versions drawn: 1" in listing
    assert "answers would score differently" in listing
    assert f'href="/assessments/courses/{world.course.code}/regrade"' in text(client.get("/assessments/"))
    studio_page = text(client.get(f"/studio/courses/{world.course.code}/"))
    assert f'href="/assessments/courses/{world.course.code}/regrade"' in studio_page
    plan = client.get(f"/assessments/questions/{shared.id}/regrade")
    page = text(plan)
    assert "What a regrade would change" in page and "Alice Learner" in page and "Bruno Learner" in page
    assert "Wrong" in page and "Right" in page  # each version's right answer
    db.session.expire_all()
    assert {a.id: a.mark for a in (alice_pre, bruno_pre)} == before  # planning wrote nothing

    graded_signals.clear()
    done = client.post(f"/assessments/questions/{shared.id}/regrade")
    page = text(done)
    assert done.status_code == 200 and "What the regrade changed" in page and "Regraded." in page
    assert "2 attempts&#39; marks changed" in page or "2 attempts' marks changed" in page
    assert "Alice Learner" in page and "100%" in page and "75%" in page  # 4 of 4 → 3 of 4
    db.session.expire_all()
    assert alice_pre.mark == 3.0 and bruno_pre.mark == 1.0
    answer = _choice_slots(alice_pre, shared)[0]
    assert answer.version_id == old_version and answer.fraction == 0.0  # its version kept, for display
    assert _grade(world, alice.id, world.keys["pre"]).earned == 75.0
    assert _grade(world, bruno.id, world.keys["pre"]).earned == 25.0
    assert sorted(graded_signals) == sorted([(alice_pre.id, alice.id), (bruno_pre.id, bruno.id)])
    assert open_post.state == AttemptState.IN_PROGRESS  # untouched: graded with its own draw when submitted
    listing = text(client.get(f"/assessments/courses/{world.course.code}/regrade"))
    assert shared.title in listing and "regraded" in listing and "would score differently" not in listing
    # A second regrade changes nothing.
    again = grading.regrade(shared.id, owner.id)
    assert again.attempts_changed == 0 and again.answers_changed == 0


def _fresh_question(world, title: str):
    """A question of its own category, which no pre-test or post-test of the world draws."""
    new = bank.NewQuestion(
        {
            "type": "single_choice",
            "stem": f"<p>{title}?</p>",
            "choices": [{"text": "Keep", "fraction": 1}, {"text": "Drop"}],
        },
        category="Spare",
        title=title,
    )
    question = bank.add_question(world.course.id, new)
    db.session.commit()
    return question


def _sit(world, learner, question, choice_id, submit=True):
    """An attempt at the practice test holding just ``question``, answered ``choice_id``."""
    settings = Settings(
        usage_key=world.keys["practice"],
        course_id=world.course.id,
        kind="practice",
        question_ids=(question.id,),
        attempts_allowed=0,
    )
    attempt = attempts.start(settings, learner.id)
    attempts.save_answer(attempt.id, 1, choice_id, 1)
    if submit:
        attempts.submit(attempt)
    db.session.commit()
    return attempt


def test_regrade_summary_counts_kept_unfit_and_open_attempts(world, factory):
    owner = world.users["owner"]
    alice, bruno = world.learners_a
    question = _fresh_question(world, "Earthing")
    choices = question.current_version.definition["choices"]
    right = next(c for c in choices if c["fraction"] == 1)
    wrong = next(c for c in choices if c["fraction"] == 0)
    alice_attempt = _sit(world, alice, question, right["id"])
    bruno_attempt = _sit(world, bruno, question, wrong["id"])
    zoe_attempt = _sit(world, world.learner_b, question, wrong["id"])
    open_attempt = _sit(world, world.withdrawn, question, right["id"], submit=False)
    overridden = bruno_attempt.answers[0]
    overridden.fraction, overridden.graded_by_id = 0.5, owner.id  # a person's grade: it stands
    attempts.total(bruno_attempt)
    db.session.commit()
    # The corrected version: the old right choice is wrong, the old wrong one removed, a new right one added.
    definition = dict(question.current_version.definition)
    definition["choices"] = [{**right, "fraction": 0}, {"text": "A new right answer", "fraction": 1}]
    bank.save_question(question, definition, author_id=owner.id)
    db.session.commit()

    planned = grading.plan_regrade(question.id)
    summary = grading.regrade(question.id, owner.id)
    db.session.commit()
    for result in (planned, summary):
        assert (result.version_number, result.attempts_checked, result.answers_checked) == (2, 3, 3)
        assert (result.kept_by_person, result.unfit, result.in_progress) == (1, 1, 1)
        assert result.answers_changed == 1  # Alice's: right before, wrong now; Zoe's was wrong and still is
        assert [(c.learner, c.old_mark, c.new_mark) for c in result.changes] == [("Alice Learner", 1.0, 0.0)]
    assert not planned.applied and summary.applied
    db.session.expire_all()
    assert (alice_attempt.mark, bruno_attempt.mark, zoe_attempt.mark) == (0.0, 0.5, 0.0)
    assert open_attempt.state == AttemptState.IN_PROGRESS and open_attempt.answers[0].fraction is None
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "assessment.question_regraded")) == 1


def test_an_essay_or_unknown_question_cannot_be_regraded(client, auth, world):
    auth.login(world.users["owner"])
    response = client.get(f"/assessments/questions/{world.essay_question.id}/regrade")
    assert response.status_code == 409 and "nothing to regrade" in text(response)
    with pytest.raises(LookupError):
        grading.regrade(2**31 - 1, world.users["owner"].id)


def test_only_drawn_versions_that_differ_are_offered(world):
    owner = world.users["owner"]
    drawn, undrawn = _fresh_question(world, "Drawn"), _fresh_question(world, "Never drawn")
    assert grading.outdated_questions(world.course.id) == []
    _sit(world, world.learners_a[0], drawn, drawn.current_version.definition["choices"][0]["id"])
    _correct_key(undrawn, owner)  # never drawn: edited in place, nothing to regrade
    bank.save_question(drawn, dict(drawn.current_version.definition))  # drawn: a new version, the same key
    db.session.commit()
    assert undrawn.current_version.number == 1 and drawn.current_version.number == 2
    assert grading.outdated_questions(world.course.id) == []
    _correct_key(drawn, owner)
    db.session.commit()
    outdated = grading.outdated_questions(world.course.id)
    assert [(o.question.id, [v.number for v in o.versions], o.answers) for o in outdated] == [(drawn.id, [1], 1)]
