"""Item types in the interchange formats: each reads its part of GIFT (the answer block) and of Moodle XML
(a ``<question>`` element), and writing then reading gives an item that scores the same."""

from __future__ import annotations

import copy
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

import pytest
from defusedxml.ElementTree import fromstring

from assessments import items
from assessments.items import ItemInvalid
from tests.assessments.helpers import fraction, ids_by_text, make

# -- helpers -------------------------------------------------------------------------------------------------


def from_gift(type_name: str, block: str, stem: str = "<p>The question?</p>") -> dict[str, Any]:
    item_type = items.get(type_name)
    return item_type.normalise({"stem": stem, **item_type.from_gift(block, stem)})


def gift_round_trip(item: dict[str, Any]) -> dict[str, Any]:
    item_type = items.get(item["type"])
    part = item_type.from_gift(item_type.to_gift(item), item["stem"])
    return item_type.normalise({"stem": item["stem"], "default_mark": item["default_mark"], **part})


def xml_question(item: dict[str, Any]) -> Element:
    """A ``<question>`` as the Moodle XML writer makes it: the caller's part, then the type's."""
    item_type = items.get(item["type"])
    question = Element("question", type=item_type.moodle_qtype)
    SubElement(SubElement(question, "name"), "text").text = "Q"
    SubElement(SubElement(question, "questiontext", format="html"), "text").text = item["stem"]
    SubElement(SubElement(question, "generalfeedback", format="html"), "text").text = item["general_feedback"]
    item_type.to_moodle_xml(item, question)
    return question


def read_xml(type_name: str, xml: str) -> dict[str, Any]:
    """A definition from a ``<question>`` as the Moodle XML reader makes it (the type's ``stem`` wins)."""
    question = fromstring(xml)
    item_type = items.get(type_name)
    common = {
        "stem": question.findtext("questiontext/text", ""),
        "general_feedback": question.findtext("generalfeedback/text", ""),
    }
    return item_type.normalise({**common, **item_type.from_moodle_xml(question)})


def xml_round_trip(item: dict[str, Any]) -> dict[str, Any]:
    return read_xml(item["type"], tostring(xml_question(item), encoding="unicode"))


def without_ids(item: dict[str, Any]) -> dict[str, Any]:
    """The definition with its generated ids left out: a matching pair names its answer by text, a gap is
    known by its place in the stem."""
    item = copy.deepcopy(item)
    if item["type"] == "matching":
        texts = {a["id"]: a["text"] for a in item["answers"]}
        for sub in item["subquestions"]:
            sub["answer"] = texts[sub["answer"]]
        item["answers"] = sorted(a["text"] for a in item["answers"])

    if item["type"] == "fill_in":  # gaps numbered in the stem's order (Cloze has no names for them)
        for number, gap in enumerate(item["gaps"], 1):
            item["stem"] = item["stem"].replace(f"[[{gap['id']}]]", f"[[#{number}]]")

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "id"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(item)


def samples() -> list[dict[str, Any]]:
    return [
        make(
            "single_choice",
            choices=[
                {"text": "Earth", "fraction": 1, "feedback": "<p>Yes: it is the <b>protective</b> conductor.</p>"},
                {"text": "Neutral", "fraction": 0.5},
                {"text": "Phase {L1}: 230 V = danger", "fraction": -0.25, "feedback": "No # never"},
            ],
            general_feedback="<p>Green-yellow is always earth.</p>",
        ),
        make(
            "multiple_response",
            choices=[
                {"text": "Copper", "fraction": 0.3333333, "feedback": "conducts"},  # a third as Moodle keeps it
                {"text": "Aluminium", "fraction": 0.3333333},
                {"text": "Silver", "fraction": 0.3333333},
                {"text": "Rubber", "fraction": -1, "feedback": "insulates"},
                {"text": "Glass"},
            ],
        ),
        make("true_false", answer=True, feedback_true="Right", feedback_false="Wrong: it is true"),
        make("true_false", answer=False, feedback_false="Right"),
        make(
            "short_answer",
            answers=[
                {"text": "Ohm's law", "feedback": "Good"},
                {"text": "ohm*", "fraction": 0.5},
                {"text": "V = I × R: a \\* b", "fraction": 0.75},
            ],
        ),
        make(
            "numerical",
            answers=[
                {"value": 1822, "feedback": "Exact"},
                {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "Close"},
                {"min": 0.1, "max": 0.3, "fraction": 0.25},
                {"other": True, "fraction": 0, "feedback": "Not even close"},
            ],
        ),
        make("numerical", answers=[{"value": 3.14, "tolerance": 0.01}]),
        make(
            "matching",
            subquestions=[
                {"text": "Brown", "answer_text": "Phase"},
                {"text": "Blue", "answer_text": "Neutral"},
                {"text": "Green-yellow -> stripes", "answer_text": "Earth: PE"},
            ],
            answers=[{"text": "Switch wire"}],
        ),
        make(
            "fill_in",
            stem="<p>Moodle costs [[1]] to download.</p>",
            gaps=[
                {
                    "id": "1",
                    "kind": "choice",
                    "choices": [
                        {"text": "lots", "feedback": "No"},
                        {"text": "nothing", "fraction": 1},
                        {"text": "a bit", "fraction": 0.5},
                    ],
                }
            ],
        ),
        make(
            "fill_in",
            stem="<p>The capital is [[a1]].</p>",
            gaps=[{"id": "a1", "kind": "text", "answers": [{"text": "Kigali"}]}],
        ),
        make("essay", general_feedback="<p>See the guide.</p>"),
        make("description", stem="<p>Read the case below.</p>"),
    ]


# -- GIFT: the answer blocks of Moodle's documented forms ----------------------------------------------------


def test_gift_multiple_response_and_its_penalties():
    item = from_gift("multiple_response", "~%50%Copper#Yes ~%50%Aluminium ~%-100%Rubber#Insulator ~Glass")
    assert [(c["text"], c["fraction"], c["feedback"]) for c in item["choices"]] == [
        ("Copper", 0.5, "Yes"),
        ("Aluminium", 0.5, ""),
        ("Rubber", -1.0, "Insulator"),
        ("Glass", 0.0, ""),
    ]
    ids = ids_by_text(item["choices"])
    assert fraction(item, [ids["Copper"], ids["Rubber"]]) == 0


def test_gift_true_false_forms_and_feedback_order():
    assert from_gift("true_false", "T")["answer"] is True
    assert from_gift("true_false", "TRUE")["answer"] is True
    item = from_gift("true_false", "FALSE#No, it is 230 V.#Right. ####Mains in Rwanda")
    assert item["answer"] is False
    assert item["feedback_true"] == "No, it is 230 V."  # the first feedback is for a wrong answer
    assert item["feedback_false"] == "Right."
    assert item["general_feedback"] == "Mains in Rwanda"
    with pytest.raises(ItemInvalid):
        from_gift("true_false", "maybe")


def test_gift_short_answer_with_weights_escapes_and_a_bare_answer():
    item = from_gift("short_answer", r"=Kigali =%50%Kgl#Abbreviated =1\:2 \= 0.5 ####General")
    assert [(a["text"], a["fraction"], a["feedback"]) for a in item["answers"]] == [
        ("Kigali", 1.0, ""),
        ("Kgl", 0.5, "Abbreviated"),
        ("1:2 = 0.5", 1.0, ""),
    ]
    assert item["general_feedback"] == "General"
    assert [a["text"] for a in from_gift("short_answer", "Paris")["answers"]] == ["Paris"]


def test_gift_numerical_forms():
    tolerance = from_gift("numerical", "#3.1415:0.0005")
    assert tolerance["answers"][0] | {"id": None} == {
        "id": None,
        "value": 3.1415,
        "tolerance": 0.0005,
        "fraction": 1.0,
        "feedback": "",
    }
    assert fraction(tolerance, ["3.1410"]) == 1 and fraction(tolerance, ["3.1409"]) == 0
    span = from_gift("numerical", "#3.141..3.142")
    assert (span["answers"][0]["min"], span["answers"][0]["max"]) == (3.141, 3.142)
    several = from_gift("numerical", "# =1822:0 #Exact =%50%1822:2 #Close ~#Not even close")
    assert [(a.get("value"), a["fraction"], a["feedback"]) for a in several["answers"]] == [
        (1822.0, 1.0, "Exact"),
        (1822.0, 0.5, "Close"),
        (None, 0.0, "Not even close"),
    ]
    assert several["answers"][2]["other"] is True
    assert from_gift("numerical", "#1822")["answers"][0]["tolerance"] == 0
    with pytest.raises(ItemInvalid):
        from_gift("numerical", "#twelve")
    with pytest.raises(ItemInvalid):
        from_gift("numerical", "1822")


def test_gift_matching_with_a_distractor():
    item = from_gift("matching", "=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo = -> Kigali ####Capitals")
    assert [s["text"] for s in item["subquestions"]] == ["Canada", "Italy", "Japan"]
    assert sorted(a["text"] for a in item["answers"]) == ["Kigali", "Ottawa", "Rome", "Tokyo"]
    assert item["general_feedback"] == "Capitals"
    with pytest.raises(ItemInvalid):
        from_gift("matching", "=Canada Ottawa =Italy -> Rome")


def test_gift_missing_word_takes_the_marker_or_moodles_blank():
    item = from_gift("fill_in", "~lots of money =nothing ~a small amount", stem="Moodle costs [[1]] to download.")
    assert item["stem"] == "Moodle costs [[1]] to download."
    assert [c["text"] for c in item["gaps"][0]["choices"]] == ["lots of money", "nothing", "a small amount"]
    blank = from_gift("fill_in", "~lots =nothing", stem="Moodle costs _____ to download.")
    assert blank["stem"] == "Moodle costs [[1]] to download."
    typed = from_gift("fill_in", "=Kigali =%50%Kgl", stem="The capital is [[1]].")
    assert typed["gaps"][0]["kind"] == "text" and fraction(typed, ["kgl"]) == 0.5
    with pytest.raises(ItemInvalid):
        from_gift("fill_in", "~a =b", stem="No gap here.")
    with pytest.raises(ItemInvalid):
        from_gift("fill_in", "#12", stem="It is [[1]] volts.")


def test_gift_essay_and_description():
    assert from_gift("essay", "")["general_feedback"] == ""
    assert from_gift("essay", "####A model answer")["general_feedback"] == "A model answer"
    with pytest.raises(ItemInvalid):
        from_gift("essay", "=something")
    assert items.get("description").to_gift(make("description")) == ""


@pytest.mark.parametrize("index", range(len(samples())))
def test_gift_round_trip_gives_the_same_item(index):
    item = samples()[index]
    assert without_ids(gift_round_trip(item)) == without_ids(item)


def test_gift_round_trip_scores_thirds_and_weights_the_same():
    item = samples()[1]
    again = gift_round_trip(item)
    for texts in (("Copper", "Aluminium", "Silver"), ("Copper",), ("Copper", "Silver", "Rubber")):
        before = fraction(item, [ids_by_text(item["choices"])[t] for t in texts])
        after = fraction(again, [ids_by_text(again["choices"])[t] for t in texts])
        assert after == pytest.approx(before, abs=1e-9)
    assert fraction(again, [ids_by_text(again["choices"])[t] for t in ("Copper", "Aluminium", "Silver")]) == 1


def test_gift_cannot_write_what_would_score_differently():
    with_units = make("numerical", answers=[{"value": 3.5}], units=[{"unit": "m", "multiplier": 1}])
    case = make("short_answer", answers=[{"text": "pH"}], case_sensitive=True)
    two_gaps = make(
        "fill_in",
        stem="[[1]] and [[2]]",
        gaps=[{"id": n, "kind": "text", "answers": [{"text": "x"}]} for n in ("1", "2")],
    )
    order = make("ordering", items=[{"text": "a"}, {"text": "b"}])
    for item in (with_units, case, two_gaps, order):
        with pytest.raises(NotImplementedError):
            items.get(item["type"]).to_gift(item)


def test_gift_missing_word_stem_splits_where_the_block_goes():
    from assessments.items.fill_in import split_stem

    assert split_stem(samples()[8]) == ("<p>Moodle costs ", " to download.</p>")


# -- Moodle XML ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(samples())))
def test_moodle_xml_round_trip_gives_the_same_item(index):
    item = samples()[index]
    again = xml_round_trip(item)
    if item["type"] == "numerical":  # Moodle has no range: min..max comes back as middle ± half
        for typed in ("0.1", "0.3", "0.2", "0.0999", "0.3001", "1822", "1823", "1825", "5", "x"):
            assert fraction(again, [typed]) == fraction(item, [typed]), typed
        return
    assert without_ids(again) == without_ids(item)


def test_moodle_xml_numerical_keeps_units_and_the_unit_rule():
    item = make(
        "numerical",
        answers=[{"value": 3.5, "tolerance": 0.05}],
        units=[{"unit": "m", "multiplier": 1}, {"unit": "cm", "multiplier": 100}],
        unit_required=True,
        unit_penalty=0.2,
    )
    again = xml_round_trip(item)
    assert without_ids(again) == without_ids(item)
    assert fraction(again, ["355 cm"]) == 1 and fraction(again, ["3.5"]) == pytest.approx(0.8)


def test_moodle_xml_ordering_keeps_the_order_and_grading():
    item = make("ordering", items=[{"text": t} for t in ("Isolate", "Lock", "Test")], grading="absolute_position")
    question = xml_question(item)
    assert question.findtext("gradingtype") == "ABSOLUTE_POSITION"
    assert [a.get("fraction") for a in question.findall("answer")] == ["1", "2", "3"]
    assert without_ids(xml_round_trip(item)) == without_ids(item)


MOODLE_EXPORTS = {
    "multiple_response": """
<question type="multichoice">
  <name><text>Conductors</text></name>
  <questiontext format="html"><text><![CDATA[<p>Which conduct?</p>]]></text></questiontext>
  <generalfeedback format="html"><text></text></generalfeedback>
  <defaultgrade>1.0000000</defaultgrade>
  <single>false</single>
  <shuffleanswers>true</shuffleanswers>
  <answernumbering>abc</answernumbering>
  <answer fraction="33.33333" format="html"><text>Copper</text><feedback format="html"><text>Yes</text></feedback></answer>
  <answer fraction="33.33333" format="html"><text>Silver</text><feedback format="html"><text></text></feedback></answer>
  <answer fraction="33.33333" format="html"><text>Gold</text><feedback format="html"><text></text></feedback></answer>
  <answer fraction="-100" format="html"><text>Rubber</text><feedback format="html"><text>No</text></feedback></answer>
</question>""",
    "true_false": """
<question type="truefalse">
  <questiontext format="html"><text>Mains is 230 V in Rwanda.</text></questiontext>
  <answer fraction="0" format="moodle_auto_format"><text>true</text><feedback format="html"><text>Wrong</text></feedback></answer>
  <answer fraction="100" format="moodle_auto_format"><text>false</text><feedback format="html"><text>Right</text></feedback></answer>
</question>""",
    "short_answer": """
<question type="shortanswer">
  <questiontext format="html"><text>Symbol of acidity?</text></questiontext>
  <usecase>1</usecase>
  <answer fraction="100" format="moodle_auto_format"><text>pH</text><feedback format="html"><text>Yes</text></feedback></answer>
  <answer fraction="0" format="moodle_auto_format"><text>*</text><feedback format="html"><text>Mind the case</text></feedback></answer>
</question>""",
    "numerical": """
<question type="numerical">
  <questiontext format="html"><text>Cable length?</text></questiontext>
  <answer fraction="100" format="moodle_auto_format"><text>3.5</text><feedback format="html"><text>Yes</text></feedback>
    <tolerance>0.1</tolerance></answer>
  <answer fraction="0" format="moodle_auto_format"><text>*</text><feedback format="html"><text>Measure again</text></feedback>
    <tolerance>0</tolerance></answer>
  <units><unit><multiplier>1</multiplier><unit_name>m</unit_name></unit>
    <unit><multiplier>100</multiplier><unit_name>cm</unit_name></unit></units>
  <unitgradingtype>1</unitgradingtype>
  <unitpenalty>0.1000000</unitpenalty>
  <showunits>0</showunits>
  <unitsleft>0</unitsleft>
</question>""",
    "matching": """
<question type="matching">
  <questiontext format="html"><text>Match the colours.</text></questiontext>
  <shuffleanswers>true</shuffleanswers>
  <subquestion format="html"><text><![CDATA[<p>Brown</p>]]></text><answer><text>Phase</text></answer></subquestion>
  <subquestion format="html"><text><![CDATA[<p>Blue</p>]]></text><answer><text>Neutral</text></answer></subquestion>
  <subquestion format="html"><text></text><answer><text>Switch wire</text></answer></subquestion>
</question>""",
    "essay": """
<question type="essay">
  <questiontext format="html"><text>Describe a safe isolation.</text></questiontext>
  <responseformat>editor</responseformat>
  <responserequired>1</responserequired>
  <responsefieldlines>15</responsefieldlines>
  <minwordlimit></minwordlimit>
  <maxwordlimit>200</maxwordlimit>
  <attachments>0</attachments>
  <graderinfo format="html"><text><![CDATA[<p>Isolate, lock, test.</p>]]></text></graderinfo>
  <responsetemplate format="html"><text></text></responsetemplate>
</question>""",
    "description": """
<question type="description">
  <questiontext format="html"><text><![CDATA[<p>Read the case.</p>]]></text></questiontext>
  <defaultgrade>0</defaultgrade>
</question>""",
    "fill_in": r"""
<question type="cloze">
  <questiontext format="html"><text><![CDATA[<p>A {1:MULTICHOICE:=13 A#Right~30 A#Too big~%50%10 A} fuse in
    {2:SA:=Kigali~%50%K*} and {1:SHORTANSWER_C:=pH} of {1:MCS:R&amp;D~=a \} b~c\#d}.</p>]]></text></questiontext>
</question>""",
}


def test_moodle_xml_reads_moodles_own_shapes():
    mr = read_xml("multiple_response", MOODLE_EXPORTS["multiple_response"])
    ids = ids_by_text(mr["choices"])
    assert fraction(mr, [ids["Copper"], ids["Silver"], ids["Gold"]]) == 1
    assert fraction(mr, [ids["Copper"], ids["Rubber"]]) == 0
    tf = read_xml("true_false", MOODLE_EXPORTS["true_false"])
    assert tf["answer"] is False and tf["feedback_false"] == "Right" and tf["feedback_true"] == "Wrong"
    sa = read_xml("short_answer", MOODLE_EXPORTS["short_answer"])
    assert sa["case_sensitive"] is True and fraction(sa, ["pH"]) == 1 and fraction(sa, ["PH"]) == 0
    num = read_xml("numerical", MOODLE_EXPORTS["numerical"])
    assert num["unit_required"] is True and num["unit_penalty"] == 0.1
    assert (
        fraction(num, ["345 cm"]) == 1 and fraction(num, ["3.5"]) == pytest.approx(0.9) and fraction(num, ["9 m"]) == 0
    )
    match = read_xml("matching", MOODLE_EXPORTS["matching"])
    assert [s["text"] for s in match["subquestions"]] == ["<p>Brown</p>", "<p>Blue</p>"]
    assert sorted(a["text"] for a in match["answers"]) == ["Neutral", "Phase", "Switch wire"]
    essay = read_xml("essay", MOODLE_EXPORTS["essay"])
    assert essay["max_words"] == 200 and essay["grader_info"] == "<p>Isolate, lock, test.</p>"
    assert read_xml("description", MOODLE_EXPORTS["description"])["stem"] == "<p>Read the case.</p>"


def test_moodle_xml_cloze_becomes_gaps():
    item = read_xml("fill_in", MOODLE_EXPORTS["fill_in"])
    assert item["stem"].startswith("<p>A [[1]] fuse in\n    [[2]] and [[3]] of [[4]].</p>")
    first, second, third, fourth = item["gaps"]
    assert first["kind"] == "choice" and first["shuffle"] is False
    assert [(c["text"], c["fraction"], c["feedback"]) for c in first["choices"]] == [
        ("13 A", 1.0, "Right"),
        ("30 A", 0.0, "Too big"),
        ("10 A", 0.5, ""),
    ]
    assert second["kind"] == "text" and second["weight"] == 2 and second["case_sensitive"] is False
    assert third["case_sensitive"] is True
    assert [c["text"] for c in fourth["choices"]] == ["R&D", "a } b", "c#d"] and fourth["shuffle"] is True
    right = {
        "1": ids_by_text(first["choices"])["13 A"],
        "2": "kigali",
        "3": "pH",
        "4": ids_by_text(fourth["choices"])["a } b"],
    }
    assert fraction(item, right) == 1
    assert fraction(item, {**right, "2": "Kibuye"}) == pytest.approx(1 - 0.5 * 2 / 5)
    assert without_ids(xml_round_trip(item)) == without_ids(item)


def test_moodle_xml_refuses_cloze_kinds_without_a_gap_kind():
    xml = (
        '<question type="cloze"><questiontext format="html"><text>{1:NUMERICAL:=230:5}</text></questiontext></question>'
    )
    with pytest.raises(ItemInvalid, match="NUMERICAL"):
        read_xml("fill_in", xml)
    xml = '<question type="cloze"><questiontext format="html"><text>No gap {at all}</text></questiontext></question>'
    with pytest.raises(ItemInvalid):
        read_xml("fill_in", xml)
