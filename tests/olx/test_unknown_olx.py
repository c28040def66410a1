"""What an Open edX course carries that this LMS does not understand comes back out of an export.

The course is ``olx_course.extras_files()``: a Studio export with elements under the outline that are not
blocks here (``<textbook>``, ``<wiki>``, ``<pdf_textbooks>``, an aside, a CAPA problem straight in a lesson),
unknown attributes on every kind of block, and typed values in ``policy.json``.

How "the same" is judged: the element kept verbatim is compared with XML canonicalisation (C14N: attribute
order and quoting do not count, text and whitespace inside the element do), because it sits in a file the
export writes anew (indentation, attribute order); attribute names and values are compared exactly; the
course as a whole is compared as Open edX reads it, every pointer inlined and policy.json applied.
"""

from __future__ import annotations

import io
import json

from flask import current_app
from lxml import etree

from courses.olx.archive import Archive
from courses.olx.pointers import build_tree
from lms.db import db
from tests.olx import olx_course
from tests.olx.test_export import export_files
from tests.olx.test_import import draft_block, key

RUN, CODE = olx_course.EXTRAS_RUN, olx_course.EXTRAS_CODE
BLOCK_FILES = (
    "chapter/basics.xml",
    "chapter/practice.xml",
    "sequential/cleaning.xml",
    "sequential/dressing.xml",
    "vertical/cleaning_1.xml",
    "vertical/dressing_1.xml",
    "html/steps_text.xml",
    "html/dressing_text.xml",
)


def folder(exported: dict[str, bytes]) -> dict[str, bytes]:
    """An exported archive's files by their path in the course folder (as ``extras_files`` names them)."""
    return {path.removeprefix("course/"): body for path, body in exported.items()}


def as_open_edx_reads_it(files: dict[str, bytes]) -> bytes:
    """The whole course inlined (pointers followed, policy.json applied), canonical, indentation left out."""
    archive = Archive(files={path: io.BytesIO(body) for path, body in files.items()})
    root = build_tree(archive, current_app.extensions["xblock_types"].is_runnable).root
    for element in root.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return etree.tostring(root, method="c14n")


def c14n(element_or_xml) -> bytes:  # noqa: ANN001
    element = etree.fromstring(element_or_xml) if isinstance(element_or_xml, str) else element_or_xml
    element.tail = None
    return etree.tostring(element, method="c14n", with_tail=False)


def children(xml: bytes) -> list[tuple[str, str | None]]:
    return [(child.tag, child.get("url_name")) for child in etree.fromstring(xml) if isinstance(child.tag, str)]


def test_import_keeps_unknown_elements_and_attributes_with_the_blocks(import_bytes, author):
    course = import_bytes(olx_course.tar_gz(olx_course.extras_files())).course
    root = draft_block(course, author, course.root_key)
    assert [(entry["at"], c14n(entry["xml"])) for entry in root.olx_elements] == [
        (1, c14n(olx_course.TEXTBOOK)),
        (2, c14n(olx_course.WIKI)),
        (2, c14n(olx_course.PDF_TEXTBOOKS)),
    ]
    assert root.olx_attributes["course_image"] == "nurses.jpg"
    assert root.olx_policy == olx_course.EXTRAS_POLICY[f"course/{RUN}"]
    # the <chapter> inside <pdf_textbooks> and the problem in the lesson are not blocks of the course
    assert [UsageKeyId(child) for child in root.children] == ["basics", "practice"]
    lesson = draft_block(course, author, key("sequential", "cleaning", CODE))
    assert [UsageKeyId(child) for child in lesson.children] == ["cleaning_1"]
    assert lesson.olx_elements == [{"at": 1, "xml": olx_course.STRAY_PROBLEM}]
    assert lesson.olx_attributes == {"hide_after_due": "true", "show_correctness": "past_due"}
    chapter = draft_block(course, author, key("chapter", "basics", CODE))
    assert chapter.olx_elements == [{"at": 1, "xml": olx_course.ASIDE}]
    html = draft_block(course, author, key("html", "steps_text", CODE))
    assert html.olx_attributes == {"use_latex_compiler": "false"}


def UsageKeyId(key_: str) -> str:  # noqa: N802 - reads as the id it returns
    from lms.xblock_host.keys import UsageKey

    return UsageKey(key_).block_id


def test_round_trip_gives_back_every_element_and_attribute(import_bytes, author):
    original = olx_course.extras_files()
    first = import_bytes(olx_course.tar_gz(original)).course
    exported = folder(export_files(first, author))

    # the course as Open edX reads it is the same, element for element and attribute for attribute
    assert as_open_edx_reads_it(exported) == as_open_edx_reads_it(original)
    # course.xml: the same attributes
    assert dict(etree.fromstring(exported["course.xml"]).attrib) == dict(
        etree.fromstring(original["course.xml"]).attrib
    )
    # the course element: unknown elements where they were, each canonically equal (inner whitespace too)
    course_path = f"course/{RUN}.xml"
    assert children(exported[course_path]) == children(original[course_path])
    kept = {c.tag: c for c in etree.fromstring(exported[course_path]) if c.tag in ("textbook", "wiki", "pdf_textbooks")}
    assert c14n(kept["textbook"]) == c14n(olx_course.TEXTBOOK)
    assert c14n(kept["wiki"]) == c14n(olx_course.WIKI)
    assert c14n(kept["pdf_textbooks"]) == c14n(olx_course.PDF_TEXTBOOKS)
    assert (
        dict(etree.fromstring(exported[course_path]).attrib).items()
        >= dict(etree.fromstring(original[course_path]).attrib).items()
    )
    # every block file: the same children in the same places and exactly the same attributes
    for path in BLOCK_FILES:
        assert children(exported[path]) == children(original[path]), path
        assert dict(etree.fromstring(exported[path]).attrib) == dict(etree.fromstring(original[path]).attrib), path
    resource = etree.fromstring(exported["vertical/cleaning_1.xml"]).find("resource")
    assert dict(resource.attrib) == {
        "url_name": "steps_files",
        "xblock-family": "xblock.v1",
        "display_name": "Handouts",
        "tot_colour": "blue",
    }
    assert c14n(etree.fromstring(exported["chapter/basics.xml"])[1]) == c14n(olx_course.ASIDE)
    video = etree.fromstring(exported["video/steps_video.xml"])  # a pointer file, as Studio writes videos
    assert dict(video.attrib) == dict(etree.fromstring(original["video/steps_video.xml"]).attrib)
    # the problem placed in the lesson stays a pointer, its file byte for byte
    assert exported["problem/stray_check.xml"] == original["problem/stray_check.xml"]
    # policy.json: every value as it came, with its JSON type (2 stays 2, true stays true)
    policy = json.loads(exported[f"policies/{RUN}/policy.json"])[f"course/{RUN}"]
    for name, value in olx_course.EXTRAS_POLICY[f"course/{RUN}"].items():
        assert (policy[name], type(policy[name])) == (value, type(value)), name
    assert policy["catalog_visibility"] == "both"  # from the course element only: written to policy too

    # and importing the export again gives the same course, and the same export byte for byte
    second = import_bytes(olx_course.tar_gz(exported), code="NURS-COPY").course
    again = folder(export_files(second, author))
    assert again == exported
    assert as_open_edx_reads_it(again) == as_open_edx_reads_it(original)


def test_published_export_keeps_them_and_an_edit_in_the_studio_does_not_lose_them(client, auth, import_bytes, author):
    from courses.versions import publish

    course = import_bytes(olx_course.tar_gz(olx_course.extras_files())).course
    publish(course, author)
    db.session.commit()
    published = folder(export_files(course, author, published=True))
    assert published == folder(export_files(course, author))
    assert b"<wiki" in published[f"course/{RUN}.xml"] and b"hide_after_due" in published["sequential/cleaning.xml"]

    auth.login(author)
    lesson = key("sequential", "cleaning", CODE)
    response = client.post(
        f"/studio/courses/{CODE}/blocks/{lesson}/edit",
        data={"display_name": "Cleaning (edited)", "graded": "y", "format": "Homework", "due": "2025-03-01T00:00:00Z"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    edited = etree.fromstring(folder(export_files(course, author))["sequential/cleaning.xml"])
    assert edited.get("display_name") == "Cleaning (edited)"
    assert (edited.get("hide_after_due"), edited.get("show_correctness")) == ("true", "past_due")
    assert [c.tag for c in edited] == ["vertical", "problem"]


def test_learners_and_the_studio_see_only_the_course(client, auth, factory, import_bytes, author):
    from courses.structure import published_structure
    from courses.versions import publish

    course = import_bytes(olx_course.tar_gz(olx_course.extras_files())).course
    publish(course, author)
    db.session.commit()
    structure = published_structure(course)
    assert [module.title for module in structure.modules] == ["Basics", "Practice"]
    assert [UsageKeyId(unit.key) for unit in structure.units] == ["cleaning_1", "dressing_1"]

    learner = factory.user("learner")
    factory.cohort(course=course, learners=[learner])
    auth.login(learner)
    pages = [client.get(f"/learn/{CODE}/")] + [client.get(f"/learn/{CODE}/unit/{unit.key}") for unit in structure.units]
    for page in pages:
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        for hidden in ("Wound care handbook", "books.example.org", "RP.NURS201", "Atlas of wounds", "Stray check"):
            assert hidden not in html
        assert "not available here" not in html  # no placeholder for what is not a block
    assert "Clean from the centre" in pages[1].get_data(as_text=True)

    auth.logout()
    auth.login(author)
    assert client.get(f"/studio/courses/{CODE}/").status_code == 200
    for usage in (course.root_key, key("chapter", "basics", CODE), key("sequential", "cleaning", CODE)):
        form = client.get(f"/studio/courses/{CODE}/blocks/{usage}/edit?form=1")
        assert form.status_code == 200, usage
        html = form.get_data(as_text=True)
        assert 'name="display_name"' in html  # the generated form, with the block's own fields
        for field in ("olx_elements", "olx_attributes", "olx_policy"):
            assert f'name="{field}"' not in html, (usage, field)
