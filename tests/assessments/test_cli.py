"""``lms import-questions`` / ``lms export-questions``: all or nothing with line-numbered errors, the summary
line, and an export that imports back to the same questions."""

from __future__ import annotations

from sqlalchemy import func, select

from assessments.models import Question, QuestionCategory
from lms.db import db

GOOD = """// A small bank
$CATEGORY: $course$/Safety

::Earth::Which colour is the protective earth? {=green-and-yellow ~blue#Blue is neutral ~brown}

::Isolation::Before working on a circuit you must… {=isolate it ~%50%switch it off ~touch it}

$CATEGORY: $course$/Wiring

::Fuse::What does a fuse protect first? {=the cable ~the appliance ~the user}
"""

BAD = """::One::Good question {=a ~b}

::Two::Broken {=a ~b

::Three::Only one choice {~a}
"""


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Question))


def test_an_import_prints_what_it_created_and_files_the_categories(app, factory, tmp_path):
    course = factory.course(code="ELEC-1")
    db.session.commit()
    path = tmp_path / "bank.gift"
    path.write_text(GOOD, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-questions", str(path), "--course", "elec-1"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Imported 3 questions into ELEC-1"
    db.session.expire_all()
    paths = sorted(db.session.scalars(select(QuestionCategory.path).where(QuestionCategory.course_id == course.id)))
    assert paths == ["Safety", "Wiring"] and _count() == 3


def test_a_broken_file_imports_nothing_and_names_each_line(app, factory, tmp_path):
    factory.course(code="ELEC-1")
    db.session.commit()
    path = tmp_path / "bad.gift"
    path.write_text(BAD, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-questions", str(path), "--course", "ELEC-1"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 3", "line 5"], result.stderr
    db.session.expire_all()
    assert _count() == 0


def test_an_unknown_course_is_a_usage_error(app, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text(GOOD, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-questions", str(path), "--course", "NOPE"])
    assert result.exit_code == 2 and "no course with code" in result.output


def test_an_export_imports_back_to_the_same_questions(app, factory, tmp_path):
    from assessments import bank

    source, target = factory.course(code="ELEC-1"), factory.course(code="ELEC-2")
    db.session.commit()
    path = tmp_path / "bank.gift"
    path.write_text(GOOD, encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import-questions", str(path), "--course", "ELEC-1"]).exit_code == 0
    for fmt in ("gift", "moodlexml"):
        out = tmp_path / f"export.{fmt}"
        exported = runner.invoke(args=["export-questions", "--course", "ELEC-1", "--format", fmt, "--out", str(out)])
        assert exported.exit_code == 0, exported.output
        again = runner.invoke(args=["import-questions", str(out), "--course", "ELEC-2", "--format", fmt])
        assert again.exit_code == 0, again.output
    db.session.expire_all()

    def bank_of(course):
        rows = db.session.execute(
            select(Question.title, QuestionCategory.path, Question.current_version_id)
            .join(QuestionCategory, Question.category_id == QuestionCategory.id)
            .where(Question.course_id == course.id)
        ).all()
        result = []
        for title, category, version_id in rows:
            from assessments.models import QuestionVersion

            definition = db.session.get(QuestionVersion, version_id).definition
            choices = sorted((c["text"], c["fraction"], c["feedback"]) for c in definition["choices"])
            result.append((title, category, definition["stem"], tuple(choices)))
        return sorted(result)

    original = bank_of(source)
    imported_twice = bank_of(target)
    assert imported_twice == sorted(original + original)  # the GIFT and the Moodle XML export: both the same
    assert len(bank.categories(target.id)) == 2
