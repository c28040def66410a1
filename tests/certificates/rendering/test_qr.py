"""The certificate's QR code holds exactly its verification URL, with the code upper-cased."""

from __future__ import annotations

import pytest
import segno

from certificates.rendering.qr import dark_runs, make_qr, qr_text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://lms.rp.ac.rw/v/7k3q-9xpm-2vd4-h", "https://lms.rp.ac.rw/v/7K3Q-9XPM-2VD4-H"),
        ("https://lms.rp.ac.rw/v/7K3Q-9XPM-2VD4-H", "https://lms.rp.ac.rw/v/7K3Q-9XPM-2VD4-H"),
        # the path around the code keeps its case (a path is case-sensitive), the query's code does not
        ("http://localhost:5000/Verify?code=7k3q-9xpm-2vd4-h", "http://localhost:5000/Verify?code=7K3Q-9XPM-2VD4-H"),
        ("https://lms.rp.ac.rw/v/other", "https://lms.rp.ac.rw/v/other"),
    ],
)
def test_the_code_part_is_upper_cased_and_nothing_else(url, expected):
    assert qr_text(url, "7K3Q-9XPM-2VD4-H") == expected


def test_a_host_that_looks_like_the_code_is_left_alone():
    assert qr_text("https://abc.example/v/abc", "ABC") == "https://abc.example/v/ABC"


def test_the_qr_code_is_made_for_the_exact_url():
    url = "https://lms.rp.ac.rw/v/7k3q-9xpm-2vd4-h"
    qr = make_qr(url, "7K3Q-9XPM-2VD4-H")
    expected = segno.make("https://lms.rp.ac.rw/v/7K3Q-9XPM-2VD4-H", error="m", micro=False)
    assert qr.matrix == expected.matrix
    assert not qr.is_micro and qr.error in {"M", "Q", "H"}
    assert qr.version <= 4  # 33 modules: prints sharp at 3 cm


def test_the_runs_cover_exactly_the_dark_modules():
    qr = make_qr("https://lms.rp.ac.rw/v/7K3Q-9XPM-2VD4-H", "7K3Q-9XPM-2VD4-H")
    size = len(qr.matrix)
    drawn = [[False] * size for _ in range(size)]
    for row, column, length in dark_runs(qr):
        for offset in range(length):
            assert not drawn[row][column + offset]
            drawn[row][column + offset] = True
    assert drawn == [[bool(module) for module in row] for row in qr.matrix]
