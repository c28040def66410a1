"""The QR code printed on a certificate: the verification URL, nothing else (a phone opens the page).

The code's part of the URL is upper-cased: codes are read case-insensitively, and a QR code stores
upper-case letters and digits in its compact alphanumeric mode, lower-case ones only as bytes.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import segno


def qr_text(verify_url: str, code: str) -> str:
    """``verify_url`` with the code in it upper-cased (host and path otherwise untouched: a path is
    case-sensitive). A URL that does not contain the code is returned as it is."""
    parts = urlsplit(verify_url)
    head = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
    tail = verify_url[len(head) :]
    upper = re.sub(re.escape(code), lambda match: match.group(0).upper(), tail, count=1, flags=re.IGNORECASE)
    return head + upper


def make_qr(verify_url: str, code: str) -> segno.QRCode:
    """The QR code of ``qr_text(verify_url, code)``: a full QR code (never a Micro QR, which phones do
    not read), error correction M at least (a certificate gets folded and stained; segno raises it when
    the symbol has room to spare)."""
    return segno.make(qr_text(verify_url, code), error="m", micro=False)


def dark_runs(qr: segno.QRCode) -> list[tuple[int, int, int]]:
    """The dark modules as (row, first column, length) runs, without the quiet zone: one rectangle per
    run draws the symbol as vector shapes, sharp at any print size."""
    runs = []
    for row, modules in enumerate(qr.matrix):
        column = 0
        while column < len(modules):
            if modules[column]:
                start = column
                while column < len(modules) and modules[column]:
                    column += 1
                runs.append((row, start, column - start))
            else:
                column += 1
    return runs
