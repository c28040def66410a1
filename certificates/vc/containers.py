"""The files a credential travels in: baking it into a badge PNG, and reading it back out of any file a
verifier uploads (the credential JSON itself, a baked PNG, the certificate PDF, a baked SVG).

Pure: no Flask, no database. Formats follow Open Badges 3.0 "baking" (docformat): a PNG carries the
credential in one uncompressed ``iTXt`` chunk with keyword ``openbadgecredential``; an SVG in an
``<openbadges:credential>`` element (``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"``) whose
body is the JSON; our PDF attaches it as the embedded file ``credential.json``.

Reading treats every byte as hostile: the input is capped at ``MAX_BYTES`` before anything is parsed,
every decompression is bounded by the same cap (a small PNG or PDF can inflate to gigabytes), XML is
parsed with defusedxml (no entities, no DTD), and every failure is a ``NotACredential`` whose message
can be shown to the person who uploaded the file. The content decides the format, not the file name.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zlib

MAX_BYTES = 5 * 1024 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
PDF_ATTACHMENT = "credential.json"

# A compact JWS/JWT: three base64url parts (the payload may be empty for a detached signature).
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")
JWT_NOT_SUPPORTED = "a JWT credential: not supported"
UNRECOGNISED = "not JSON, PNG, PDF or SVG"


class NotACredential(ValueError):
    """The file carries no credential this installation can read; the message says why, in plain words."""


# -- PNG ----------------------------------------------------------------------------------------------


def _png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The chunks of a PNG up to and including IEND, as (type, data); ValueError if it is not a whole PNG.

    Checksums are checked too: a damaged file is refused rather than re-baked or half-read.
    """
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    chunks, position, end = [], len(PNG_SIGNATURE), len(png)
    while True:
        if position + 12 > end:
            raise ValueError("the PNG is truncated")
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        data_end = position + 8 + length
        if data_end + 4 > end:
            raise ValueError("the PNG is truncated")
        data = png[position + 8 : data_end]
        (crc,) = struct.unpack(">I", png[data_end : data_end + 4])
        if zlib.crc32(kind + data) != crc:
            raise ValueError("the PNG is damaged (a checksum does not match)")
        chunks.append((kind, data))
        position = data_end + 4
        if kind == b"IEND":
            return chunks  # anything after IEND is not part of the image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I4s", len(data), kind) + data + struct.pack(">I", zlib.crc32(kind + data))


def _is_credential_chunk(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.split(b"\0", 1)[0] == KEYWORD


def bake_png(png: bytes, credential_text: str) -> bytes:
    """``png`` with ``credential_text`` in one uncompressed ``iTXt`` chunk ``openbadgecredential``, just
    before IEND. A credential already baked in is replaced (OB 3.0 allows one chunk), so a re-issued
    certificate can be re-baked into the same picture. ValueError if ``png`` is not a whole, intact PNG."""
    chunks = _png_chunks(png)
    # keyword and its null, compression flag 0 and method 0, then an empty language tag and an empty
    # translated keyword (each ended by a null), then the text
    payload = KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + credential_text.encode("utf-8")
    kept = b"".join(_chunk(kind, data) for kind, data in chunks[:-1] if not _is_credential_chunk(kind, data))
    return PNG_SIGNATURE + kept + _chunk(b"iTXt", payload) + _chunk(*chunks[-1])


def _inflate(data: bytes) -> bytes:
    """zlib data inflated to at most MAX_BYTES: a bomb stops at the cap instead of filling the memory."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_BYTES)
    except zlib.error as error:
        raise NotACredential("the PNG's credential is damaged (it does not decompress)") from error
    if inflater.unconsumed_tail:
        raise NotACredential("the PNG's credential is larger than 5 MB once decompressed")
    return out


def _credential_text_from_png(png: bytes) -> str:
    try:
        chunks = _png_chunks(png)
    except ValueError as error:
        raise NotACredential(str(error)) from error
    found = [data for kind, data in chunks if _is_credential_chunk(kind, data)]
    if not found:
        raise NotACredential("the PNG carries no credential")
    if len(found) > 1:
        # Open Badges allows one; with two, which one the picture "means" is ambiguous.
        raise NotACredential("the PNG carries more than one credential")
    try:
        _keyword, rest = found[0].split(b"\0", 1)
        compressed, method, rest = rest[0], rest[1], rest[2:]
        _language, _translated, text = rest.split(b"\0", 2)
    except (ValueError, IndexError) as error:
        raise NotACredential("the PNG's credential chunk is malformed") from error
    if compressed:
        # OB 3.0 says not to compress; a compressed chunk is still read, within the cap.
        if method != 0:
            raise NotACredential("the PNG's credential chunk is malformed")
        text = _inflate(text)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotACredential("the PNG's credential is not UTF-8 text") from error


# -- JSON ---------------------------------------------------------------------------------------------


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict:
    # Two values for one key: parsers disagree on which one wins, so what is shown and what is checked
    # could differ. Refused rather than guessed.
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise NotACredential(f'the JSON has the key "{key}" twice')
        result[key] = value
    return result


def _refuse_constant(name: str) -> None:
    raise NotACredential(f"the JSON contains {name}, which JSON does not allow")


def _credential_from_text(text: str) -> dict:
    """The credential in ``text`` (the JSON of a file, a PNG chunk, an attachment, an SVG element)."""
    text = text.removeprefix("\ufeff").strip()
    if COMPACT_JWS.match(text):
        raise NotACredential(JWT_NOT_SUPPORTED)
    try:
        value = json.loads(text, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise NotACredential(
            f"the JSON is malformed ({error.msg}, line {error.lineno} column {error.colno})"
        ) from error
    except RecursionError as error:
        raise NotACredential("the JSON is nested too deeply") from error
    if not isinstance(value, dict):
        raise NotACredential("the JSON is not an object")
    return value


# -- PDF ----------------------------------------------------------------------------------------------


def _credential_text_from_pdf(data: bytes) -> str:
    from pypdf import PdfReader, apply_configuration

    # pypdf's own limits are 75 MB per stream; a credential never needs more than our cap, so every
    # decompression pypdf does here (object streams, the attachment) stops there.
    limits = {
        name: MAX_BYTES
        for name in (
            "maximum_declared_stream_length",
            "array_based_stream_maximum_output_length",
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "jbig2_maximum_output_length",
        )
    }
    try:
        with apply_configuration(**limits):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise NotACredential("the PDF is encrypted")
            attachments = reader.attachments  # names only: contents are decoded on access
            names = list(attachments)
            if PDF_ATTACHMENT in names:
                name = PDF_ATTACHMENT
            else:
                json_names = [n for n in names if n.lower().endswith(".json")]
                if not json_names:
                    raise NotACredential("the PDF has no credential.json attached")
                if len(json_names) > 1:
                    raise NotACredential("the PDF has several JSON files attached and none is named credential.json")
                name = json_names[0]
            contents = attachments[name]
    except NotACredential:
        raise
    except Exception as error:
        # pypdf raises many kinds of error on damaged or hostile files (its own, and ValueError,
        # KeyError, RecursionError…): all of them mean the same thing to the person who sent it.
        raise NotACredential("the PDF could not be read (damaged, or too large once decompressed)") from error
    if len(contents) != 1:
        raise NotACredential(f"the PDF has more than one {name} attached")
    if len(contents[0]) > MAX_BYTES:
        raise NotACredential("the PDF's credential is larger than 5 MB")
    try:
        return contents[0].decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotACredential("the PDF's credential is not UTF-8 text") from error


# -- SVG ----------------------------------------------------------------------------------------------


def _credential_from_svg(text: str) -> dict:
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(text)
    except (ParseError, DefusedXmlException) as error:
        raise NotACredential("the SVG could not be read (malformed XML, or it declares entities)") from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise NotACredential(UNRECOGNISED)
    # OB 3.0 puts the element directly under <svg>; one only, as for a PNG.
    found = root.findall(f"{{{OB_NAMESPACE}}}credential")
    if not found:
        raise NotACredential("the SVG carries no credential")
    if len(found) > 1:
        raise NotACredential("the SVG carries more than one credential")
    element = found[0]
    if element.get("verify"):
        raise NotACredential(JWT_NOT_SUPPORTED)
    return _credential_from_text(element.text or "")


# -- any file -----------------------------------------------------------------------------------------


def credential_from_bytes(data: bytes, filename: str | None = None) -> dict:
    """The credential carried by an uploaded file: its JSON, a baked PNG or SVG, or our PDF.

    The format is recognised from the content (a name can lie); ``filename`` only makes the message for
    an unrecognised file more useful. Raises NotACredential with a message fit to show the uploader.
    """
    if len(data) > MAX_BYTES:
        raise NotACredential("the file is larger than 5 MB")
    if not data.strip():
        raise NotACredential("the file is empty")
    if data.startswith(PNG_SIGNATURE):
        return _credential_from_text(_credential_text_from_png(data))
    # PDF readers accept the header anywhere in the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return _credential_from_text(_credential_text_from_pdf(data))
    try:
        text = data.decode("utf-8").removeprefix("\ufeff").strip()
    except UnicodeDecodeError:
        raise NotACredential(_unrecognised(filename)) from None
    if text.startswith("<"):
        return _credential_from_svg(text)
    if COMPACT_JWS.match(text):
        raise NotACredential(JWT_NOT_SUPPORTED)
    if text[0] in '{["' or (filename or "").lower().endswith(".json"):
        return _credential_from_text(text)
    try:
        json.loads(text)  # a bare number, true, false or null is JSON, but not an object
    except (ValueError, RecursionError):
        raise NotACredential(_unrecognised(filename)) from None
    raise NotACredential("the JSON is not an object")


def _unrecognised(filename: str | None) -> str:
    extension = (filename or "").rpartition(".")[2].lower() if "." in (filename or "") else ""
    if extension in {"json", "png", "pdf", "svg"}:
        return f"{UNRECOGNISED} (the name ends in .{extension}, the content is not {extension.upper()})"
    return UNRECOGNISED
