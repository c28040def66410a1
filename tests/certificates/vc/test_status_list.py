"""Bitstring Status List: bit order (index 0 = most significant bit of byte 0) and the encoding."""

from __future__ import annotations

import base64
import gzip

import pytest

from certificates.vc import status_list
from certificates.vc.errors import Malformed


def test_bit_order_is_left_to_right():
    bits = status_list.new_list()
    status_list.set_bit(bits, 0)
    status_list.set_bit(bits, 9)
    assert bits[0] == 0b1000_0000
    assert bits[1] == 0b0100_0000
    assert status_list.is_set(bits, 0) and status_list.is_set(bits, 9)
    assert not status_list.is_set(bits, 7) and not status_list.is_set(bits, 8)


def test_clearing_a_bit_leaves_its_neighbours():
    bits = status_list.new_list()
    for index in (22, 23, 24):
        status_list.set_bit(bits, index)
    status_list.set_bit(bits, 23, False)
    assert [status_list.is_set(bits, index) for index in (22, 23, 24)] == [True, False, True]


def test_encoding_is_multibase_base64url_gzip_and_round_trips():
    bits = status_list.new_list()
    status_list.set_bit(bits, 4242)
    encoded = status_list.encode(bits)
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert raw == bytes(bits) and len(raw) == 16384
    assert status_list.decode(encoded) == bytes(bits)
    assert status_list.is_set(encoded, 4242) and not status_list.is_set(encoded, 4243)
    assert status_list.encode(bits) == encoded  # deterministic (no gzip timestamp)


def test_a_list_built_elsewhere_reads_the_same():
    # Bit 23 set, as in the 1EdTech revoked-credential vector: byte 2 is 0b00000001.
    raw = bytearray(16384)
    raw[2] = 1
    encoded = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(raw))).decode().rstrip("=")
    assert status_list.is_set(encoded, 23)
    assert not any(status_list.is_set(encoded, index) for index in range(23))


@pytest.mark.parametrize("encoded", ["", "zabc", "u!!!", "u" + base64.urlsafe_b64encode(b"not gzip").decode()])
def test_bad_lists(encoded):
    with pytest.raises(Malformed):
        status_list.decode(encoded)


def test_index_outside_the_list():
    with pytest.raises(Malformed):
        status_list.is_set(status_list.new_list(), 131072)
    with pytest.raises(Malformed):
        status_list.is_set(status_list.new_list(), -1)


def test_lists_are_big_enough_for_herd_privacy():
    assert len(status_list.new_list()) * 8 == 131072
    with pytest.raises(ValueError):
        status_list.new_list(1024)
