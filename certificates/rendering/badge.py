"""The badge: a square PNG picture of the certificate (a medal with the course, the learner, the year and
the code) with the signed credential baked in, the Open Badges way: a wallet or a verifier reads the
credential out of the picture itself (``certificates.vc.containers``).
"""

from __future__ import annotations

import io

import flask_babel
from PIL import Image, ImageDraw

from certificates.rendering import fonts, text
from certificates.rendering.facts import CertificateFacts
from certificates.vc.containers import bake_png

SIZE = 600
NAVY = (31, 78, 121, 255)
DEEP = (20, 45, 72, 255)
GOLD = (201, 162, 39, 255)
WHITE = (255, 255, 255, 255)


def render_badge_png(facts: CertificateFacts, credential_json: bytes) -> bytes:
    """A SIZE×SIZE PNG (transparent around the medal) with ``credential_json`` baked in."""
    with flask_babel.force_locale(text.language(facts)):
        label = text.title()
    picture = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((10, 10, SIZE - 10, SIZE - 10), fill=NAVY)
    draw.ellipse((28, 28, SIZE - 28, SIZE - 28), outline=GOLD, width=5)
    draw.ellipse((40, 40, SIZE - 40, SIZE - 40), fill=WHITE)

    # The circle narrows towards the top: the label's line is kept inside its chord.
    _centred_lines(draw, label.upper(), fonts.BOLD, 20, 12, top=108, width=320, colour=NAVY)
    _centred_lines(draw, facts.course_title, fonts.BOLD, 40, 20, top=152, width=440, colour=DEEP, max_lines=4, box=165)
    _centred_lines(draw, facts.learner_name, fonts.REGULAR, 28, 16, top=335, width=400, colour=DEEP, max_lines=2)

    # The ribbon across the lower part: the year of issue.
    draw.polygon([(40, 410), (SIZE - 40, 410), (SIZE - 60, 440), (SIZE - 40, 470), (40, 470), (60, 440)], fill=GOLD)
    _centred_lines(draw, str(facts.issued_on.year), fonts.BOLD, 30, 30, top=421, width=300, colour=DEEP)
    _centred_lines(draw, facts.code, fonts.MONO, 24, 14, top=492, width=330, colour=NAVY)

    out = io.BytesIO()
    picture.save(out, format="PNG")
    return bake_png(out.getvalue(), credential_json.decode("utf-8"))


def _wrap(draw, words: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in words.split():
        candidate = f"{current} {word}".strip()
        if not current or draw.textlength(candidate, font=font) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def _centred_lines(draw, line: str, font_name, size, smallest, *, top, width, colour, max_lines=1, box=None):
    """The text wrapped to ``width`` and centred, shrinking from ``size`` until it fits in ``max_lines``
    (and in ``box`` pixels of height when given); past the smallest size the last line ends in "…"."""
    while True:
        font = fonts.for_image(font_name, size)
        lines = _wrap(draw, line, font, width)
        height = len(lines) * size * 1.2
        if (len(lines) <= max_lines and (box is None or height <= box)) or size <= smallest:
            break
        size -= 2
    if len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
    lines = [_fit(draw, part, font, width) for part in lines]
    # Centre the block vertically in its box when it has one (a short title sits in the middle).
    y = top + ((box - len(lines) * size * 1.2) / 2 if box else 0)
    for part in lines:
        draw.text((SIZE / 2, y), part, font=font, fill=colour, anchor="ma")
        y += size * 1.2


def _fit(draw, line: str, font, width: int) -> str:
    if draw.textlength(line, font=font) <= width:
        return line
    while line and draw.textlength(line + "…", font=font) > width:
        line = line[:-1]
    return line.rstrip() + "…"
