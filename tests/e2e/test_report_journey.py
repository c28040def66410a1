"""A programme admin reads the demo course's learning gain on a laptop and on a phone: the report, a filter by
institution, the chart's text alternative, the CSV download, the item analysis; every page axe-clean."""

from __future__ import annotations

import csv
import io
import re

from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.test_assessment_journeys import LAPTOP, PHONE

ADMIN = next(person for person in PEOPLE if person.key == "admin")
COURSE = "TOT-ELEC-101"


def test_a_programme_admin_filters_the_gain_report_reads_the_chart_and_downloads_the_csv(
    new_context, login, check_a11y, demo_server
):
    page = new_context(**LAPTOP, accept_downloads=True).new_page()
    login(page, ADMIN.email, ADMIN.password)
    page.locator("header nav").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Industrial Electricity").first.click()
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Learning gain")
    expect(main.locator("#h-summary")).to_be_visible()
    check_a11y(page)

    # The chart is an image with a text alternative naming each cohort and its mean gain.
    chart = main.locator("svg[role=img]").nth(1)
    description = chart.locator("desc").text_content()
    assert "mean gain" in description
    cohorts = [text.strip() for text in main.locator("#h-cohort + .table-wrap tbody th").all_text_contents()]
    assert len(cohorts) >= 2 and all(name in description for name in cohorts)

    # Filter by one institution: only its groups remain.
    rows = demo_server.query(
        "SELECT DISTINCT i.id, i.name FROM cohort c JOIN institution i ON i.id = c.institution_id "
        "JOIN course k ON k.id = c.course_id WHERE k.code = ? ORDER BY i.name",
        COURSE,
    )
    assert len(rows) >= 2, "the demo runs the course at two institutions at least"
    (institution_id, institution), other = rows[0], rows[1][1]
    main.locator("details.report-filters summary").click()
    main.locator(f"input[name=institution][value='{institution_id}']").check()
    main.locator("details.report-filters [type=submit]").click()
    expect(page).to_have_url(re.compile(f"institution={institution_id}"))
    institutions = main.locator("#h-institution + .table-wrap tbody th")
    expect(institutions).to_have_text([institution])
    assert other not in main.locator("#h-institution + .table-wrap").inner_text()
    check_a11y(page)

    # The CSV holds the same filtered groups, formulas neutralised by the export.
    with page.expect_download() as download:
        main.get_by_role("link", name="Download CSV").click()
    content = download.value.path().read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(content)))
    assert table[0][:2] == ["Breakdown", "Group"]
    assert any(row[:2] == ["Institution", institution] for row in table[1:])
    assert not any(row[1] == other for row in table[1:])

    # The item analysis of the post-test, from the report's list.
    page.goto(f"/reports/{COURSE}/")
    main.locator("#h-items ~ ul a").first.click()
    expect(main.locator("h1")).to_contain_text("Item analysis")
    expect(main.locator("table tbody tr").first).to_be_visible()
    check_a11y(page)

    # On a phone the report reads without sideways scrolling of the page.
    phone = new_context(**PHONE).new_page()
    login(phone, ADMIN.email, ADMIN.password)
    phone.goto(f"/reports/{COURSE}/")
    expect(phone.locator("main h1")).to_have_text("Learning gain")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    check_a11y(phone)
