"""Certificate codes: ``7K3Q-9XPM-2VD4-H``, twelve random Crockford base32 symbols and one check symbol.

Twelve symbols carry 60 random bits (``secrets``), enough that codes cannot be guessed. The check symbol
is Crockford's: the 60-bit value mod 37, written in ``0-9A-Z`` without I, L, O, U, then ``*~$=U``. A prime
modulus catches every single-symbol substitution and every swap of two adjacent different symbols, so a
mistyped code is told apart from a code that does not exist. Reading is forgiving: case, hyphens and
spaces do not matter, and O/I/L read as 0/1/1.
"""

from __future__ import annotations

import re
import secrets

SYMBOLS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = SYMBOLS + "*~$=U"
LENGTH = 12
_VALUE = {symbol: value for value, symbol in enumerate(SYMBOLS)}
# Read as their look-alikes; hyphens are only for the eye.
_TIDY = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None})
_SHAPE = re.compile(f"[{SYMBOLS}]{{{LENGTH}}}[{re.escape(CHECK_SYMBOLS)}]")


def _check_symbol(body: str) -> str:
    value = 0
    for symbol in body:
        value = value * 32 + _VALUE[symbol]
    return CHECK_SYMBOLS[value % 37]


def _format(body: str, check: str) -> str:
    return f"{body[0:4]}-{body[4:8]}-{body[8:12]}-{check}"


def new_code() -> str:
    body = "".join(secrets.choice(SYMBOLS) for _ in range(LENGTH))
    return _format(body, _check_symbol(body))


def _symbols(text: str) -> str | None:
    if not isinstance(text, str):
        return None
    compact = "".join(text.split()).upper().translate(_TIDY)
    return compact if _SHAPE.fullmatch(compact) else None


def normalise(text: str) -> str | None:
    """The canonical ``XXXX-XXXX-XXXX-C`` form of what someone typed, or None if it has the wrong shape.

    The check symbol is not verified here (see ``check``), so a page can say "mistyped" rather than
    "not found".
    """
    compact = _symbols(text)
    return None if compact is None else _format(compact[:LENGTH], compact[LENGTH])


def check(text: str) -> bool:
    """True if ``text`` reads as a code whose check symbol matches."""
    compact = _symbols(text)
    return compact is not None and _check_symbol(compact[:LENGTH]) == compact[LENGTH]


def url_form(code: str) -> str:
    """The code as it goes in a URL path: no hyphens (``7K3Q9XPM2VD4H``).

    The check symbol may be ``*``, ``~``, ``$`` or ``=``: all are allowed unescaped in a path segment
    (RFC 3986 sub-delims/unreserved), so the URL needs no percent-encoding; ``normalise`` reads it back.
    """
    normal = normalise(code)
    if normal is None:
        raise ValueError("not a certificate code")
    return normal.replace("-", "")
