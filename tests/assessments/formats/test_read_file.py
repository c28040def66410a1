"""What the callers use (assessments/formats/__init__.py): the format from the file's name, reading a path or
bytes, errors as the CLI prints them, file references rewritten; and the shared text helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments import formats
from assessments.formats import FormatError, read_file, rewrite_files
from assessments.items import gift_text, text_formats

DATA = Path(__file__).parent / "data"
AIKEN = b"Which colour is earth?\nA) Green and yellow\nB) Blue\nANSWER: A\n"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bank.gift", None, "gift"),
        ("BANK.GIFT", None, "gift"),
        ("export.xml", None, "moodlexml"),
        ("bank.aiken", None, "aiken"),
        ("moodle-export.txt", b"::Q::Which?{=a ~b}", "gift"),
        ("from-word.txt", AIKEN, "aiken"),  # no brace at all and an ANSWER: line: only Aiken looks like that
        ("mixed.txt", AIKEN + b"\n::Q::Which?{=a ~b}", "gift"),
    ],
)
def test_the_format_from_the_name(name, data, expected):
    assert formats.guess_format(name, data) == expected


def test_an_unknown_extension_asks_for_the_format():
    with pytest.raises(FormatError) as caught:
        formats.guess_format("bank.docx")
    assert caught.value.errors == [
        (0, "Cannot tell the format of bank.docx from its name: give the format (gift, aiken or moodlexml).")
    ]
    assert caught.value.lines() == [caught.value.errors[0][1]]  # no "line 0:"


def test_read_file_from_a_path_from_bytes_and_with_an_explicit_format(real_types, tmp_path):
    assert read_file(DATA / "good.aiken").format == "aiken"
    assert read_file(AIKEN, filename="upload.txt").format == "aiken"
    assert read_file(AIKEN, format="aiken").format == "aiken"
    copy = tmp_path / "aiken-questions.data"
    copy.write_bytes(AIKEN)
    assert len(read_file(copy, format="aiken").questions) == 1
    with pytest.raises(FormatError) as caught:
        read_file(AIKEN)
    assert caught.value.errors == [(0, "Give the format of the file (gift, aiken or moodlexml).")]
    with pytest.raises(FormatError) as caught:
        read_file(AIKEN, format="qti")
    assert caught.value.errors == [(0, "Unknown question format qti: use gift, aiken or moodlexml.")]


def test_a_missing_file_and_a_file_too_large(tmp_path, monkeypatch):
    with pytest.raises(FormatError) as caught:
        read_file(tmp_path / "none.gift")
    assert caught.value.errors[0][1].startswith("Cannot read ")
    monkeypatch.setattr(formats, "MAX_BYTES", 10)
    big = tmp_path / "big.gift"
    big.write_bytes(b"x" * 11)
    with pytest.raises(FormatError):
        read_file(big)
    with pytest.raises(FormatError):
        read_file(b"x" * 11, format="gift")


def test_decode_lines_bom_and_nul():
    assert formats.decode(b"\xef\xbb\xbfa\r\nb\rc") == "a\nb\nc"
    with pytest.raises(FormatError) as caught:
        formats.decode(b"a\r\nb\r\nc\x00")
    assert caught.value.errors == [(3, "This line contains a NUL character: is the file really text?")]
    with pytest.raises(FormatError) as caught:
        formats.decode(b"a\rb\r\xff")
    assert caught.value.errors[0][0] == 3


def test_errors_print_as_the_cli_shows_them():
    error = FormatError([(12, "second"), (3, "first"), (0, "the file")])
    assert error.lines() == ["the file", "line 3: first", "line 12: second"]
    assert str(error) == "the file\nline 3: first\nline 12: second"


def test_plugin_files_and_rewrite_files():
    definition = {
        "stem": '<img src="@@PLUGINFILE@@/a%20b.png"> and <a href="@@PLUGINFILE@@/sub/c.pdf">c</a>',
        "choices": [{"text": "@@PLUGINFILE@@/d.png", "fraction": 1}, {"text": "plain", "fraction": 0.5}],
    }
    assert formats.plugin_files(definition) == {"a b.png", "sub/c.pdf", "d.png"}
    rewritten = rewrite_files(definition, lambda path: "/files/" + path.replace(" ", "%20"))
    assert rewritten == {
        "stem": '<img src="/files/a%20b.png"> and <a href="/files/sub/c.pdf">c</a>',
        "choices": [{"text": "/files/d.png", "fraction": 1}, {"text": "plain", "fraction": 0.5}],
    }
    assert definition["stem"].startswith('<img src="@@PLUGINFILE@@')  # a copy


def test_default_name_is_the_start_of_the_text():
    assert (
        formats.default_name("<p>Grant is [[1]] in <b>Grant&#39;s</b> tomb.</p>") == "Grant is _____ in Grant's tomb."
    )
    long = "word " * 30
    name = formats.default_name(long)
    assert name.endswith("…") and len(name) <= 81 and not name[:-1].endswith(" ")


# -- text formats and GIFT's text helpers ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fmt", "inline", "html"),
    [
        ("<b>a</b>\nb", "html", False, "<b>a</b>\nb"),
        ("<b>a</b>\nb", "moodle", False, "<b>a</b><br>\nb"),
        ("a < b & c\nd", "plain", False, "a &lt; b &amp; c<br>\nd"),
        ("**a**", "markdown", False, "<p><strong>a</strong></p>"),
        ("**a**", "markdown", True, "<strong>a</strong>"),
        ("one\n\ntwo", "markdown", True, "<p>one</p>\n<p>two</p>"),
        ("  ", "plain", False, ""),
    ],
)
def test_text_formats(text, fmt, inline, html):
    assert text_formats.to_html(text, fmt, inline=inline) == html


def test_moodle_xml_format_names():
    assert [text_formats.from_xml_name(n) for n in ("html", "moodle_auto_format", "plain_text", "markdown")] == [
        "html",
        "moodle",
        "plain",
        "markdown",
    ]
    assert text_formats.from_xml_name("wiki_like") == "plain"
    assert text_formats.from_xml_name(None) == text_formats.from_xml_name("odd") == "html"  # Moodle's default


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(1, "100"), (0, "0"), (-0.5, "-50"), (0.3333333, "33.33333"), (0.1428571, "14.28571"), (-1e-12, "0")],
)
def test_percent_keeps_moodles_seven_decimals_both_ways(fraction, text):
    assert gift_text.percent(fraction) == text
    assert gift_text.from_percent(text) == round(fraction, 9)


def test_split_format_and_the_questions_format():
    assert gift_text.split_format(" [markdown]**a**") == ("markdown", "**a**")
    assert gift_text.split_format("[other]x") == (None, "[other]x")
    assert gift_text.html("[plain]<b>") == "&lt;b&gt;"
    assert gift_text.plain("[plain]a\\=b") == "a=b"
    token = gift_text.QUESTION_FORMAT.set("plain")
    try:
        assert gift_text.html("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
        assert gift_text.html("[html]<b>x</b>") == "<b>x</b>"
    finally:
        gift_text.QUESTION_FORMAT.reset(token)
    assert gift_text.html("<b>x</b>") == "<b>x</b>"
