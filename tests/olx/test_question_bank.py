"""A course archive carries the course's question bank (``assessments/archive.py``, a ``courses.olx.parts``
part): export → import as a new course gives the same bank, pre- and post-tests that work, fixed question
lists pointing at the new questions; a corrupt bank fails the whole import; Open edX archives are unchanged."""

from __future__ import annotations

import io
import json
import re
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assessments import archive as bank_archive
from assessments import bank, interchange
from assessments.models import Attempt, Question, QuestionCategory
from courses.models import Course
from courses.olx.errors import OlxError
from courses.olx.exporter import write_archive
from courses.olx.models import CourseOlxFile
from courses.studio import services as studio
from courses.versions import publish
from lms.db import db
from lms.xblock_host.keys import UsageKey
from tests.assessments.formats.conftest import without_ids
from tests.blocks.helpers import configure, handler_url
from tests.olx import olx_course
from tests.olx.test_import import draft_block

TYPES_XML = Path(__file__).parents[1] / "assessments" / "formats" / "data" / "types.xml"
OUTCOMES = "Isolate a circuit safely\nChoose the right protective equipment"


def archive_bytes(course, user) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    write_archive(course, user, out)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name.removeprefix("course/"): tar.extractfile(m).read() for m in tar if m.isfile()}


def repack(files: dict[str, bytes]) -> bytes:
    return olx_course.tar_gz(files)


def bank_of(course_id: int) -> list[tuple]:
    """Every question as what an author sees of it: type, category, outcome, title, tags, difficulty, content."""
    rows = db.session.execute(
        select(Question, QuestionCategory)
        .join(QuestionCategory, Question.category_id == QuestionCategory.id)
        .where(Question.course_id == course_id)
        .order_by(QuestionCategory.path, Question.title)
    ).all()
    return [
        (q.type, c.path, c.outcome, q.title, q.tags, q.difficulty, without_ids(q.current_version.definition))
        for q, c in rows
    ]


def categories_of(course_id: int) -> list[tuple[str, str]]:
    return [(c.path, c.outcome) for c in bank.categories(course_id)]


@pytest.fixture
def assessed_course(factory, author):
    """A course with a bank (every type Moodle XML holds, tags, difficulties, outcomes, an empty category),
    a pre-test drawing by category and a post-test with a fixed list of questions."""
    course = factory.course(owner=author, code="ELEC-BANK", title="Electrical safety")
    course.learning_outcomes = OUTCOMES
    interchange.import_file(course, TYPES_XML.read_bytes(), fmt="moodlexml", category="Safety/Isolation")
    made = bank.import_questions(
        course.id,
        [
            bank.NewQuestion(
                {
                    "type": "single_choice",
                    "stem": f"<p>Which glove, case {n}?</p>",
                    "choices": [{"text": "Rubber, rated", "fraction": 1}, {"text": "Leather"}],
                },
                category="Safety/PPE",
                title=f"Gloves {n}",
                tags=("ppe", "gloves"),
                difficulty=("easy", "medium", "hard")[n],
            )
            for n in range(3)
        ],
    )
    bank.category(course.id, "Safety/Isolation", "Isolate a circuit safely")
    bank.category(course.id, "Safety/PPE", "Choose the right protective equipment")
    bank.category(course.id, "Later", "")  # empty: still exported
    chapter = studio.add_block(course, course.root_key, "chapter", author, "Before you start")
    sequential = studio.add_block(course, chapter, "sequential", author, "Tests")
    unit = studio.add_block(course, sequential, "vertical", author, "Pre-test")
    pre = studio.add_block(course, unit, "assessment", author)
    configure(
        course,
        pre,
        author,
        {"display_name": "Pre-test", "kind": "pre", "draws": [{"category": "Safety/PPE", "count": 2}]},
    )
    post_unit = studio.add_block(course, sequential, "vertical", author, "Post-test")
    post = studio.add_block(course, post_unit, "assessment", author)
    configure(
        course, post, author, {"display_name": "Post-test", "kind": "post", "question_ids": [made[2].id, made[0].id]}
    )
    db.session.commit()
    return {"course": course, "pre": pre, "post": post, "fixed": [made[2].title, made[0].title]}


def test_the_archive_carries_the_bank(assessed_course, author):
    files = members(archive_bytes(assessed_course["course"], author))
    quiz = files["assessments/questions.xml"].decode()
    assert quiz.count('<question type="category">') == 3 and "$course$/top/Later" in quiz
    assert quiz.count("<idnumber>q") == 11  # 8 of types.xml, 3 gloves: each with the key fixed lists use
    description = json.loads(files["assessments/bank.json"])
    assert description["categories"] == {
        "Safety/Isolation": "Isolate a circuit safely",
        "Safety/PPE": "Choose the right protective equipment",
    }
    assert description["outcomes"] == OUTCOMES.splitlines()
    assert sorted(description["difficulty"].values()) == ["easy", "hard", "medium"]
    assert len(description["fixed"]) == 2  # the post-test's fixed list, by the exporting site's ids
    assert set(description["fixed"].values()) <= set(re.findall(r"<idnumber>(q\d+)</idnumber>", quiz))
    # a published export names the fixed lists of the published version
    publish(assessed_course["course"], author)
    db.session.commit()  # committed, as a publication is: its id is never used again (lms.caches)
    out = io.BytesIO()
    write_archive(assessed_course["course"], author, out, published=True)
    published = json.loads(members(out.getvalue())["assessments/bank.json"])
    assert published["fixed"] == description["fixed"]


def test_export_and_import_as_a_new_course_gives_the_same_bank_and_working_tests(
    assessed_course, author, import_bytes, factory, client, auth
):
    source = assessed_course["course"]
    result = import_bytes(archive_bytes(source, author), code="ELEC-BANK-2")
    copy = result.course
    assert bank_of(copy.id) == bank_of(source.id) and len(bank_of(copy.id)) == 11
    assert categories_of(copy.id) == categories_of(source.id)  # the empty category and outcomes too
    assert db.session.get(Course, copy.id).outcomes == OUTCOMES.splitlines()
    assert "11 questions were added to the course's question bank." in result.notes
    assert not any("check the assessment" in note for note in result.notes)
    # the part's files are read into the bank, not kept verbatim for the next export as unused files are
    kept = db.session.scalars(select(CourseOlxFile.path).where(CourseOlxFile.course_id == copy.id)).all()
    assert not any(path.startswith("assessments/") for path in kept)

    # the post-test's fixed list names the new course's questions, in its order
    post_key = str(UsageKey.make(copy.code, "assessment", UsageKey(assessed_course["post"]).block_id))
    post = draft_block(copy, author, post_key)
    fixed = [db.session.get(Question, qid) for qid in post.question_ids]
    assert [(q.course_id, q.title) for q in fixed] == [(copy.id, title) for title in assessed_course["fixed"]]

    # a learner starts the pre-test of the imported course, and it draws from the imported bank
    publish(copy, author)
    learner = factory.user("learner")
    factory.cohort(course=copy, learners=[learner])
    db.session.commit()
    pre_key = str(UsageKey.make(copy.code, "assessment", UsageKey(assessed_course["pre"]).block_id))
    unit = draft_block(copy, author, pre_key).parent
    auth.login(learner)
    page = client.get(f"/learn/{copy.code}/unit/{unit}").get_data(as_text=True)
    assert pre_key in page
    assert "cannot draw" not in page
    response = client.post(
        handler_url(page, pre_key, "start"), headers={"Referer": f"http://localhost/learn/{copy.code}/unit/{unit}"}
    )
    assert response.status_code == 303
    attempt = db.session.scalars(select(Attempt).where(Attempt.user_id == learner.id)).one()
    drawn = {answer.version.question_id for answer in attempt.answers}
    assert len(drawn) == 2
    assert {db.session.get(Question, qid).course_id for qid in drawn} == {copy.id}
    assert "Which glove" in client.get(f"/learn/{copy.code}/unit/{unit}").get_data(as_text=True)


def _counts() -> dict[str, int]:
    db.session.rollback()
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Course, Question, QuestionCategory)
    }


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda xml: xml.replace("</quiz>", "<question type='truefalse'>", 1),
            r"assessments/questions\.xml: line \d+: This is not well-formed XML",
        ),
        (
            lambda xml: re.sub(r'fraction="100"', 'fraction="250"', xml, count=1),
            r"assessments/questions\.xml: line \d+: The grade 250 of this answer is not a percentage",
        ),
    ],
)
def test_a_corrupt_bank_fails_the_whole_import(assessed_course, author, import_bytes, change, expected):
    files = members(archive_bytes(assessed_course["course"], author))
    files["assessments/questions.xml"] = change(files["assessments/questions.xml"].decode()).encode()
    before = _counts()
    with pytest.raises(OlxError) as caught:
        import_bytes(repack(files), code="ELEC-BANK-2")
    assert re.search(expected, caught.value.message), caught.value.message
    assert _counts() == before


def test_a_bad_bank_description_names_its_line_and_imports_nothing(assessed_course, author, import_bytes):
    files = members(archive_bytes(assessed_course["course"], author))
    files["assessments/bank.json"] = b'{\n  "format": 1,\n  "categories": {,}\n}\n'
    before = _counts()
    with pytest.raises(OlxError, match=r"assessments/bank\.json: line 3: "):
        import_bytes(repack(files), code="ELEC-BANK-2")
    files["assessments/bank.json"] = b'{"difficulty": {"q1": "impossible"}}'
    with pytest.raises(OlxError, match="does not describe a question bank"):
        import_bytes(repack(files), code="ELEC-BANK-2")
    assert _counts() == before


def test_a_failure_after_the_bank_is_written_deletes_it(assessed_course, author, import_bytes, monkeypatch):
    from courses.olx import writer

    written = []

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003
        written.append(db.session.scalar(select(func.count()).select_from(Question)))
        raise RuntimeError("disk full")

    before = _counts()
    data = archive_bytes(assessed_course["course"], author)
    monkeypatch.setattr(writer, "insert_batch", broken)  # the blocks' rows, written after the bank's
    with pytest.raises(RuntimeError):
        import_bytes(data, code="ELEC-BANK-2")
    assert written == [before["question"] + 11]  # the bank was written, hidden, when the failure came
    assert _counts() == before


def test_fixed_questions_missing_from_the_archive_are_dropped_and_reported(assessed_course, author, import_bytes):
    files = members(archive_bytes(assessed_course["course"], author))
    post_id = UsageKey(assessed_course["post"]).block_id
    # as an archive made before banks travelled: blocks, no bank
    files = {path: data for path, data in files.items() if not path.startswith("assessments/")}
    result = import_bytes(repack(files), code="ELEC-BANK-2")
    assert bank_of(result.course.id) == []
    post = draft_block(result.course, author, str(UsageKey.make("ELEC-BANK-2", "assessment", post_id)))
    assert post.question_ids == []  # never another course's question, nor one a later question reuses the id of
    assert any("“Post-test” lists 2 questions that are not in the archive's question bank" in n for n in result.notes)
    assert any("“Pre-test” draws from the category “Safety/PPE”" in n for n in result.notes)


def test_an_open_edx_archive_imports_as_before(import_bytes):
    result = import_bytes(olx_course.archive())
    assert bank_of(result.course.id) == [] and bank.categories(result.course.id) == []
    assert result.notes == []


def test_a_course_without_a_bank_exports_no_bank_files(factory, author):
    course = factory.course(owner=author)
    assert not any(path.startswith("assessments/") for path in members(archive_bytes(course, author)))


def test_importing_into_a_course_that_has_a_bank_adds_questions_and_merges_categories(assessed_course, author, factory):
    files = members(archive_bytes(assessed_course["course"], author))
    target = factory.course(owner=author, code="OTHER")
    target.learning_outcomes = "Choose the right protective equipment"
    bank.category(target.id, "Safety/PPE", "Already chosen")  # its outcome stays
    bank.add_question(
        target.id, bank.NewQuestion({"type": "true_false", "stem": "<p>Mine</p>", "answer": True}, category="Mine")
    )
    db.session.commit()
    bank_files = {p: d for p, d in files.items() if p.startswith("assessments/")}
    prepared = bank_archive.prepare(bank_files, [])
    for _step in bank_archive.write(target.id, prepared, []):
        pass
    db.session.commit()
    assert len(bank_of(target.id)) == 12  # its one, and the archive's 11
    assert categories_of(target.id) == [
        ("Later", ""),
        ("Mine", ""),
        ("Safety/Isolation", "Isolate a circuit safely"),
        ("Safety/PPE", "Already chosen"),
    ]
    assert db.session.get(Course, target.id).outcomes == [
        "Choose the right protective equipment",
        "Isolate a circuit safely",
    ]
    for _step in bank_archive.write(target.id, bank_archive.prepare(bank_files, []), []):
        pass
    assert len(bank_of(target.id)) == 23  # questions are added again: an import never replaces


def test_the_studio_job_and_the_command_tell_the_author_what_needs_a_look(
    app, assessed_course, author, client, auth, tmp_path
):
    from tests.olx.test_cli_and_views import job_id_of, upload

    files = members(archive_bytes(assessed_course["course"], author))
    files["assessments/bank.json"] = re.sub(rb'"fixed": \{[^}]*\}', b'"fixed": {}', files["assessments/bank.json"])
    data = repack(files)
    auth.login(author)
    job_id = job_id_of(upload(client, data, code="ELEC-JOB"))
    html = client.get(f"/studio/imports/{job_id}").get_data(as_text=True)
    assert "11 questions were added to the course&#39;s question bank." in html
    assert "lists 2 questions that are not in the archive&#39;s question bank" in html

    archive = tmp_path / "bank.tar.gz"
    archive.write_bytes(data)
    args = ["import-olx", str(archive), "--author", author.email, "--code", "ELEC-CLI"]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "  11 questions were added to the course's question bank." in result.output
    assert "“Post-test” lists 2 questions that are not in the archive's question bank" in result.output


def test_the_pictures_of_questions_travel_as_course_files(factory, author, import_bytes):
    from courses.assets import assets_of

    course = factory.course(owner=author, code="PICS")
    good = TYPES_XML.parent / "good.xml"
    assert interchange.import_file(course, good.read_bytes(), fmt="moodlexml").files == 3
    db.session.commit()
    copy = import_bytes(archive_bytes(course, author), code="PICS-2").course
    names = {asset.filename for asset in assets_of(copy)}
    stems = " ".join(str(definition) for *_rest, definition in bank_of(copy.id))
    assert len(names) == 3 and all(f"/static/{name}" in stems for name in names)
    assert bank_of(copy.id) == bank_of(course.id)
