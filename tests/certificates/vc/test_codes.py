"""Certificate codes: shape, check symbol, forgiving reading."""

from __future__ import annotations

import re

import pytest

from certificates.vc import codes

EXAMPLE_BODY = "7K3Q9XPM2VD4"


def example() -> str:
    return f"7K3Q-9XPM-2VD4-{codes._check_symbol(EXAMPLE_BODY)}"


def test_new_codes_have_the_shape_and_a_valid_check():
    seen = {codes.new_code() for _ in range(200)}
    assert len(seen) == 200
    for code in seen:
        assert re.fullmatch(
            r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z*~$=U]", code
        )
        assert codes.check(code)


def test_every_single_substitution_is_caught():
    code = example().replace("-", "")
    for position in range(len(code) - 1):
        for symbol in codes.SYMBOLS:
            if symbol != code[position]:
                assert not codes.check(code[:position] + symbol + code[position + 1 :])


def test_every_adjacent_transposition_is_caught():
    for _ in range(50):
        code = codes.new_code().replace("-", "")
        for position in range(len(code) - 2):
            a, b = code[position], code[position + 1]
            if a != b:
                assert not codes.check(code[:position] + b + a + code[position + 2 :])


def test_normalise_is_forgiving():
    code = example()
    assert codes.normalise(code.lower()) == code
    assert codes.normalise(" " + code.replace("-", " ") + " ") == code
    assert codes.normalise("7k3q9xpm2vd4" + code[-1]) == code
    assert codes.normalise("7K3Q-9XPM-2VD4-" + code[-1]) == code
    assert codes.normalise("OIL0-0000-0000-0") == "0110-0000-0000-0"


@pytest.mark.parametrize(
    "text", ["", "7K3Q-9XPM-2VD4", "7K3Q-9XPM-2VD4-HH", "7K3Q-9XPM-2VD!-H", "7U3Q-9XPM-2VD4-H", None]
)
def test_normalise_refuses_wrong_shapes(text):
    assert codes.normalise(text) is None
    assert not codes.check(text)


def test_check_symbols_beyond_base32_survive_urls():
    # Bodies whose value mod 37 is 32..36 get the extra symbols; find one for each.
    found = {}
    for number in range(2000):
        body = f"{number:012d}"
        symbol = codes._check_symbol(body)
        if symbol in "*~$=U":
            found[symbol] = body
    assert set(found) == set("*~$=U")
    for symbol, body in found.items():
        code = f"{body[:4]}-{body[4:8]}-{body[8:]}-{symbol}"
        assert codes.check(code)
        assert codes.url_form(code) == body + symbol
        assert codes.normalise(codes.url_form(code)) == code
