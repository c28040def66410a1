"""The printable certificate: one A4 landscape page drawn with reportlab, the signed credential attached
as ``credential.json`` (an associated file, relationship Data, as PDF/A-3 has it) so that the PDF alone
can be verified, and the code in the document's metadata so a file manager or a registry finds it.

Everything on the page is text in embedded DejaVu fonts (searchable, copyable, any Latin name), the QR
code is drawn as vector rectangles, and the page prints in black and one dark colour.
"""

from __future__ import annotations

import io

import flask_babel
from flask_babel import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, NameObject, TextStringObject
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from certificates.rendering import fonts, text
from certificates.rendering.facts import CertificateFacts
from certificates.rendering.qr import dark_runs, make_qr

WIDTH, HEIGHT = landscape(A4)  # 841.9 × 595.3 points
INK = HexColor("#1f2d3d")
ACCENT = HexColor("#1f4e79")
MUTED = HexColor("#5b6670")
MARGIN = 28
TEXT_WIDTH = WIDTH - 2 * 90
QR_SIZE = 96  # points, about 34 mm: a phone reads it from arm's length
FOOTER_COLUMN = 225  # points: the dates and issuer, bottom left, end before the code
ATTACHMENT = "credential.json"
MEDIA_TYPE = "/application/vc+ld+json"  # a PDF name (pypdf writes the inner "/" as #2F)


def render_pdf(facts: CertificateFacts, credential_json: bytes) -> bytes:
    """The certificate PDF of ``facts``, with ``credential_json`` (the exact signed bytes) attached.

    Labels are in ``facts.locale``; call it with an application context (a job has one), which is where
    the catalogues are: without one, they are in English."""
    with flask_babel.force_locale(text.language(facts)):
        page = _draw(facts)
        title = f"{text.title()} {facts.code}"
        subject = f"{facts.course_title} — {facts.learner_name} — {facts.code}"
    return _attach(page, credential_json, title=title, subject=subject, author=facts.issuer_name, code=facts.code)


def _draw(facts: CertificateFacts) -> bytes:
    fonts.register_for_pdf()
    out = io.BytesIO()
    # The initial font is ours: reportlab's default would put an unembedded Helvetica in the page.
    canvas = Canvas(
        out, pagesize=(WIDTH, HEIGHT), pageCompression=1, initialFontName=fonts.REGULAR, lang=text.language(facts)
    )
    canvas.setCreator("tot-lms")
    _border(canvas)

    y = HEIGHT - 72
    y = _fitted(canvas, facts.issuer_name, fonts.REGULAR, 13, 9, y, max_lines=1, colour=MUTED)
    y = _centred(canvas, text.title(), fonts.BOLD, 30, y - 40, ACCENT)
    y = _centred(canvas, _("This is to certify that"), fonts.REGULAR, 13, y - 34, INK)
    y = _fitted(canvas, facts.learner_name, fonts.BOLD, 34, 18, y - 42, max_lines=2)
    y = _centred(canvas, _("has completed"), fonts.REGULAR, 13, y - 30, INK)
    y = _fitted(canvas, facts.course_title, fonts.BOLD, 21, 12, y - 30, max_lines=2, colour=ACCENT)
    for line in (text.course_line(facts), text.cohort_line(facts)):
        if line:
            y = _fitted(canvas, line, fonts.REGULAR, 12, 8, y - 22, max_lines=1, colour=INK)
    if facts.score_percent is not None:
        y = _centred(canvas, text.score(facts.score_percent), fonts.REGULAR, 12, y - 20, INK)
    _outcomes(canvas, facts.outcomes, y - 22)
    _footer(canvas, facts)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _border(canvas: Canvas) -> None:
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2.5)
    canvas.rect(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN)
    canvas.setLineWidth(0.6)
    canvas.rect(MARGIN + 6, MARGIN + 6, WIDTH - 2 * MARGIN - 12, HEIGHT - 2 * MARGIN - 12)


def _centred(canvas: Canvas, line: str, font: str, size: float, y: float, colour) -> float:
    canvas.setFont(font, size)
    canvas.setFillColor(colour)
    canvas.drawCentredString(WIDTH / 2, y, line)
    return y


def _fitted(canvas, line, font, size, smallest, y, *, max_lines, colour=INK) -> float:
    """``line`` centred at ``y``: on one line if shrinking the type by up to a third fits it, else wrapped
    on up to ``max_lines`` lines, shrinking towards ``smallest``; what still does not fit ends in "…".
    Returns the last line's y."""
    lines, chosen = [line], size
    for candidate in range(int(size), int(size * 2 / 3) - 1, -1):
        if stringWidth(line, font, candidate) <= TEXT_WIDTH:
            chosen = candidate
            break
    else:
        chosen = size
        while True:
            lines = simpleSplit(line, font, chosen, TEXT_WIDTH)
            if len(lines) <= max_lines or chosen <= smallest:
                break
            chosen -= 1
        if len(lines) > max_lines:
            lines = lines[: max_lines - 1] + [" ".join(lines[max_lines - 1 :])]
        lines = [
            part if stringWidth(part, font, chosen) <= TEXT_WIDTH else _ellipsised(part, font, chosen) for part in lines
        ]
    for index, part in enumerate(lines):
        _centred(canvas, part, font, chosen, y - index * chosen * 1.2, colour)
    return y - (len(lines) - 1) * chosen * 1.2


def _ellipsised(line: str, font: str, size: float, width: float = TEXT_WIDTH) -> str:
    while line and stringWidth(line + "…", font, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def _outcomes(canvas: Canvas, outcomes: tuple[str, ...], y: float) -> None:
    """The learning outcomes, one line each, in the room left above the footer; when they do not all
    fit, the last line that fits says "…"."""
    floor, size, leading = 172, 9, 12
    room = int((y - 14 - floor) // leading) + 1
    if not outcomes or room < 1:
        return
    _centred(canvas, _("Learning outcomes"), fonts.BOLD, size + 1, y, INK)
    lines = ["• " + outcome for outcome in outcomes]
    if len(lines) > room:
        lines = lines[: room - 1] + ["…"]
    for index, line in enumerate(lines):
        if stringWidth(line, fonts.REGULAR, size) > TEXT_WIDTH:
            line = _ellipsised(line, fonts.REGULAR, size)
        _centred(canvas, line, fonts.REGULAR, size, y - 14 - index * leading, MUTED)


def _footer(canvas: Canvas, facts: CertificateFacts) -> None:
    left, base = MARGIN + 30, MARGIN + 44
    # Dates and issuer, bottom left.
    canvas.setFillColor(INK)
    canvas.setFont(fonts.REGULAR, 10)
    lines = [_("Issued on %(date)s", date=text.day(facts.issued_on))]
    if facts.valid_until:
        lines.append(_("Valid until %(date)s", date=text.day(facts.valid_until)))
    lines.append(_("Issued by %(issuer)s", issuer=facts.issuer_name))
    for index, line in enumerate(lines):
        # The column ends before the code's: a long issuer name is cut rather than printed over it.
        if stringWidth(line, fonts.REGULAR, 10) > FOOTER_COLUMN:
            line = _ellipsised(line, fonts.REGULAR, 10, FOOTER_COLUMN)
        canvas.drawString(left, base + 62 - index * 15, line)

    # The code, large, in the middle: what a verifier types.
    canvas.setFillColor(MUTED)
    canvas.setFont(fonts.REGULAR, 9)
    canvas.drawCentredString(WIDTH / 2, base + 62, _("Certificate code"))
    canvas.setFillColor(INK)
    canvas.setFont(fonts.MONO, 24)
    canvas.drawCentredString(WIDTH / 2, base + 36, facts.code)

    # The QR code, bottom right, and the address in words across the foot for whoever has no phone.
    qr = make_qr(facts.verify_url, facts.code)
    rows = len(qr.matrix)
    module = QR_SIZE / rows
    x0, y0 = WIDTH - MARGIN - 30 - QR_SIZE, base - 12
    path = canvas.beginPath()
    for row, column, length in dark_runs(qr):
        path.rect(x0 + column * module, y0 + (rows - 1 - row) * module, length * module, module)
    canvas.setFillColor(HexColor("#000000"))
    canvas.drawPath(path, stroke=0, fill=1)
    # The address in words, centred, must stop short of the QR code: smaller type for a long one.
    verify, room = _("Verify at %(url)s", url=facts.verify_url), 2 * (x0 - 12 - WIDTH / 2)
    size = next((size for size in (10, 9, 8, 7) if stringWidth(verify, fonts.REGULAR, size) <= room), 7)
    if stringWidth(verify, fonts.REGULAR, size) > room:
        verify = _ellipsised(verify, fonts.REGULAR, size, room)
    canvas.setFont(fonts.REGULAR, size)
    canvas.drawCentredString(WIDTH / 2, base + 8, verify)


def _attach(page: bytes, credential: bytes, *, title: str, subject: str, author: str, code: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(page)))
    attached = writer.add_attachment(ATTACHMENT, credential)
    attached.subtype = NameObject(MEDIA_TYPE)
    attached.associated_file_relationship = NameObject("/Data")
    attached.description = TextStringObject(f"Open Badges 3.0 credential {code}")
    # PDF/A-3 links an associated file from the catalog's /AF too, not only from the names tree.
    writer.root_object[NameObject("/AF")] = ArrayObject([attached.pdf_object.indirect_reference])
    writer.add_metadata(
        {"/Title": title, "/Subject": subject, "/Author": author, "/Keywords": code, "/Creator": "tot-lms"}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
