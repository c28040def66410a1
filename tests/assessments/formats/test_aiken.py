"""Aiken (assessments/formats/aiken.py): Moodle's rules, the categories of errors of Moodle's own broken
fixture (too few choices, a choice before any question, an unfinished question, ``A)Text`` accepted),
each with its line, and write → read."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments.formats import ExportError, FormatError, ImportedQuestion, aiken, read_file

DATA = Path(__file__).parent / "data"


def test_the_good_file(real_types):
    result = read_file(DATA / "good.aiken")
    assert result.format == "aiken" and result.categories == []
    summary = [
        (q.line, q.name, q.definition["stem"], [(c["text"], c["fraction"]) for c in q.definition["choices"]])
        for q in result.questions
    ]
    assert summary == [
        (
            1,
            "Which conductor colour is the protective earth?",
            "Which conductor colour is the protective earth?",
            [("Brown", 0.0), ("Blue", 0.0), ("Green and yellow", 1.0), ("Grey", 0.0)],
        ),
        (
            8,
            "What does RCD stand for?",
            "What does RCD stand for?",
            [("Residual current device", 1.0), ("Remote control device", 0.0), ("Rated current divider", 0.0)],
        ),
        # Plain text is escaped; "A)24 V" without a space is a choice, as in current Moodle.
        (
            14,
            "Which is < 50 V & safe to touch when dry?",
            "Which is &lt; 50 V &amp; safe to touch when dry?",
            [("24 V", 1.0), ("230 V", 0.0)],
        ),
    ]
    assert all(q.definition["type"] == "single_choice" for q in result.questions)


def test_every_error_of_the_broken_file_with_its_line(real_types):
    with pytest.raises(FormatError) as caught:
        aiken.read((DATA / "errors.aiken").read_bytes())
    assert caught.value.errors == [
        (1, "This question has fewer than two choices."),
        (5, "This choice comes before any question."),
        (7, "This ANSWER: line has no question before it."),
        (14, "This question is not finished: it has no ANSWER: line (a question's text is one line)."),
        (26, "The answer E is not one of the choices A to B."),
        (31, "Write the answer line as ANSWER: and the letter, in capitals."),
    ]


def test_the_two_good_questions_of_the_broken_file_are_read_alone(real_types):
    text = (DATA / "errors.aiken").read_text()
    good = text[text.index("A good question") : text.index("A question started")]
    good += text[text.index("A second good question") : text.index("A question whose answer")]
    result = aiken.read(good)
    assert [[c["fraction"] for c in q.definition["choices"]] for q in result.questions] == [[1.0, 0.0], [0.0, 1.0]]
    assert result.questions[1].definition["choices"][1]["text"] == "Right (no space after the letter)"


def test_a_question_left_open_at_the_end_and_lines_split_by_cr(real_types):
    with pytest.raises(FormatError) as caught:
        aiken.read(b"Q one?\rA) a\rB) b\rANSWER: A\r\rQ two?\rA) a\rB) b\r")
    assert caught.value.errors == [(6, "This question is not finished: it has no ANSWER: line.")]


def test_round_trip(real_types):
    single = real_types["single_choice"]
    questions = [
        ImportedQuestion(
            single.normalise(
                {
                    "type": "single_choice",
                    "stem": "Is 1 &lt; 2 &amp; true?",
                    "choices": [
                        {"text": f"Choice {letter}", "fraction": int(letter == "Z")}
                        for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    ],
                }
            ),
            name="Is 1 < 2 & true?",
        )
    ]
    text = aiken.write(questions)
    assert text.splitlines()[0] == "Is 1 < 2 & true?"
    assert text.splitlines()[-1] == "ANSWER: Z"
    (again,) = aiken.read(text).questions
    strip = [{k: v for k, v in c.items() if k != "id"} for c in again.definition["choices"]]
    assert strip == [{k: v for k, v in c.items() if k != "id"} for c in questions[0].definition["choices"]]
    assert again.definition["stem"] == questions[0].definition["stem"]


def test_write_refuses_what_aiken_cannot_hold(real_types):
    single = real_types["single_choice"]

    def item(**changes):
        data = {"type": "single_choice", "stem": "Which?", "choices": [{"text": "a", "fraction": 1}, {"text": "b"}]}
        return ImportedQuestion(single.normalise({**data, **changes}), name="q")

    questions = [
        item(),
        ImportedQuestion({"type": "essay", "stem": "Why?"}, name="essay"),
        item(choices=[{"text": str(i), "fraction": int(i == 0)} for i in range(27)]),
        item(choices=[{"text": "a", "fraction": 1}, {"text": "b", "fraction": 0.5}]),
        item(choices=[{"text": "a", "fraction": 1, "feedback": "yes"}, {"text": "b"}]),
        item(stem="A) looks like a choice"),
    ]
    with pytest.raises(ExportError) as caught:
        aiken.write(questions)
    assert caught.value.messages == [
        "Question 2 (essay): Aiken holds single-choice questions only, not essay.",
        "Question 3 (q): Aiken holds at most 26 choices, this question has 27.",
        "Question 4 (q): Aiken has one right choice and no partial credit.",
        "Question 5 (q): Aiken has no feedback, and this question has some.",
        "Question 6 (q): its text would be read back as a choice or an answer line.",
    ]
