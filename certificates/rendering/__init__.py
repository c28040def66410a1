"""What a learner downloads: the printable certificate PDF (``pdf.render_pdf``) and the badge PNG
(``badge.render_badge_png``), both carrying the signed credential (attached to the PDF, baked into the
PNG) so a verifier can check the file itself, offline.

Plain values in (``facts.CertificateFacts``), bytes out: no database access, so rendering runs in a job
after the commit and is tested without one. Labels are translated in the certificate's own language,
not the page's. The fonts (``data/fonts``, DejaVu) are embedded, so any Latin name prints as written.
"""
