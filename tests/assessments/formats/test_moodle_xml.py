"""Moodle XML (assessments/formats/moodle_xml/): categories, the common parts, embedded files, XML bombs
and external entities refused, broken XML and invalid grades reported with their lines, and write → read."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from defusedxml.ElementTree import fromstring

from assessments.formats import (
    Category,
    ExportError,
    FormatError,
    ImportedQuestion,
    moodle_xml,
    read_file,
    rewrite_files,
    write,
)
from tests.assessments.formats.conftest import need, without_ids

DATA = Path(__file__).parent / "data"
GREEN = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGNgaGAAIQgFAA4OAgFhGn2EAAAAAElFTkSuQmCC"
)
RED = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGM4wcAAAAJcAMlDyBJGAAAAAElFTkSuQmCC")


@pytest.fixture
def good(real_types):
    return read_file(DATA / "good.xml")


def test_questions_categories_lines_and_names(good):
    assert good.format == "moodlexml"
    assert [(q.line, q.category, q.name) for q in good.questions] == [
        (4, (), "Before any category"),
        (17, ("Electrical safety",), "Earth symbol"),
        (59, ("Electrical safety", "Tools/Instruments"), "Markdown text"),
        (67, ("Electrical safety", "Tools/Instruments"), "Plain text"),
        (75, ("Electrical safety", "Tools/Instruments"), "Old image tag"),
    ]
    assert good.categories == [
        Category(("Electrical safety",), "Earthing &amp; protection", 11),
        Category(("Electrical safety", "Tools/Instruments"), "<p>Meters and <strong>testers</strong></p>", 54),
    ]


def test_the_common_parts_of_a_question(good):
    earth = good.questions[1]
    definition = earth.definition
    assert definition["stem"] == (
        '<p>Which conductor does this symbol mark? <img src="@@PLUGINFILE@@/earth%20symbol.png" alt="symbol"></p>'
    )
    assert definition["general_feedback"] == '<p>See <img src="@@PLUGINFILE@@/diagrams/socket.png" alt="socket">.</p>'
    assert definition["default_mark"] == 2.0
    assert (earth.idnumber, earth.tags) == ("es-002", ("earthing", "pre-test"))
    assert [(c["text"], c["fraction"], c["feedback"]) for c in definition["choices"]] == [
        ("The protective earth", 1.0, "Right."),
        ("The neutral", -0.5, "The neutral has no symbol of its own."),
        ("The bonding conductor", 0.3333333, "Nearly."),
    ]
    assert definition["shuffle"] is False


def test_text_formats_become_html(good):
    markdown, plain, old = good.questions[2:]
    assert markdown.definition["stem"] == "<p>Which screwdriver is <strong>insulated</strong>?</p>"
    assert markdown.definition["general_feedback"] == "<p>Look for the <em>VDE</em> mark.</p>"  # the text's format
    assert plain.definition["stem"] == "Is 1 &lt; 2?<br>\nPick one."
    assert old.definition["stem"] == 'Which colour is this? <img src="@@PLUGINFILE@@/colours_red.png" alt="">'


def test_embedded_files_are_returned_and_their_references_left_for_the_caller(good):
    assert good.questions[0].files == {}
    assert good.questions[1].files == {"earth symbol.png": GREEN, "diagrams/socket.png": RED}
    assert good.questions[4].files == {"colours_red.png": RED}
    stored = rewrite_files(good.questions[1].definition, lambda path: f"/courses/TOT-ELEC-101/files/{path}")
    assert 'src="/courses/TOT-ELEC-101/files/earth symbol.png"' in stored["stem"]
    assert 'src="/courses/TOT-ELEC-101/files/diagrams/socket.png"' in stored["general_feedback"]
    assert "@@PLUGINFILE@@" in good.questions[1].definition["stem"]  # the result itself is left as it was


@pytest.mark.parametrize("name", ["bomb.xml", "external.xml"])
def test_entity_declarations_are_refused(real_types, name):
    with pytest.raises(FormatError) as caught:
        read_file(DATA / name)
    ((line, message),) = caught.value.errors
    assert line == 3
    assert message.startswith("The file declares XML entities, which are refused")


def test_a_dtd_without_entities_is_read(real_types):
    data = (DATA / "good.xml").read_bytes().replace(b"<quiz>", b"<!DOCTYPE quiz>\n<quiz>", 1)
    assert len(moodle_xml.read(data).questions) == 5


def test_broken_xml_names_its_line(real_types):
    with pytest.raises(FormatError) as caught:
        read_file(DATA / "broken.xml")
    assert caught.value.errors == [(5, "This is not well-formed XML: mismatched tag")]


def test_not_a_quiz(real_types):
    with pytest.raises(FormatError) as caught:
        moodle_xml.read(b'<?xml version="1.0"?>\n<course/>')
    assert caught.value.errors == [(2, "This is not a Moodle XML question file: its root is <course>, not <quiz>.")]


def test_invalid_grades_and_every_other_problem_with_their_lines(real_types):
    with pytest.raises(FormatError) as caught:
        read_file(DATA / "invalid.xml")
    assert caught.value.errors == [
        (6, "The grade 150 of this answer is not a percentage from -100 to 100."),
        (7, "The grade abc of this answer is not a percentage from -100 to 100."),
        (19, "The default grade -1 is not a number above 0."),
        (23, "Questions of Moodle's type calculated cannot be imported here."),
        (27, "This <question> has no type attribute."),
        (30, "one choice must be fully right (fraction 1)"),
        (39, "The embedded file a.png is not valid base64."),
        (40, "The embedded file name /../../etc/passwd is not allowed."),
    ]


def test_embedded_files_are_capped_each_and_together(real_types):
    data = (DATA / "good.xml").read_bytes()
    with pytest.raises(FormatError) as caught:
        moodle_xml.read(data, max_file_bytes=70)  # the green square is 71 bytes, the red one 69
    cap = f"{70 / 2**20:g}"
    assert caught.value.errors == [(23, f"The embedded file earth symbol.png is larger than {cap} MB.")]
    total = len(GREEN) + len(RED) + 10  # room for two of the three files
    with pytest.raises(FormatError) as caught:
        moodle_xml.read(data, max_total_bytes=total)
    assert caught.value.errors == [(79, f"The embedded files add up to more than {total / 2**20:g} MB.")]


def test_the_type_is_chosen_by_moodles_name_and_single(stub_types):
    result = moodle_xml.read((DATA / "types.xml").read_bytes())
    assert [(q.line, q.definition["type"]) for q in result.questions] == [
        (3, "multiple_response"),
        (11, "true_false"),
        (17, "short_answer"),
        (24, "numerical"),
        (29, "matching"),
        (37, "essay"),
        (43, "description"),
        (48, "fill_in"),
    ]
    essay, description = result.questions[5:7]
    assert essay.definition["default_mark"] == 5.0
    assert "default_mark" not in description.definition  # Moodle writes 0 for a description: not a mark
    assert result.questions[0].definition["answers"] == [("50", "Gloves"), ("50", "A face shield"), ("-100", "A ring")]


def test_a_multiple_response_question_needs_its_type(stub_types):
    del stub_types["multiple_response"]
    with pytest.raises(FormatError) as caught:
        moodle_xml.read((DATA / "types.xml").read_bytes())
    assert caught.value.errors == [(3, "This question allows several answers, a type this site does not have.")]


def test_the_real_types_read_moodles_questions(real_types):
    need(real_types, "multiple_response", "true_false", "short_answer", "numerical", "matching", "fill_in")
    need(real_types, "essay", "description")
    result = moodle_xml.read((DATA / "types.xml").read_bytes())
    again = moodle_xml.read(moodle_xml.write(result.questions))
    assert [without_ids(q.definition) for q in again.questions] == [without_ids(q.definition) for q in result.questions]


# -- writing -------------------------------------------------------------------------------------------


def test_round_trip_keeps_definitions_categories_and_files(good):
    out = write("moodlexml", good.questions, good.categories)
    again = moodle_xml.read(out)
    assert [without_ids(q.definition) for q in again.questions] == [without_ids(q.definition) for q in good.questions]
    keep = ("category", "name", "tags", "idnumber", "files")
    assert [[getattr(q, k) for k in keep] for q in again.questions] == [
        [getattr(q, k) for k in keep] for q in good.questions
    ]
    assert [(c.path, c.info) for c in again.categories] == [(c.path, c.info) for c in good.categories]


def test_files_are_embedded_in_every_area_that_names_them(real_types):
    single = real_types["single_choice"]
    definition = single.normalise(
        {
            "type": "single_choice",
            "stem": '<p><img src="@@PLUGINFILE@@/a%20b.png" alt="a"></p>',
            "general_feedback": '<img src="@@PLUGINFILE@@/a%20b.png" alt="again">',
            "choices": [
                {"text": '<img src="@@PLUGINFILE@@/sub/c.png" alt="c">', "fraction": 1},
                {"text": "no", "feedback": '<img src="@@PLUGINFILE@@/sub/c.png" alt="c">'},
            ],
        }
    )
    files = {"a b.png": GREEN, "sub/c.png": RED, "unused.txt": b"kept"}
    out = moodle_xml.write([ImportedQuestion(definition, name="Files", files=files)])
    root = fromstring(out)
    question = root.find("question")
    where = sorted(
        (parent.tag, file.get("path"), file.get("name"))
        for parent in question.iter()
        for file in parent.findall("file")
    )
    assert where == [
        ("answer", "/sub/", "c.png"),
        ("feedback", "/sub/", "c.png"),
        ("generalfeedback", "/", "a b.png"),
        ("questiontext", "/", "a b.png"),
        ("questiontext", "/", "unused.txt"),
    ]
    (again,) = moodle_xml.read(out).questions
    assert again.files == files


def test_write_refuses_what_moodle_xml_cannot_hold(stub_types):
    questions = [
        ImportedQuestion({"type": "single_choice", "stem": "ok", "answers": []}, name="Fine"),
        ImportedQuestion({"type": "hotspot", "stem": "where?"}, name="Hotspot"),
        ImportedQuestion({"type": "single_choice", "stem": '<img src="@@PLUGINFILE@@/gone.png">'}, name="Lost"),
    ]
    with pytest.raises(ExportError) as caught:
        moodle_xml.write(questions)
    assert caught.value.messages == [
        "Question 2 (Hotspot): its type hotspot is not known here.",
        "Question 3 (Lost): its text names files that were not given: gone.png.",
    ]


def test_the_written_file_has_what_moodle_requires(stub_types):
    out = moodle_xml.write(
        [ImportedQuestion({"type": "description", "stem": "<p>Read</p>"}, category=("A/B", "C"))],
        [Category(("A/B", "C"), "<p>About C</p>"), Category(("Empty",))],
    )
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    root = fromstring(out)
    categories = [q.findtext("category/text") for q in root.findall("question[@type='category']")]
    assert categories == ["$course$/top/A//B/C", "$course$/top/Empty"]
    description = root.find("question[@type='description']")
    assert description.findtext("name/text") == "Read"  # a name Moodle requires, from the text
    assert description.findtext("defaultgrade") == "0.0000000"
    again = moodle_xml.read(out)
    assert [(c.path, c.info) for c in again.categories] == [(("A/B", "C"), "<p>About C</p>"), (("Empty",), "")]
