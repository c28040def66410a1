"""Rendering a certificate: milliseconds per PDF and per badge PNG, warm (fonts registered, app built).

    .venv/bin/python bench/certificate_rendering.py [--runs 50]

Each figure is the median of ``--runs`` renderings after two warm-up ones, with the spread (fastest and
slowest), for a French certificate with outcomes, a score and a 1 KB credential; the baseline, measured in
the same run, is reportlab drawing one line of text on an empty page and saving it (what any PDF costs).
No database: rendering takes plain values (certificates/rendering/facts.py).
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from certificates.rendering.badge import render_badge_png  # noqa: E402
from certificates.rendering.facts import CertificateFacts  # noqa: E402
from certificates.rendering.pdf import render_pdf  # noqa: E402
from lms import create_app  # noqa: E402

FACTS = CertificateFacts(
    code="7K3Q-9XPM-2VD4-H",
    learner_name="Mukamana Éloïse",
    course_title="Amashanyarazi yo mu nyubako — « Électricité du bâtiment », niveau 3",
    track="tvet_tot",
    hours=40,
    issued_on=date(2026, 3, 20),
    valid_until=date(2029, 3, 20),
    issuer_name="Rwanda Polytechnic",
    institution_name="IPRC Kigali",
    cohort_name="Kigali 2026 A",
    cohort_start=date(2026, 1, 12),
    cohort_end=date(2026, 3, 20),
    score_percent=87.5,
    outcomes=("Install and test a domestic circuit safely", "Teach the wiring practical to a group of twelve"),
    verify_url="https://lms.rp.ac.rw/v/7K3Q-9XPM-2VD4-H",
    locale="fr",
)
CREDENTIAL = json.dumps({"id": "urn:uuid:x", "padding": "x" * 1000}).encode()


def baseline() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(100, 100, "Certificate")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def timed(function, runs: int) -> list[float]:
    function()
    function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    app = create_app({"ENV": "testing", "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        rows = [
            ("baseline: one line, empty page", timed(baseline, runs), len(baseline())),
            ("certificate PDF", timed(lambda: render_pdf(FACTS, CREDENTIAL), runs), len(render_pdf(FACTS, CREDENTIAL))),
            (
                "badge PNG (600×600, baked)",
                timed(lambda: render_badge_png(FACTS, CREDENTIAL), runs),
                len(render_badge_png(FACTS, CREDENTIAL)),
            ),
        ]
    for name, times, size in rows:
        print(
            f"{name:34} median {statistics.median(times):6.1f} ms  "
            f"(min {min(times):.1f}, max {max(times):.1f})  {size / 1024:.0f} KB"
        )


if __name__ == "__main__":
    main()
