"""The OLX journey in a real browser against the real server: an author uploads an Open edX export
through the studio's form, follows the import's page to the new course, finds the kept files listed and
downloads the course as an export again; a broken archive ends on a page that says what is wrong and
imports nothing. Every page visited goes through axe-core."""

from __future__ import annotations

import re
import tarfile

from playwright.sync_api import expect

from lms.demo import PEOPLE
from tests.e2e.test_courseware_journey import use_english
from tests.olx import olx_course

AUTHOR = next(person for person in PEOPLE if person.key == "author")


def test_author_imports_an_open_edx_export_and_exports_it_again(new_context, login, check_a11y, tmp_path):
    archive = tmp_path / "electrical.tar.gz"
    archive.write_bytes(olx_course.archive())
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(b"this is not an archive")

    page = new_context(accept_downloads=True).new_page()
    login(page, AUTHOR.email, AUTHOR.password)
    use_english(page)  # the demo author prefers French
    page.goto("/studio/import")
    check_a11y(page)
    expect(page.locator("main")).to_contain_text("You have not imported a course yet.")

    page.set_input_files("#archive", str(archive))
    page.fill("#code", "E2E-OLX")
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/studio/imports/\d+$"))
    expect(page.locator("[role=status] .badge")).to_have_text("imported")
    expect(page.locator("[role=status]")).to_contain_text("16 blocks and 2 files")
    check_a11y(page)

    page.locator("a", has_text="Open the course").click()
    expect(page).to_have_url(re.compile(r"/studio/courses/E2E-OLX/$"))
    kept = page.locator("details.kept-files")
    expect(kept.locator("summary")).to_contain_text("files kept from the Open edX export")
    kept.locator("summary").click()
    expect(kept).to_contain_text("about/overview.html")
    check_a11y(page)

    with page.expect_download() as download:
        page.locator("a", has_text="Export (OLX)").click()
    with tarfile.open(download.value.path(), mode="r:gz") as tar:
        names = {member.name.split("/", 1)[1] for member in tar if member.isfile() and "/" in member.name}
    assert {"about/overview.html", "course.xml"} <= names

    page.goto("/studio/import")
    page.set_input_files("#archive", str(broken))
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/studio/imports/\d+$"))
    expect(page.locator("[role=status] .badge")).to_have_text("failed: nothing imported")
    expect(page.locator("main")).to_contain_text("This is not a .tar.gz archive")
    check_a11y(page)

    page.goto("/studio/import")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("broken.tar.gz")
    expect(rows.nth(1)).to_contain_text("electrical.tar.gz")
    check_a11y(page)
