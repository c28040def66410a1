"""The certificate PDF (certificates/rendering/pdf.py): one A4 landscape page whose text is the learner's,
in embedded fonts, labelled in the certificate's language, with the credential attached byte for byte."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from certificates.rendering.pdf import render_pdf
from certificates.rendering.qr import dark_runs, make_qr
from certificates.vc.containers import credential_from_bytes
from tests.certificates.rendering.helpers import CODE, COURSE, CREDENTIAL, URL, facts


def render(app, **changes) -> PdfReader:
    with app.app_context():
        return PdfReader(io.BytesIO(render_pdf(facts(**changes), CREDENTIAL)))


def page_text(reader: PdfReader) -> str:
    # one kind of space: French puts a no-break space before a colon
    return re.sub(r"\s+", " ", reader.pages[0].extract_text().replace("\xa0", " ").replace("\u202f", " "))


def test_one_landscape_a4_page(app):
    reader = render(app)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


@pytest.mark.parametrize("name", ["Mukamana Éloïse", "Ngabo Jean-Baptiste", "Wójcik Łukasz Ñúñez-Çelik"])
def test_the_page_says_who_did_what_with_the_code_and_the_address(app, name):
    text = page_text(render(app, learner_name=name))
    for expected in (name, COURSE, CODE, URL, "IPRC Kigali", "Kigali 2026 A", "Rwanda Polytechnic"):
        assert expected in text


def test_french_punctuation_survives(app):
    title = "« Électricité du bâtiment » — niveau 3, cœur du métier… l’atelier"
    assert title in page_text(render(app, course_title=title))


def test_only_embedded_dejavu_fonts(app):
    reader = render(app)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert fonts
    for reference in fonts.values():
        font = reference.get_object()
        assert "DejaVu" in font["/BaseFont"]  # no core font (Helvetica and co. are WinAnsi only)
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded


def test_the_credential_is_attached_byte_for_byte(app):
    reader = render(app)
    assert reader.attachments["credential.json"] == [CREDENTIAL]
    (attached,) = reader.attachment_list
    assert attached.associated_file_relationship == "/Data"
    assert attached.subtype == "/application/vc+ld+json"
    assert reader.trailer["/Root"]["/AF"][0].get_object()["/F"] == "credential.json"


def test_the_attachment_reads_back_as_the_credential(app):
    with app.app_context():
        pdf = render_pdf(facts(), CREDENTIAL)
    assert credential_from_bytes(pdf, "certificate.pdf") == json.loads(CREDENTIAL)


def test_the_code_is_in_the_metadata(app):
    metadata = render(app).metadata
    assert CODE in metadata.title and CODE in metadata.subject
    assert metadata.author == "Rwanda Polytechnic"


def test_the_qr_code_drawn_is_the_one_for_the_address(app):
    content = render(app).pages[0].get_contents().get_data().decode("latin-1")
    rectangles = len(re.findall(r" re\b", content))
    assert rectangles == len(dark_runs(make_qr(URL, CODE))) + 2  # the QR's runs and the two frame lines


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ["Certificate of completion", "This is to certify that", "Issued on March 20, 2026", "40 hours"]),
        (
            "fr",
            [
                "Certificat de réussite",
                "Nous certifions que",
                "Délivré le 20 mars 2026",
                "Valable jusqu’au 20 mars 2029",
                "Cohorte : Kigali 2026 A",
                "Note de l’évaluation finale : 87,5 %",
                "40 heures",
                "Vérifier sur " + URL,
            ],
        ),
        ("rw", ["Icyemezo cy'uko yarangije amasomo", "Turemeza ko", "Cyatanzwe na Rwanda Polytechnic", "amasaha 40"]),
    ],
)
def test_labels_are_in_the_certificates_language(app, locale, expected):
    text = page_text(render(app, locale=locale))
    for label in expected:
        assert label in text


def test_a_fractional_and_a_single_hour(app):
    assert "1.5 hours" in page_text(render(app, hours=1.5))
    assert "1 heure" in page_text(render(app, hours=1, locale="fr"))


def test_what_is_not_known_is_not_printed(app):
    text = page_text(
        render(
            app,
            valid_until=None,
            score_percent=None,
            hours=None,
            cohort_name=None,
            cohort_start=None,
            cohort_end=None,
            outcomes=(),
        )
    )
    for absent in ("Valid until", "score", "hours", "Cohort", "Learning outcomes"):
        assert absent not in text


def test_long_texts_stay_on_the_one_page(app):
    reader = render(
        app,
        learner_name="Nyiramahoro Uwimana Marie-Chantal Ingabire Ndayisenga Mukeshimana Uwase Umutoni",
        course_title="Gusana no kubungabunga ibikoresho " * 12,
        outcomes=tuple(f"Outcome number {n} of a long list" for n in range(30)),
    )
    text = page_text(reader)
    assert len(reader.pages) == 1
    assert "Outcome number 0" in text and "Outcome number 29" not in text and "…" in text
    assert CODE in text and URL in text


@pytest.mark.parametrize("locale", ["de", "not a language"])
def test_a_language_the_installation_does_not_offer_falls_back_to_its_default(app, locale):
    reader = render(app, locale=locale)
    assert "Certificate of completion" in page_text(reader) and "Issued on March 20, 2026" in page_text(reader)
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_the_document_language_is_the_certificates(app):
    assert render(app, locale="rw").trailer["/Root"]["/Lang"] == "rw"


def test_a_long_issuer_name_is_cut_short_of_the_code_and_the_full_name_heads_the_page(app):
    issuer = "Rwanda Polytechnic — Integrated Polytechnic Regional College of Kigali, Directorate of Training"
    text = page_text(render(app, issuer_name=issuer))
    assert issuer in text  # at the top, in full
    assert "Issued by Rwanda Polytechnic — Integ" in text and f"Issued by {issuer}" not in text
