"""The demo's assessments (assessments/demo.py, issue 21 point 8): ``lms seed-demo`` gives each demo course a
real question bank, a published pre-test and post-test drawn from it by blueprint, and simulated learners'
attempts that make the results meaningful; seeding again changes nothing, and the same attempts come out
of a second seeding; the README's learners can do what the README says."""

from __future__ import annotations

from statistics import mean

import pytest
from sqlalchemy import delete, func, select

from assessments import items, queries
from assessments.demo import BANKS, FRESH, WRITTEN
from assessments.models import Attempt, AttemptAnswer, Question, QuestionCategory, QuestionVersion
from courses import queries as courses
from courses.gating import lock_reason
from courses.models import BlockGrade, Completion
from courses.structure import published_structure
from lms.accounts.models import User
from lms.clock import utcnow
from lms.db import db
from lms.demo import PEOPLE

PERSON = {person.key: person for person in PEOPLE}


def _seed(app, outside_requests) -> str:
    """``lms seed-demo`` as the command runs it (in a thread of its own)."""
    result = outside_requests(app.test_cli_runner().invoke, args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result.output


def _counts() -> dict[str, int]:
    tables = (Question, QuestionVersion, QuestionCategory, Attempt, AttemptAnswer, User)
    counts = {table.__name__: db.session.scalar(select(func.count()).select_from(table)) for table in tables}
    counts["graded essays"] = db.session.scalar(
        select(func.count()).select_from(AttemptAnswer).where(AttemptAnswer.graded_by_id.is_not(None))
    )
    return counts


def _scores() -> list[tuple]:
    rows = db.session.execute(
        select(User.email, Attempt.kind, Attempt.mark, Attempt.max_mark, Attempt.needs_grading, Attempt.submitted_at)
        .join(User, User.id == Attempt.user_id)
        .order_by(User.email, Attempt.course_id, Attempt.kind)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
def demo(app, outside_requests) -> str:
    return _seed(app, outside_requests)


def test_seeding_twice_changes_nothing_and_a_new_seeding_makes_the_same_attempts(app, outside_requests, demo):
    assert "simulated learners" in demo
    before, scores = _counts(), _scores()
    assert before["Attempt"] > 50 and before["graded essays"] > 0
    _seed(app, outside_requests)
    assert _counts() == before

    # Deterministic: with the attempts gone, the seeder makes the same ones again (same marks, same times).
    db.session.execute(delete(AttemptAnswer))
    db.session.execute(delete(Attempt))
    db.session.commit()
    _seed(app, outside_requests)
    assert _scores() == scores


def test_each_demo_course_has_a_real_bank_and_published_pre_and_post_tests_drawn_from_it(demo):
    types = set()
    for code, spec in BANKS.items():
        course = courses.by_code(code)
        questions = db.session.scalars(select(Question).where(Question.course_id == course.id)).all()
        assert 20 <= len(questions) <= 30, code
        types |= {q.type for q in questions}
        assert all(q.tags for q in questions), code
        scored = [q for q in questions if q.type != "description"]
        assert {q.difficulty for q in scored} == {"easy", "medium", "hard"}, code

        # Each drawn category is tied to one of the course's learning outcomes, and has enough questions for
        # a pre-test and a post-test that do not repeat it.
        categories = {
            c.path: c
            for c in db.session.scalars(select(QuestionCategory).where(QuestionCategory.course_id == course.id))
        }
        sizes = {path: sum(1 for q in questions if q.category_id == c.id) for path, c in categories.items()}
        for path, count in spec["blueprint"].items():
            assert categories[path].outcome in course.outcomes, (code, path)
            assert sizes[path] >= 2 * count, (code, path)
        assert categories[WRITTEN].outcome in course.outcomes

        # Published: a pre-test in the first module, a post-test in the last, by blueprint.
        pre = queries.assessments_of(course.published_version_id, "pre")
        post = queries.assessments_of(course.published_version_id, "post")
        assert len(pre) == 1 and len(post) == 1, code
        structure = published_structure(course)
        (pre_key, pre_fields), (post_key, post_fields) = next(iter(pre.items())), next(iter(post.items()))
        assert structure.module_of_block[pre_key].key == structure.modules[0].key
        assert structure.module_of_block[post_key].key == structure.modules[-1].key
        blueprint = [{"category": path, "count": n} for path, n in spec["blueprint"].items()]
        assert [dict(d) for d in pre_fields["draws"]] == blueprint  # the snapshot is frozen
        assert [dict(d) for d in post_fields["draws"]] == [*blueprint, {"category": WRITTEN, "count": 1}]
    assert types == {t.name for t in items.all_types()}, "every item type is in one of the banks"


def test_the_simulated_cohorts_give_tens_of_matched_learners_who_gain_and_essays_to_grade(demo):
    for code in BANKS:
        course = courses.by_code(code)
        pairs = queries.pre_post_pairs(course.id)
        matched = [p for p in pairs if p.pre is not None and p.post is not None]
        assert len(matched) >= 10, code
        assert mean(p.post for p in matched) > mean(p.pre for p in matched) + 5, code
        assert max(p.pre for p in matched) - min(p.pre for p in matched) > 30, "scores spread"
        assert any(p.post is None for p in pairs), "some never took the post-test, or wait for grading"
        waiting = db.session.scalars(
            select(Attempt).where(Attempt.course_id == course.id, Attempt.needs_grading.is_(True))
        ).all()
        assert waiting and all(a.kind == "post" and a.mark is None for a in waiting), code
        # Attempts fall inside the cohort's time so far: none in the future, each learner's pre-test before
        # their post-test (an earlier intake's post-tests come before today's cohorts' pre-tests).
        times = db.session.execute(
            select(Attempt.user_id, Attempt.kind, Attempt.submitted_at).where(Attempt.course_id == course.id)
        ).all()
        assert max(at for _, _, at in times) < utcnow()
        pre_at = {user_id: at for user_id, kind, at in times if kind == "pre"}
        assert all(pre_at[user_id] < at for user_id, kind, at in times if kind == "post")

        # Who took the post-test had completed the modules it waits for (as the block requires of a real
        # learner), and every graded attempt is in the courseware's grades.
        structure = published_structure(course)
        tests = {a.usage_key for a in db.session.scalars(select(Attempt).where(Attempt.course_id == course.id))}
        holding = {structure.module_of_block[key].key for key in tests}
        taken_post = db.session.scalars(
            select(Attempt.user_id).where(Attempt.course_id == course.id, Attempt.kind == "post").distinct()
        ).all()
        for user_id in taken_post:
            done = {
                c.usage_key
                for c in db.session.scalars(
                    select(Completion).where(Completion.user_id == user_id, Completion.course_id == course.id)
                )
            }
            assert {m.key for m in structure.modules if m.key not in holding} <= done, (code, user_id)
        graded = db.session.execute(
            select(Attempt.user_id, Attempt.usage_key).where(Attempt.course_id == course.id, Attempt.mark.is_not(None))
        ).all()
        grades = set(db.session.execute(select(BlockGrade.user_id, BlockGrade.usage_key)).all())
        assert graded and set(graded) <= grades, code


def test_the_readmes_learners_find_their_courses_open_and_the_fresh_learner_finds_the_pre_test_first(
    client, auth, demo
):
    tvet, hospital = "TOT-ELEC-101", "HOSP-NRP-201"
    enrolled = {
        "learner": (tvet, hospital),
        "learner.kigali": (tvet,),
        "learner.musanze": (tvet,),
        "learner.tumba": (tvet,),
        "nurse": (hospital,),
    }
    for key, codes in enrolled.items():
        user = db.session.scalar(select(User).where(User.email == PERSON[key].email))
        for code in codes:
            course = courses.by_code(code)
            for module in published_structure(course).modules:
                assert lock_reason(user, course, module) is None, (key, code, module.title)

    course = courses.by_code("HOSP-NRP-201")
    structure = published_structure(course)
    fresh = db.session.scalar(select(User).where(User.email == PERSON[FRESH].email))
    assert lock_reason(fresh, course, structure.modules[0]) is None  # the pre-test's module
    assert all(lock_reason(fresh, course, module) for module in structure.modules[1:])

    # The learner opens a unit of a module after the pre-test; the fresh learner is refused it.
    unit = next(u for u in structure.units if u.title == "Dry, stimulate, assess")
    auth.login(PERSON["learner"].email, PERSON["learner"].password)
    assert client.get(f"/learn/HOSP-NRP-201/unit/{unit.key}").status_code == 200
    auth.logout()
    auth.login(PERSON[FRESH].email, PERSON[FRESH].password)
    assert client.get(f"/learn/HOSP-NRP-201/unit/{unit.key}").status_code != 200


def test_the_demo_makes_every_gain_and_item_report_meaningful(demo):
    """Issue 23 point 4: several cohorts across institutions and periods, both tracks, both genders, one cohort
    above the small-sample line and smaller ones flagged, a gain, and item analyses of the tests."""
    from assessments.reports.service import gain_report, gain_tests, item_report

    tracks = set()
    for code in BANKS:
        course = courses.by_code(code)
        report = gain_report(course)
        tracks.add(course.track)
        groups = {d: {g.key: g for g in report.breakdowns[d]} for d in report.breakdowns}
        assert len(groups["cohort"]) >= 2 and len(groups["institution"]) >= 2 and len(groups["period"]) >= 2, code
        assert {"female", "male"} <= set(groups["gender"]), code
        flagged = [g for g in groups["cohort"].values() if any(w.code == "small_sample" for w in g.gain.warnings)]
        assert flagged and len(flagged) < len(groups["cohort"]), code  # one small cohort at least, not all
        assert report.overall.gain.n >= 40 and report.overall.enrolled > report.overall.gain.n, code
        assert 0.2 < report.overall.gain.hake_g < 0.7 and report.overall.gain.p < 0.001, code
        # Both tests draw every blueprint category, each mapped to an outcome: the report has each one's gain.
        blueprinted = {BANKS[code]["outcomes"][category] for category in BANKS[code]["blueprint"]}
        assert blueprinted <= {o.outcome for o in report.outcomes}, code
        assert all(o.gain.n == report.overall.gain.n for o in report.outcomes if o.outcome in blueprinted), code
        for test in gain_tests(course):
            items = item_report(course, test.key)
            assert items.test.n >= 40 and len(items.items) >= 10, (code, test.kind)
            assert all(row.statistics.facility is not None for row in items.items)
    assert tracks == {"tvet_tot", "hospital"}
