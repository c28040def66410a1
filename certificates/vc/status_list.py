"""Bitstring Status List v1.0: the compressed bitstring behind revocation.

``encodedList`` is multibase ``u`` + base64url (no padding) of the GZIP of the bitstring. Bit ``index`` is
counted from the left: index 0 is the most significant bit of byte 0 (a common bug sets whole bytes, or
counts from the least significant bit). Lists hold at least 131,072 entries so that one entry's fetch
does not single out a learner ("herd privacy").
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import zlib

from certificates.vc.errors import Malformed

MINIMUM_BITS = 131072
# A gzip bomb guard: the largest list we accept once decompressed (16 MiB = 134 million entries).
MAXIMUM_BYTES = 16 * 1024 * 1024


def new_list(size_bits: int = MINIMUM_BITS) -> bytearray:
    if size_bits < MINIMUM_BITS or size_bits % 8:
        raise ValueError(f"a status list holds a multiple of 8 entries, at least {MINIMUM_BITS}")
    return bytearray(size_bits // 8)


def encode(bits: bytes | bytearray) -> str:
    # mtime=0: the same list always encodes to the same string (and signs to the same proof).
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode(encoded: str) -> bytes:
    """The bitstring of an ``encodedList``; ``Malformed`` if it is not multibase base64url GZIP."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise Malformed("the status list is not multibase base64url")
    body = encoded[1:]
    if not re.fullmatch(r"[A-Za-z0-9_-]+", body):
        raise Malformed("the status list is not valid base64url")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        bits = decompressor.decompress(compressed, MAXIMUM_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise Malformed("the status list is not valid base64url GZIP") from None
    if len(bits) > MAXIMUM_BYTES:
        raise Malformed("the status list is too large")
    if not decompressor.eof or not bits:
        raise Malformed("the status list is truncated or empty")
    return bits


def _position(length: int, index: int) -> tuple[int, int]:
    if not isinstance(index, int) or index < 0 or index >= length * 8:
        raise Malformed(f"status list index {index} is outside the list")
    return index // 8, 0x80 >> (index % 8)


def is_set(encoded_or_bytes: str | bytes | bytearray, index: int) -> bool:
    bits = decode(encoded_or_bytes) if isinstance(encoded_or_bytes, str) else encoded_or_bytes
    byte, mask = _position(len(bits), index)
    return bool(bits[byte] & mask)


def set_bit(buf: bytearray, index: int, value: bool = True) -> None:
    byte, mask = _position(len(buf), index)
    if value:
        buf[byte] |= mask
    else:
        buf[byte] &= ~mask & 0xFF
