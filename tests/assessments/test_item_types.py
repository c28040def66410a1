"""Item types: each one's scoring (partial credit, penalties, edge cases), its parsing of what a browser
sends (tampered ids refused), what the learner's page is given (never a key) and its authoring errors."""

from __future__ import annotations

import json
import random

import pytest

from assessments import items
from assessments.items import ItemInvalid, ResponseInvalid
from assessments.items.common import form_pairs
from tests.assessments.helpers import fraction, ids_by_text, make, outcome, shown

ALL_TYPES = {
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "ordering",
    "fill_in",
    "essay",
    "description",
}


def test_every_type_is_registered_with_its_template():
    from pathlib import Path

    templates = Path(items.__file__).resolve().parent.parent / "templates"
    assert {t.name for t in items.all_types()} == ALL_TYPES
    for item_type in items.all_types():
        assert (templates / item_type.template).is_file(), item_type.name
        assert str(item_type.label)
    with pytest.raises(ItemInvalid, match="unknown question type"):
        items.get("hotspot")


def invalid(type_name: str, **data) -> list[str]:
    with pytest.raises(ItemInvalid) as caught:
        items.get(type_name).normalise(data)
    return caught.value.errors


# -- single choice --------------------------------------------------------------------------------------------


def single(**extra):
    return make(
        "single_choice",
        choices=[
            {"text": "Earth", "fraction": 1, "feedback": "FB-right"},
            {"text": "Neutral", "fraction": 0.5, "feedback": "FB-half"},
            {"text": "Phase", "fraction": -0.5, "feedback": "FB-wrong"},
            {"text": "None of these", "fraction": 0, "fixed": True},
        ],
        **extra,
    )


def test_single_choice_scores_the_chosen_choice_with_its_feedback_and_floors_a_penalty():
    item = single()
    ids = ids_by_text(item["choices"])
    assert outcome(item, [ids["Earth"]]).fraction == 1
    assert outcome(item, [ids["Earth"]]).feedback == ("FB-right",)
    assert fraction(item, ids["Neutral"]) == 0.5
    assert fraction(item, [ids["Phase"]]) == 0  # -0.5 floored: a fraction is never below 0
    assert fraction(item, []) == 0 and fraction(item, None) == 0 and fraction(item, [""]) == 0


def test_single_choice_refuses_tampered_or_several_ids():
    item = single()
    ids = list(ids_by_text(item["choices"]).values())
    for raw in (["zzzzzz"], "zzzzzz", [ids[0], ids[1]], 3, {"id": ids[0]}):
        with pytest.raises(ResponseInvalid):
            items.get("single_choice").parse(item, raw)


def test_single_choice_presents_no_key_and_keeps_a_fixed_choice_in_place():
    item = single()
    for seed in range(20):
        page = json.loads(shown(item, seed))
        assert page["choices"][-1]["text"] == "None of these"
        assert all(set(choice) == {"id", "text"} for choice in page["choices"])
    text = shown(item)
    assert "fraction" not in text and "FB-" not in text and "feedback" not in text
    orders = {tuple(c["text"] for c in json.loads(shown(item, seed))["choices"]) for seed in range(20)}
    assert len(orders) > 1  # shuffled by the attempt's seed
    assert json.loads(shown(single(shuffle=False)))["choices"][0]["text"] == "Earth"


def test_single_choice_keeps_ids_across_edits_and_reports_every_problem():
    item = single()
    again = items.get("single_choice").normalise({**item, "stem": "<p>Edited</p>"})
    assert [c["id"] for c in again["choices"]] == [c["id"] for c in item["choices"]]
    errors = invalid("single_choice", stem="", choices=[{"text": "", "fraction": 2}, {"text": "b"}])
    assert "the question text is empty" in errors
    assert "choice 1 has no text" in errors
    assert any(e.startswith("choice 1: a fraction must be between -1 and 1") for e in errors)
    assert "one choice must be fully right (fraction 1)" in errors
    assert invalid("single_choice", stem="x", choices=[{"text": "a", "fraction": 1}]) == ["give at least two choices"]


# -- multiple response ---------------------------------------------------------------------------------------


def checkboxes(**extra):
    return make(
        "multiple_response",
        choices=[
            {"text": "Isolate the supply", "fraction": 0.5, "feedback": "FB-iso"},
            {"text": "Prove it dead", "fraction": 0.5},
            {"text": "Work live", "fraction": -1, "feedback": "FB-live"},
            {"text": "Hurry", "fraction": 0},
        ],
        **extra,
    )


def test_multiple_response_adds_the_ticked_fractions_within_zero_and_one():
    item = checkboxes()
    ids = ids_by_text(item["choices"])
    iso, dead, live, hurry = (ids[t] for t in ("Isolate the supply", "Prove it dead", "Work live", "Hurry"))
    assert fraction(item, [iso, dead]) == 1
    assert fraction(item, [iso]) == 0.5
    assert fraction(item, [iso, hurry]) == 0.5  # a wrong choice at 0 costs nothing
    assert fraction(item, [iso, dead, live]) == 0  # 1 - 1
    assert fraction(item, [live]) == 0  # -1 floored at 0
    assert fraction(item, [iso, dead, live, hurry]) == 0  # ticking everything does not pay
    assert fraction(item, []) == 0 and fraction(item, None) == 0
    assert outcome(item, [live, iso]).feedback == ("FB-iso", "FB-live")  # the definition's order


def test_multiple_response_without_penalties_pays_for_ticking_everything_as_documented():
    item = make(
        "multiple_response", choices=[{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0.5}, {"text": "c"}]
    )
    assert fraction(item, [c["id"] for c in item["choices"]]) == 1


def test_multiple_response_parse_keeps_the_definition_order_and_refuses_tampering():
    item = checkboxes()
    ids = [c["id"] for c in item["choices"]]
    parse = items.get("multiple_response").parse
    assert parse(item, [ids[2], "", ids[0], ids[0]]) == [ids[0], ids[2]]
    assert parse(item, ids[1]) == [ids[1]]
    assert parse(item, [""]) is None
    for raw in ([ids[0], "nope"], [1], {"a": 1}, 5):
        with pytest.raises(ResponseInvalid):
            parse(item, raw)


def test_multiple_response_needs_the_right_fractions_to_add_up_to_one():
    errors = invalid(
        "multiple_response", stem="x", choices=[{"text": "a", "fraction": 0.5}, {"text": "b", "fraction": 0.4}]
    )
    assert errors == ["the right choices' fractions add up to 90%; they must add up to 100%"]
    errors = invalid("multiple_response", stem="x", choices=[{"text": "a"}, {"text": "b", "fraction": -1}])
    assert errors == ["at least one choice must be right (a fraction above 0)"]
    thirds = make("multiple_response", choices=[{"text": t, "fraction": 0.3333333} for t in "abc"] + [{"text": "d"}])
    assert fraction(thirds, [c["id"] for c in thirds["choices"][:3]]) == 1


def test_multiple_response_presents_checkboxes_and_no_key():
    page = json.loads(shown(checkboxes()))
    assert page["multiple"] is True
    assert "fraction" not in shown(checkboxes()) and "FB-" not in shown(checkboxes())


# -- true / false ---------------------------------------------------------------------------------------------


def test_true_false_scores_and_gives_the_feedback_of_the_answer_given():
    item = make("true_false", answer=False, feedback_true="FB-said-true", feedback_false="FB-said-false")
    assert outcome(item, ["false"]).fraction == 1 and outcome(item, ["false"]).feedback == ("FB-said-false",)
    assert outcome(item, True).fraction == 0 and outcome(item, True).feedback == ("FB-said-true",)
    assert fraction(item, []) == 0 and fraction(item, "") == 0
    for raw in (["yes"], "TRUE", 1, ["true", "false"]):
        with pytest.raises(ResponseInvalid):
            items.get("true_false").parse(item, raw)
    assert shown(item) == json.dumps({"stem": "<p>The question?</p>"})
    assert items.get("true_false").right_answer(item) == "False"
    assert invalid("true_false", stem="x") == ["say whether the statement is true or false"]
    assert make("true_false", answer="true")["answer"] is True


# -- short answer ---------------------------------------------------------------------------------------------


def words(*answers, **extra):
    return make(
        "short_answer",
        answers=[{"text": t, "fraction": f, "feedback": fb} for t, f, fb in answers],
        **extra,
    )


def test_short_answer_ignores_case_and_spacing_unless_told():
    item = words(("Ohm's law", 1, "FB-ok"))
    assert outcome(item, ["  ohm's   LAW "]).fraction == 1
    assert outcome(item, ["ohm's law"]).feedback == ("FB-ok",)
    assert fraction(item, ["Ohms law"]) == 0
    strict = words(("Ohm's law", 1, ""), case_sensitive=True)
    assert fraction(strict, ["Ohm's law"]) == 1 and fraction(strict, ["ohm's law"]) == 0


def test_short_answer_unicode_is_compared_folded_and_composed():
    item = words(("Straße", 1, ""), ("café", 1, ""))
    assert fraction(item, ["STRASSE"]) == 1  # casefold, not lower()
    assert fraction(item, ["CAFÉ"]) == 1
    assert fraction(item, ["cafe\u0301"]) == 1  # e + combining accent is é
    assert fraction(item, ["\u00a0café\u2003"]) == 1  # no-break and em spaces are spaces
    assert fraction(item, ["cafe"]) == 0


def test_short_answer_wildcard_matches_any_run_and_nothing_else_is_special():
    item = words(("*ase", 1, ""), ("volt*meter", 0.5, ""), ("a.c (50 Hz)", 1, ""), ("5 \\* 2", 1, ""))
    assert fraction(item, ["lipase"]) == 1 and fraction(item, ["ase"]) == 1
    assert fraction(item, ["lipases"]) == 0
    assert fraction(item, ["voltmeter"]) == 0.5 and fraction(item, ["volt-o-meter"]) == 0.5
    assert fraction(item, ["a.c (50 Hz)"]) == 1 and fraction(item, ["abc (50 Hz)"]) == 0  # "." is literal
    assert fraction(item, ["5 * 2"]) == 1 and fraction(item, ["5 x 2"]) == 0  # \* is an asterisk


def test_short_answer_takes_the_best_matching_answer_and_a_catch_all():
    item = words(("*", 0, "FB-anything"), ("k*", 0.5, "FB-k"), ("kigali", 1, "FB-kigali"))
    assert outcome(item, ["Kigali"]) == outcome(item, ["kigali"])
    assert outcome(item, ["Kigali"]).fraction == 1 and outcome(item, ["Kigali"]).feedback == ("FB-kigali",)
    assert outcome(item, ["Kibuye"]).fraction == 0.5
    assert outcome(item, ["Huye"]).fraction == 0 and outcome(item, ["Huye"]).feedback == ("FB-anything",)


def test_short_answer_parse_and_present():
    item = words(("Kigali", 1, "FB-k"))
    parse = items.get("short_answer").parse
    assert parse(item, ["  Kigali "]) == "Kigali"
    assert parse(item, ["   "]) is None and parse(item, []) is None and parse(item, None) is None
    assert fraction(item, ["   "]) == 0
    for raw in (["a", "b"], {"a": 1}, ["x" * 1001], True):
        with pytest.raises(ResponseInvalid):
            parse(item, raw)
    page = shown(item)
    assert "Kigali" not in page and "FB-k" not in page and "fraction" not in page
    errors = invalid("short_answer", stem="x", answers=[{"text": " ", "fraction": 1}, {"text": "b", "fraction": 0.5}])
    assert errors == ["answer 1 has no text"]
    errors = invalid("short_answer", stem="x", answers=[{"text": "b", "fraction": 0.5}])
    assert errors == ["one accepted answer must be fully right (fraction 1)"]
    assert invalid("short_answer", stem="x", answers=[]) == ["give at least one accepted answer"]
    errors = invalid("short_answer", stem="x", answers=[{"text": "a", "fraction": -0.5}])
    assert "answer 1: a fraction must be between 0 and 1, not -0.5" in errors


# -- numerical ---------------------------------------------------------------------------------------------


def numbers(*answers, **extra):
    return make("numerical", answers=list(answers), **extra)


def test_numerical_tolerance_bounds_are_inclusive_in_decimal():
    item = numbers({"value": 3.14, "tolerance": 0.01, "feedback": "FB-pi"})
    for right in ("3.13", "3.15", "3.14", "3,13", "+3.15", "314e-2", "3.1300"):
        assert fraction(item, [right]) == 1, right
    for wrong in ("3.1299", "3.1501", "-3.14", "\u22123.14", "3.12"):
        assert fraction(item, [wrong]) == 0, wrong
    assert outcome(item, ["3.14"]).feedback == ("FB-pi",)


def test_numerical_ranges_and_exact_values():
    item = numbers({"min": 0.1, "max": 0.3})
    assert [fraction(item, [v]) for v in ("0.1", "0.3", "0,2", ".2", "0.09999", "0.30001")] == [1, 1, 1, 1, 0, 0]
    exact = numbers({"value": 1822})
    assert fraction(exact, ["1822"]) == 1 and fraction(exact, ["1 822"]) == 1 and fraction(exact, ["1\u202f822"]) == 1
    assert fraction(exact, ["1822.0001"]) == 0
    assert fraction(exact, ["1,822"]) == 0  # a decimal comma: 1.822
    assert fraction(exact, ["1,822.0"]) == 0  # both separators: not a number
    assert fraction(exact, ["١٨٢٢"]) == 1  # Arabic-Indic digits are digits


def test_numerical_saves_what_was_typed_and_scores_non_numbers_wrong():
    item = numbers({"value": 230, "tolerance": 5})
    parse = items.get("numerical").parse
    assert parse(item, [" 230 V "]) == "230 V"  # kept as typed; scored later
    assert parse(item, 230) == "230" and parse(item, 229.5) == "229.5"
    assert fraction(item, ["230 V"]) == 0  # no units in this question: an unknown unit is wrong
    assert fraction(item, ["about 230"]) == 0 and fraction(item, ["."]) == 0 and fraction(item, ["1e"]) == 0
    for raw in (["1", "2"], True, {"v": 1}, ["9" * 101]):
        with pytest.raises(ResponseInvalid):
            parse(item, raw)


def test_numerical_several_answers_the_best_wins_and_a_catch_all():
    item = numbers(
        {"value": 1822, "tolerance": 2, "fraction": 0.5, "feedback": "FB-close"},
        {"value": 1822, "fraction": 1, "feedback": "FB-exact"},
        {"other": True, "fraction": 0, "feedback": "FB-other"},
    )
    assert outcome(item, ["1822"]).fraction == 1 and outcome(item, ["1822"]).feedback == ("FB-exact",)
    assert outcome(item, ["1824"]).fraction == 0.5
    assert outcome(item, ["1900"]).fraction == 0 and outcome(item, ["1900"]).feedback == ("FB-other",)
    assert outcome(item, ["soon"]).feedback == ()  # not a number: not even the catch-all
    assert items.get("numerical").right_answer(item) == "1822"


def test_numerical_units_convert_and_a_required_unit_costs_its_penalty():
    units = [{"unit": "m", "multiplier": 1}, {"unit": "cm", "multiplier": 100}, {"unit": "mm", "multiplier": "1000"}]
    item = numbers({"value": 3.5}, units=units)
    for right in ("3.5 m", "3.5m", "350 cm", "3500 mm", "3.5"):
        assert fraction(item, [right]) == 1, right
    assert fraction(item, ["3.5 km"]) == 0 and fraction(item, ["3.5 M"]) == 0  # unknown; units are case-sensitive
    required = numbers({"value": 3.5}, units=units, unit_required=True, unit_penalty=0.25)
    assert fraction(required, ["350 cm"]) == 1 and fraction(required, ["3.5"]) == 0.75
    assert items.get("numerical").right_answer(required) == "3.5 m"
    assert json.loads(shown(required))["units"] is True
    assert "3.5" not in shown(required) and "cm" not in shown(required)


def test_numerical_authoring_errors():
    errors = invalid(
        "numerical",
        stem="x",
        answers=[{"min": 2, "max": 1}, {"value": "abc"}, {"value": 1, "fraction": 0.5}],
        units=[{"unit": "cm", "multiplier": 100}, {"unit": "", "multiplier": 0}],
    )
    assert "answer 1: the range's minimum is above its maximum" in errors
    assert "answer 2: give a number, a number and a tolerance, or a range" in errors
    assert "the first unit is the answers' own: its multiplier must be 1" in errors
    assert "unit 2 has no name" in errors and "unit 2: the multiplier must be a number above 0" in errors
    assert invalid("numerical", stem="x", answers=[{"other": True}]) == [
        "one numeric answer must be fully right (fraction 1)"
    ]
    item = numbers({"value": "3,5", "tolerance": "0,1"})  # an author's decimal comma too
    assert item["answers"][0]["value"] == 3.5 and item["answers"][0]["tolerance"] == 0.1


# -- matching -------------------------------------------------------------------------------------------------


def pairs(**extra):
    return make(
        "matching",
        subquestions=[
            {"text": "Brown", "answer_text": "Phase"},
            {"text": "Blue", "answer_text": "Neutral"},
            {"text": "Green-yellow", "answer_text": "Earth"},
        ],
        answers=[{"text": "Switch wire"}],
        **extra,
    )


def test_matching_scores_the_share_of_right_pairs():
    item = pairs()
    sub = ids_by_text(item["subquestions"])
    ans = ids_by_text(item["answers"])
    right = [
        f"{sub['Brown']}:{ans['Phase']}",
        f"{sub['Blue']}:{ans['Neutral']}",
        f"{sub['Green-yellow']}:{ans['Earth']}",
    ]
    assert fraction(item, right) == 1
    assert fraction(item, right[:2] + [""]) == pytest.approx(2 / 3)
    assert fraction(item, [f"{sub['Brown']}:{ans['Switch wire']}", "", ""]) == 0
    assert fraction(item, {sub["Blue"]: ans["Neutral"]}) == pytest.approx(1 / 3)
    assert fraction(item, ["", "", ""]) == 0
    assert items.get("matching").right_answer(item) == "Brown → Phase; Blue → Neutral; Green-yellow → Earth"


def test_matching_refuses_tampered_ids_and_malformed_values():
    item = pairs()
    sub = ids_by_text(item["subquestions"])
    ans = ids_by_text(item["answers"])
    parse = items.get("matching").parse
    for raw in (
        [f"nope:{ans['Phase']}"],
        [f"{sub['Brown']}:nope"],
        [f"{sub['Brown']}:{ans['Phase']}", f"{sub['Brown']}:{ans['Earth']}"],
        [sub["Brown"]],
        {sub["Brown"]: ["x"]},
        "x",
    ):
        with pytest.raises(ResponseInvalid):
            parse(item, raw)


def test_matching_present_hides_the_pairs_and_always_shuffles_the_answers():
    item = pairs(shuffle=False)
    page = json.loads(shown(item))
    assert all(set(s) == {"id", "text"} for s in page["subquestions"])
    assert [s["text"] for s in page["subquestions"]] == ["Brown", "Blue", "Green-yellow"]
    orders = {tuple(a["text"] for a in json.loads(shown(item, seed))["answers"]) for seed in range(10)}
    assert len(orders) > 1
    assert "answer_text" not in shown(item) and '"answer"' not in shown(item)


def test_matching_shares_an_answer_between_subquestions_and_keeps_ids():
    item = make(
        "matching",
        subquestions=[{"text": "Rwanda", "answer_text": "Africa"}, {"text": "Kenya", "answer_text": "Africa"}],
        answers=[{"text": "Europe"}],
    )
    assert [a["text"] for a in item["answers"]] == ["Europe", "Africa"]
    assert item["subquestions"][0]["answer"] == item["subquestions"][1]["answer"]
    again = items.get("matching").normalise(item)
    assert again == item
    errors = invalid(
        "matching",
        stem="x",
        subquestions=[{"text": "a", "answer_text": "1"}, {"text": "", "answer": "zz"}],
        answers=[{"text": "2"}],
    )
    assert errors == ["subquestion 2 has no text", "subquestion 2 has no answer"]
    assert invalid("matching", stem="x", subquestions=[{"text": "a", "answer_text": "1"}]) == [
        "give at least two subquestions, each with its answer"
    ]
    errors = invalid(
        "matching", stem="x", subquestions=[{"text": "a", "answer_text": "1"}, {"text": "b", "answer_text": "1"}]
    )
    assert errors == ["give at least two different answers"]


# -- ordering -------------------------------------------------------------------------------------------------


def steps(**extra):
    return make("ordering", items=[{"text": t} for t in ("Isolate", "Lock", "Test", "Earth")], **extra)


def placed(item, *texts):
    """The form's values for the learner's order of ``texts``."""
    ids = ids_by_text(item["items"])
    return [f"{ids[t]}:{n}" for n, t in enumerate(texts, 1)]


def test_ordering_relative_to_the_next_item_is_the_default():
    item = steps()
    assert item["grading"] == "relative_next_exclude_last"
    assert fraction(item, placed(item, "Isolate", "Lock", "Test", "Earth")) == 1
    # Lock→Test and Test→Earth are right pairs, Isolate is last (not checked): 2 of 3.
    assert fraction(item, placed(item, "Lock", "Test", "Earth", "Isolate")) == pytest.approx(2 / 3)
    assert fraction(item, placed(item, "Earth", "Test", "Lock", "Isolate")) == 0


def test_ordering_other_rules():
    order = ("Lock", "Test", "Earth", "Isolate")
    item = steps(grading="absolute_position")
    assert fraction(item, placed(item, *order)) == 0
    assert fraction(item, placed(item, "Isolate", "Test", "Lock", "Earth")) == 0.5
    item = steps(grading="relative_next_include_last")
    assert fraction(item, placed(item, *order)) == 0.5  # 2 pairs, and Earth is not last
    assert fraction(item, placed(item, "Isolate", "Lock", "Test", "Earth")) == 1
    item = steps(grading="all_or_nothing")
    assert fraction(item, placed(item, "Isolate", "Lock", "Earth", "Test")) == 0
    assert fraction(item, placed(item, "Isolate", "Lock", "Test", "Earth")) == 1
    assert invalid("ordering", stem="x", items=[{"text": "a"}, {"text": "b"}], grading="longest") == [
        "unknown grading rule 'longest'"
    ]


def test_ordering_parse_forms_and_tampering():
    item = steps()
    ids = [i["id"] for i in item["items"]]
    parse = items.get("ordering").parse
    assert parse(item, [ids[1], ids[0]]) == {ids[1]: 1, ids[0]: 2}  # the JavaScript page: ids in order
    assert parse(item, {ids[0]: 4}) == {ids[0]: 4}
    assert parse(item, [f"{ids[0]}:2", ""]) == {ids[0]: 2}
    assert parse(item, ["", ""]) is None
    # Two items at one position: a learner's slip, scored (one of them is wrong), not refused.
    assert fraction(item, [f"{ids[0]}:1", f"{ids[1]}:1"]) == 0
    for raw in (
        [f"{ids[0]}:5"],
        [f"{ids[0]}:0"],
        ["zz:1"],
        [f"{ids[0]}:1", f"{ids[0]}:2"],
        [ids[0], ids[0]],
        3,
        {ids[0]: True},
    ):
        with pytest.raises(ResponseInvalid):
            parse(item, raw)


def test_ordering_is_never_shown_in_its_right_order():
    item = make("ordering", items=[{"text": "first"}, {"text": "second"}])
    for seed in range(30):
        page = json.loads(shown(item, seed))
        assert [i["text"] for i in page["items"]] == ["second", "first"]
        assert page["positions"] == 2


# -- fill in the gaps ---------------------------------------------------------------------------------------


def gaps(**extra):
    return make(
        "fill_in",
        stem="<p>A fuse of [[1]] protects a cable in [[2]] <script>x()</script>.</p>",
        gaps=[
            {
                "id": "1",
                "kind": "choice",
                "choices": [
                    {"text": "13 A", "fraction": 1, "feedback": "FB-13"},
                    {"text": "30 A"},
                    {"text": "3 A", "fraction": 0.5},
                ],
            },
            {
                "id": "2",
                "kind": "text",
                "answers": [{"text": "Kigali", "feedback": "FB-kgl"}, {"text": "kgl*", "fraction": 0.5}],
            },
        ],
        **extra,
    )


def test_fill_in_scores_the_share_of_gaps_with_their_feedback():
    item = gaps()
    assert "<script>" not in item["stem"] and "[[1]]" in item["stem"] and "[[2]]" in item["stem"]
    choice = ids_by_text(item["gaps"][0]["choices"])
    assert fraction(item, [choice["13 A"], "KIGALI"]) == 1
    assert outcome(item, [choice["13 A"], "kigali"]).feedback == ("FB-13", "FB-kgl")
    assert fraction(item, [choice["13 A"], ""]) == 0.5
    assert fraction(item, ["", "kgl city"]) == 0.25
    assert fraction(item, [choice["3 A"], "Huye"]) == 0.25
    assert fraction(item, {"2": "Kigali"}) == 0.5
    assert fraction(item, ["", ""]) == 0 and fraction(item, []) == 0


def test_fill_in_weights_the_gaps():
    item = gaps()
    item["gaps"][1]["weight"] = 3
    item = items.get("fill_in").normalise(item)
    assert fraction(item, ["", "Kigali"]) == 0.75


def test_fill_in_refuses_a_wrong_number_of_values_and_tampered_ids():
    item = gaps()
    parse = items.get("fill_in").parse
    for raw in (["x"], ["", "", ""], ["nope", ""], {"3": "x"}, [1, ""], "Kigali"):
        with pytest.raises(ResponseInvalid):
            parse(item, raw)


def test_fill_in_presents_its_parts_without_a_key():
    item = gaps()
    page = json.loads(shown(item))
    kinds = [part.get("kind") for part in page["parts"]]
    assert kinds == [None, "choice", None, "text", None]
    assert page["parts"][0] == {"html": "<p>A fuse of "}
    text = shown(item)
    for secret in ("fraction", "FB-", "Kigali", "kgl", "answers", "feedback"):
        assert secret not in text


def test_fill_in_authoring_errors():
    choice_gap = {"kind": "choice", "choices": [{"text": "a", "fraction": 1}, {"text": "b"}]}
    errors = invalid(
        "fill_in",
        stem='<p>[[1]] and [[3]] and [[1]] <img alt="[[2]]" src="x.png"></p>',
        gaps=[{**choice_gap, "id": "1"}, {**choice_gap, "id": "2"}, {**choice_gap, "id": "4"}],
    )
    assert "the gap [[3]] in the text is not defined" in errors
    assert "the gap [[1]] is in the text twice" in errors
    assert "the gap [[2]] is inside an HTML tag" in errors
    assert "the gap [[4]] is not in the text" in errors
    errors = invalid("fill_in", stem="<p>[[1]]</p>", gaps=[{"id": "1", "kind": "choice", "choices": [{"text": "a"}]}])
    assert errors == ["gap 1: give at least two choices"]
    errors = invalid("fill_in", stem="<p>[[1]]</p>", gaps=[{"id": "1", "kind": "text", "answers": [], "weight": 0}])
    assert errors == [
        "gap 1: the weight must be a whole number from 1 to 100",
        "gap 1: give at least one accepted answer",
    ]
    assert invalid("fill_in", stem="<p>No gap</p>", gaps=[{**choice_gap, "id": "Bad"}])[0].startswith(
        "every gap needs an id"
    )


# -- essay and description -------------------------------------------------------------------------------


def test_essay_waits_for_a_person_and_keeps_its_guidance_off_the_page():
    item = make("essay", max_words=5, grader_info="<p>GRADER-ONLY model answer</p>")
    essay = items.get("essay")
    assert essay.manual and essay.scored
    assert outcome(item, ["Isolate, lock, test.\r\nThen work."]).fraction is None
    assert outcome(item, ["Isolate, lock, test."]).needs_grading
    assert outcome(item, ["  "]).fraction == 0  # nothing written: nothing to grade
    assert essay.parse(item, ["a b c\r\nd"]) == "a b c\nd"
    with pytest.raises(ResponseInvalid, match="Your answer has 6 words; the limit is 5 words."):
        essay.parse(item, ["one two three four five six"])
    assert "GRADER-ONLY" not in shown(item) and json.loads(shown(item))["max_words"] == 5
    assert invalid("essay", stem="x", max_words=-2) == ["the word limit must be a whole number above 0, or empty"]
    assert make("essay", max_words="")["max_words"] is None


def test_description_has_no_response_and_no_mark():
    item = items.get("description").normalise({"stem": "<p>Read the case.</p>"})
    description = items.get("description")
    assert not description.scored
    assert description.parse(item, []) is None and description.parse(item, None) is None
    with pytest.raises(ResponseInvalid):
        description.parse(item, ["anything"])
    assert items.get("description").normalise({"stem": ""})["stem"] == ""


# -- every type: what a page receives, empty answers, stable ids -------------------------------------------


def samples():
    return {
        "single_choice": single(),
        "multiple_response": checkboxes(),
        "true_false": make("true_false", answer=True, feedback_true="FB-t", feedback_false="FB-f"),
        "short_answer": words(("Kigali", 1, "FB-k")),
        "numerical": numbers({"value": 3.14159, "tolerance": 0.001, "feedback": "FB-n"}),
        "matching": pairs(),
        "ordering": steps(),
        "fill_in": gaps(),
        "essay": make("essay", grader_info="GRADER-ONLY"),
        "description": make("description"),
    }


@pytest.mark.parametrize("type_name", sorted(ALL_TYPES))
def test_every_type_presents_json_without_keys_and_scores_an_empty_answer_zero(type_name):
    item = samples()[type_name]
    item_type = items.get(type_name)
    page = shown(item)
    for secret in ("fraction", "feedback", "FB-", "GRADER-ONLY", "Kigali", "3.14159", "answer_text", "grader_info"):
        assert secret not in page, (type_name, secret)
    assert json.loads(page)["stem"] == item["stem"]
    assert item_type.parse(item, []) is None and item_type.parse(item, None) is None
    assert item_type.score(item, None).fraction == 0
    assert item_type.response_text(item, None) == ""
    assert item_type.normalise(item) == item  # canonical: ids and all kept across a second save
    assert item_type.present(item, random.Random(3)) == item_type.present(item, random.Random(3))  # the seed decides


GARBAGE = [None, "", "x", 0, -1, 2.5, float("nan"), True, [], [None], ["x"], {}, {"a": 1}, [{}], [[1]], "[[1]]"]
GARBAGE += [[{"id": 5, "text": {"a": 1}, "fraction": "abc", "kind": 3, "choices": "x", "answers": [1], "weight": "9"}]]
KEYS = ("stem", "choices", "answers", "units", "subquestions", "items", "gaps", "answer", "max_words", "grading")
KEYS += ("default_mark", "unit_penalty", "general_feedback", "feedback_true")


@pytest.mark.parametrize("type_name", sorted(ALL_TYPES))
def test_malformed_definitions_and_answers_are_refused_never_crash(type_name):
    item_type = items.get(type_name)
    base = samples()[type_name]
    for key in KEYS:
        for value in GARBAGE:
            try:
                item_type.normalise({**base, key: value})
            except ItemInvalid as invalid:
                assert invalid.errors and all(isinstance(e, str) and e for e in invalid.errors)
    item = samples()[type_name]
    for value in GARBAGE + [["a:b"], [":"], {"1": 1}, {"x": "y"}, ["1:1"], ["x" * 60_000]]:
        for raw in (value, [value]):
            try:
                response = item_type.parse(item, raw)
            except ResponseInvalid:
                continue
            item_type.score(item, response)
            item_type.response_text(item, response)


def test_form_pairs_reads_the_selects_and_refuses_what_no_select_sends():
    assert form_pairs(["a:1", "", "b:x:y"], "bad") == {"a": "1", "b": "x:y"}
    assert form_pairs(["", ""], "bad") == {}
    for raw in (["a"], ["a:1", "a:2"], ["a:1", 3]):
        with pytest.raises(ResponseInvalid, match="bad"):
            form_pairs(raw, "bad")
