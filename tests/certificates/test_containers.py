"""Baking a credential into a badge PNG and reading credentials back out of uploaded files
(certificates/vc/containers.py): round trips, and every kind of bad file refused with a plain message."""

from __future__ import annotations

import io
import json
import struct
import zlib

import pytest
import segno
from PIL import Image
from pypdf import PdfWriter

from certificates.vc.containers import (
    MAX_BYTES,
    NotACredential,
    bake_png,
    credential_from_bytes,
)

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:6c8b1d0e-2f2a-4a57-9e43-3a0f3f1c2b11",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Amashanyarazi yo mu nyubako — Icyiciro cya 3",
    "credentialSubject": {"type": ["AchievementSubject"], "name": "Mukamana Éloïse"},
}
TEXT = json.dumps(CREDENTIAL, ensure_ascii=False)
JWS = "eyJhbGciOiJFZERTQSIsInR5cCI6InZjK2p3dCJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUifQ.c2lnbmF0dXJl"


def segno_png() -> bytes:
    out = io.BytesIO()
    segno.make("https://lms.example.rw/v/7K3Q9XPM2VD4H").save(out, kind="png", scale=3)
    return out.getvalue()


def pillow_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 120, 200, 255)).save(out, format="PNG")
    return out.getvalue()


def chunk_types(png: bytes) -> list[bytes]:
    types, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        types.append(png[position + 4 : position + 8])
        position += 12 + length
    return types


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def with_chunks(png: bytes, *extra: bytes) -> bytes:
    """``png`` with raw chunks inserted before IEND (the last 12 bytes)."""
    return png[:-12] + b"".join(extra) + png[-12:]


def pdf_with_attachments(*files: tuple[str, bytes, bool]) -> bytes:
    """A one-page PDF written by hand with embedded files (name, content, deflated?): pypdf's writer
    only writes uncompressed attachments, and a hostile file need not come from pypdf."""
    objects = [
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
    ]
    names = []
    for name, content, deflate in files:
        body = zlib.compress(content, 9) if deflate else content
        filter_entry = b" /Filter /FlateDecode" if deflate else b""
        stream_number = len(objects) + 2  # the catalog will be object 1, placed in front at the end
        objects.append(
            b"<< /Type /EmbeddedFile /Length %d%s >>\nstream\n" % (len(body), filter_entry) + body + b"\nendstream"
        )
        objects.append(b"<< /Type /Filespec /F (%s) /EF << /F %d 0 R >> >>" % (name.encode(), stream_number))
        names.append(b"(%s) %d 0 R" % (name.encode(), stream_number + 1))
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [%s] >> >> >>" % b" ".join(names)
    objects.insert(0, catalog)
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def svg(body: str, *, namespace: bool = True) -> bytes:
    declaration = ' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' if namespace else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"{declaration} '
        f'width="10" height="10">{body}<circle cx="5" cy="5" r="4"/></svg>'
    ).encode()


def refused(data: bytes, filename: str | None = None) -> str:
    with pytest.raises(NotACredential) as caught:
        credential_from_bytes(data, filename)
    return str(caught.value)


# -- PNG ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [segno_png, pillow_png])
def test_a_baked_png_gives_back_the_credential_and_still_opens(make):
    original = make()
    baked = bake_png(original, TEXT)

    assert credential_from_bytes(baked, "badge.png") == CREDENTIAL
    picture = Image.open(io.BytesIO(baked))
    picture.load()  # decodes the pixels: every chunk is still valid
    assert picture.size == Image.open(io.BytesIO(original)).size
    types = chunk_types(baked)
    assert types.count(b"iTXt") == 1 and types[-2:] == [b"iTXt", b"IEND"]


def test_the_chunk_is_uncompressed_with_the_open_badges_keyword():
    baked = bake_png(pillow_png(), TEXT)
    assert b"openbadgecredential\x00\x00\x00\x00\x00" + TEXT.encode() in baked


def test_baking_again_replaces_the_credential():
    once = bake_png(segno_png(), TEXT)
    twice = bake_png(once, '{"id": "urn:uuid:re-issued"}')

    assert chunk_types(twice).count(b"iTXt") == 1
    assert credential_from_bytes(twice) == {"id": "urn:uuid:re-issued"}
    Image.open(io.BytesIO(twice)).load()


def test_baking_keeps_other_text_chunks():
    comment = chunk(b"tEXt", b"Comment\x00made by a drawing program")
    baked = bake_png(with_chunks(pillow_png(), comment), TEXT)
    assert comment in baked and credential_from_bytes(baked) == CREDENTIAL


@pytest.mark.parametrize(
    "png",
    [b"GIF89a not a png", segno_png()[:-20], segno_png()[:-4] + b"\0\0\0\0"],
    ids=["not-png", "truncated", "bad-checksum"],
)
def test_baking_refuses_what_is_not_a_whole_png(png):
    with pytest.raises(ValueError):
        bake_png(png, TEXT)


def test_an_unbaked_png_carries_no_credential():
    assert refused(segno_png(), "badge.png") == "the PNG carries no credential"


def test_a_truncated_png_is_refused():
    baked = bake_png(pillow_png(), TEXT)
    assert refused(baked[: len(baked) - 30]) == "the PNG is truncated"


def test_a_png_with_two_credentials_is_refused():
    one = b"openbadgecredential\x00\x00\x00\x00\x00" + b'{"id": "a"}'
    two = b"openbadgecredential\x00\x00\x00\x00\x00" + b'{"id": "b"}'
    png = with_chunks(pillow_png(), chunk(b"iTXt", one), chunk(b"iTXt", two))
    assert refused(png) == "the PNG carries more than one credential"


def test_a_jwt_in_a_png_is_not_supported():
    assert refused(bake_png(pillow_png(), JWS)) == "a JWT credential: not supported"


def test_a_compressed_chunk_is_read_within_the_cap():
    data = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(TEXT.encode())
    assert credential_from_bytes(with_chunks(pillow_png(), chunk(b"iTXt", data))) == CREDENTIAL


def test_a_decompression_bomb_in_a_png_stops_at_the_cap():
    bomb = zlib.compress(b'{"a": "' + b"x" * (MAX_BYTES + 1000) + b'"}', 9)
    assert len(bomb) < 20_000
    data = b"openbadgecredential\x00\x01\x00\x00\x00" + bomb
    message = refused(with_chunks(pillow_png(), chunk(b"iTXt", data)))
    assert message == "the PNG's credential is larger than 5 MB once decompressed"


def test_a_malformed_chunk_is_refused():
    png = with_chunks(pillow_png(), chunk(b"iTXt", b"openbadgecredential\x00\x00"))
    assert refused(png) == "the PNG's credential chunk is malformed"


# -- JSON ---------------------------------------------------------------------------------------------


def test_json_round_trip_with_a_byte_order_mark():
    assert credential_from_bytes(TEXT.encode()) == CREDENTIAL
    assert credential_from_bytes(b"\xef\xbb\xbf" + TEXT.encode(), "credential.json") == CREDENTIAL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[1, 2]", "the JSON is not an object"),
        (b"42", "the JSON is not an object"),
        (b'"text"', "the JSON is not an object"),
        (JWS.encode(), "a JWT credential: not supported"),
        (b'{"id": "a", "id": "b"}', 'the JSON has the key "id" twice'),
        (b'{"n": NaN}', "the JSON contains NaN, which JSON does not allow"),
        (b'{"id": "a",', "the JSON is malformed (Expecting property name enclosed in double quotes, line 1 column 12)"),
        (b"[" * 100_000, "the JSON is nested too deeply"),
    ],
)
def test_bad_json_is_refused_plainly(data, message):
    assert refused(data) == message


# -- PDF ----------------------------------------------------------------------------------------------


def test_the_credential_json_attachment_is_read():
    pdf = pdf_with_attachments(("notes.txt", b"hello", False), ("credential.json", TEXT.encode(), True))
    assert credential_from_bytes(pdf, "certificate.pdf") == CREDENTIAL


def test_the_only_json_attachment_is_read_whatever_its_name():
    assert credential_from_bytes(pdf_with_attachments(("badge-credential.json", TEXT.encode(), False))) == CREDENTIAL


def test_a_pdf_written_by_pypdf_is_read():
    writer = PdfWriter()
    writer.add_blank_page(200, 100)
    writer.add_attachment("credential.json", TEXT.encode())
    out = io.BytesIO()
    writer.write(out)
    assert credential_from_bytes(out.getvalue()) == CREDENTIAL


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ((), "the PDF has no credential.json attached"),
        ((("notes.txt", b"hello", False),), "the PDF has no credential.json attached"),
        (
            (("a.json", b"{}", False), ("b.json", b"{}", False)),
            "the PDF has several JSON files attached and none is named credential.json",
        ),
        ((("credential.json", b"[]", False),), "the JSON is not an object"),
        ((("credential.json", JWS.encode(), False),), "a JWT credential: not supported"),
        ((("credential.json", b"\xff\xfe", False),), "the PDF's credential is not UTF-8 text"),
    ],
)
def test_pdfs_without_a_usable_credential_are_refused(files, message):
    assert refused(pdf_with_attachments(*files)) == message


def test_a_pdf_attachment_bomb_stops_at_the_cap():
    bomb = b'{"a": "' + b"x" * (MAX_BYTES * 4) + b'"}'
    pdf = pdf_with_attachments(("credential.json", bomb, True))
    assert len(pdf) < 100_000
    assert refused(pdf) == "the PDF could not be read (damaged, or too large once decompressed)"


@pytest.mark.parametrize("data", [b"%PDF-1.7\n garbage", b"%PDF-1.4\n" + bytes(range(256)) * 10])
def test_a_damaged_pdf_is_refused(data):
    assert refused(data).startswith("the PDF could not be read")


# -- SVG ----------------------------------------------------------------------------------------------


def test_a_baked_svg_gives_back_the_credential():
    data = svg(f"<openbadges:credential><![CDATA[{TEXT}]]></openbadges:credential>")
    assert credential_from_bytes(data, "badge.svg") == CREDENTIAL


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (svg(""), "the SVG carries no credential"),
        (svg(f'<openbadges:credential verify="{JWS}"/>'), "a JWT credential: not supported"),
        (
            svg("<openbadges:credential>{}</openbadges:credential>" * 2),
            "the SVG carries more than one credential",
        ),
        (svg("<openbadges:credential>[]</openbadges:credential>"), "the JSON is not an object"),
        (b"<svg><unclosed></svg>", "the SVG could not be read (malformed XML, or it declares entities)"),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "the SVG could not be read (malformed XML, or it declares entities)",
        ),
        (b"<html><body>hello</body></html>", "not JSON, PNG, PDF or SVG"),
    ],
)
def test_bad_svgs_are_refused(data, message):
    assert refused(data) == message


# -- anything else ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", None, "the file is empty"),
        (b"hello world", None, "not JSON, PNG, PDF or SVG"),
        (bytes(range(256)) * 4, None, "not JSON, PNG, PDF or SVG"),
        (
            b"\xff\xd8\xff\xe0 a jpeg",
            "badge.png",
            "not JSON, PNG, PDF or SVG (the name ends in .png, the content is not PNG)",
        ),
        (b"just words", "credential.json", "the JSON is malformed (Expecting value, line 1 column 1)"),
    ],
)
def test_unrecognised_files_are_refused(data, filename, message):
    assert refused(data, filename) == message


def test_a_file_over_the_cap_is_refused_before_parsing():
    huge = b'{"a": "' + b"x" * MAX_BYTES + b'"}'
    assert refused(huge) == "the file is larger than 5 MB"
    assert refused(b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES)) == "the file is larger than 5 MB"


def test_not_a_credential_is_a_value_error():
    assert issubclass(NotACredential, ValueError)
