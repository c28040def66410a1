"""The badge PNG (certificates/rendering/badge.py): a square picture with the credential baked in."""

from __future__ import annotations

import io
import json

from PIL import Image

from certificates.rendering.badge import SIZE, render_badge_png
from certificates.vc.containers import credential_from_bytes
from tests.certificates.rendering.helpers import CREDENTIAL, facts


def test_a_square_png_that_carries_the_credential(app):
    with app.app_context():
        png = render_badge_png(facts(), CREDENTIAL)
    picture = Image.open(io.BytesIO(png))
    picture.load()
    assert picture.format == "PNG" and picture.size == (SIZE, SIZE) == (600, 600)
    assert picture.getpixel((0, 0))[3] == 0 and picture.getpixel((SIZE // 2, SIZE // 2))[3] == 255  # a medal
    assert credential_from_bytes(png, "badge.png") == json.loads(CREDENTIAL)
    assert CREDENTIAL in png  # the exact signed bytes, uncompressed


def test_the_label_follows_the_certificates_language(app):
    with app.app_context():
        english, french = (render_badge_png(facts(locale=locale), CREDENTIAL) for locale in ("en", "fr"))
    assert Image.open(io.BytesIO(english)).tobytes() != Image.open(io.BytesIO(french)).tobytes()


def test_long_texts_still_make_a_badge(app):
    with app.app_context():
        png = render_badge_png(
            facts(learner_name="Nyiramahoro " * 10, course_title="Gusana no kubungabunga ibikoresho " * 10),
            CREDENTIAL,
        )
    assert Image.open(io.BytesIO(png)).size == (SIZE, SIZE)
    assert credential_from_bytes(png) == json.loads(CREDENTIAL)
