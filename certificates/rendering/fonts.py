"""The fonts every rendering uses: DejaVu Sans (regular, bold) and DejaVu Sans Mono, vendored in
``data/fonts`` (licence and source in its README). Registered with reportlab once per process, and loaded
by Pillow once per size, because parsing a 700 KB TrueType file costs more than drawing a certificate.
"""

from __future__ import annotations

import functools
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "data" / "fonts"
FILES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSansMono": "DejaVuSansMono.ttf",
}
REGULAR, BOLD, MONO = FILES


def path(name: str) -> Path:
    return FOLDER / FILES[name]


@functools.cache
def register_for_pdf() -> None:
    """Make the three fonts known to reportlab under the names above (embedded, subset per document)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in FILES:
        pdfmetrics.registerFont(TTFont(name, str(path(name))))


@functools.cache
def for_image(name: str, size: int):
    """A Pillow font: ``PIL.ImageFont.FreeTypeFont``."""
    from PIL import ImageFont

    return ImageFont.truetype(str(path(name)), size)
