"""Exporting in Open edX's layout, and the round trip: import → export → import loses nothing."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from lxml import etree

from courses.olx.errors import OlxError
from courses.olx.exporter import write_archive
from courses.studio import services as studio
from courses.studio.services import outline
from lms.db import db
from lms.xblock_host.keys import UsageKey
from tests.olx import olx_course
from tests.olx.test_import import canonical, draft_block, key, shape


def export_files(course, user, published: bool = False) -> dict[str, bytes]:  # noqa: ANN001
    out = io.BytesIO()
    write_archive(course, user, out, published=published)
    out.seek(0)
    with tarfile.open(fileobj=out, mode="r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}


def xml(files: dict[str, bytes], path: str):  # noqa: ANN201
    return etree.fromstring(files[f"course/{path}"])


def test_export_writes_open_edx_layout(imported, author):
    files = export_files(imported.course, author)
    run = olx_course.RUN
    top = xml(files, "course.xml")
    assert (top.tag, dict(top.attrib)) == ("course", {"url_name": run, "org": "RP", "course": "ELEC101"})
    course = xml(files, f"course/{run}.xml")
    assert course.get("display_name") == "Electrical Installation for Trainers"
    assert course.get("olx_attributes") is None and course.get("url_name") is None
    assert [(c.tag, dict(c.attrib)) for c in course] == [
        ("chapter", {"url_name": "safety"}),
        ("chapter", {"url_name": "wiring"}),
        ("wiki", {"slug": "RP.ELEC101.2025_T1"}),  # back as it came, where it came
    ]
    assert [dict(c.attrib) for c in xml(files, "sequential/ppe.xml")] == [
        {"url_name": "ppe_intro"},
        {"url_name": "ppe_check"},
    ]
    sequential = xml(files, "sequential/ppe.xml")
    assert (sequential.get("graded"), sequential.get("format")) == ("true", "Post-test")
    assert sequential.get("xblock-family") is None
    # html: attributes in html/<id>.xml, the HTML verbatim in html/<id>.html (inline html too)
    assert dict(xml(files, "html/ppe_text.xml").attrib) == {"display_name": "PPE overview", "filename": "ppe_text"}
    assert files["course/html/ppe_text.html"].decode() == olx_course.PPE_HTML.strip()
    assert files["course/html/ppe_note.html"].decode() == "<p>Always <b>test before touch</b>.</p>"
    # unavailable blocks: back as they came — pointer files for the CAPA problem and LTI, the ORA inline
    check = xml(files, "vertical/ppe_check.xml")
    assert [(c.tag, c.get("url_name"), c.get("xblock-family")) for c in check] == [
        ("problem", "ppe_quiz", None),
        ("lti", "ppe_lab", None),
        ("poll", "ppe_poll", "xblock.v1"),
    ]
    assert len(check[0].attrib) == 1 and len(check[1].attrib) == 1  # true pointer tags
    assert canonical(files["course/problem/ppe_quiz.xml"]) == canonical(olx_course.CAPA_PROBLEM)
    assert canonical(files["course/lti/ppe_lab.xml"]) == canonical(olx_course.LTI_TOOL)
    poll = check[2]
    assert poll.get("question") == "Do you own insulated gloves?"
    assert json.loads(poll.get("answers")) == json.loads(olx_course.POLL_ANSWERS)
    essay = xml(files, "vertical/circuits_1.xml").find("openassessment")
    assert essay.get("xblock-family") == "xblock.v1" and essay.get("url_name") == "circuits_essay"
    assert canonical(etree.tostring(essay)) == canonical(olx_course.ORA_INLINE)
    # files and policies
    assert files["course/static/images/gloves.png"] == olx_course.PNG
    assert files["course/static/handout.pdf"] == olx_course.PDF
    assert json.loads(files[f"course/policies/{run}/grading_policy.json"]) == olx_course.GRADING_POLICY
    policy = json.loads(files[f"course/policies/{run}/policy.json"])
    assert policy[f"course/{run}"]["display_name"] == "Electrical Installation for Trainers"
    assert policy[f"course/{run}"]["advanced_modules"] == ["poll", "lti"]  # JSON again, as Open edX writes it
    assert policy[f"course/{run}"]["self_paced"] is True


def tree_with_content(course, user) -> tuple:  # noqa: ANN001
    """The outline plus what each leaf holds, comparable between two courses."""
    from courses.context import runtime_for

    runtime = runtime_for(course, user, "draft")
    contents = {}
    for node in outline(course, user).walk():
        block = runtime.get_block(node.key)
        content = {}
        for name in ("data", "olx", "question", "answers", "graded", "format", "due", "olx_attributes"):
            if name in block.fields:
                content[name] = getattr(block, name)
        if "olx" in content:
            content["olx"] = canonical(content["olx"], drop=())
        contents[node.key.split("+block@", 1)[1] + "@" + node.block_type] = content
    return shape(outline(course, user)), contents


def test_round_trip_reimport_gives_the_same_course(imported, import_bytes, author):
    first = imported.course
    data = io.BytesIO()
    write_archive(first, author, data)
    second = import_bytes(data.getvalue(), code="ELEC-COPY").course
    assert second.title == first.title
    assert second.grading_policy == first.grading_policy
    assert tree_with_content(second, author) == tree_with_content(first, author)
    assert key("problem", "ppe_quiz", "ELEC-COPY") in {n.key for n in outline(second, author).walk()}
    # and a second export is identical file for file (url_names and files are stable)
    again = export_files(second, author)
    assert {path: body for path, body in again.items()} == export_files(first, author)


def test_published_export_is_the_published_version(imported, author):
    from courses.versions import publish

    course = imported.course
    publish(course, author)
    studio.rename_block(course, key("chapter", "wiring"), "Wiring (draft edit)", author)
    db.session.commit()
    draft = xml(export_files(course, author), "chapter/wiring.xml")
    published = xml(export_files(course, author, published=True), "chapter/wiring.xml")
    assert draft.get("display_name") == "Wiring (draft edit)"
    assert published.get("display_name") == "Wiring"


def test_studio_built_course_exports_and_reimports(factory, import_bytes, author):
    """A course authored here (not imported) exports with a default identity and loses nothing."""
    from tests.courses.helpers import build_course

    built = build_course(factory, {"Module": {"Lesson": [["html", "poll"]]}}, author=author, code="NATIVE-1")
    html_key = built.components[built.units[0]][0]
    studio.save_fields(built.course, html_key, {"display_name": "Hello", "data": "<p>Hi&nbsp;there</p>"}, author)
    db.session.commit()
    files = export_files(built.course, author)
    assert dict(xml(files, "course.xml").attrib) == {"url_name": "course", "org": "tot-lms", "course": "NATIVE-1"}
    lesson_id = next(n.key for n in outline(built.course, author).walk() if n.block_type == "sequential")
    lesson = xml(files, f"sequential/{UsageKey(lesson_id).block_id}.xml")
    assert lesson.get("display_name") == "Lesson"
    assert lesson.get("due") is None  # a None field is left out, not written as due=""
    copy = import_bytes(olx_course.tar_gz({k.removeprefix("course/"): v for k, v in files.items()}), code="NATIVE-2")
    copied_shape, copied = tree_with_content(copy.course, author)
    built_shape, original = tree_with_content(built.course, author)
    assert copied_shape == built_shape
    # the copy's root remembers where it came from (org, course, run); every other block is identical
    assert copied.pop("course@course")["olx_attributes"] == {
        "url_name": "course",
        "org": "tot-lms",
        "course": "NATIVE-1",
    }
    original.pop("course@course")
    assert copied == original
    html_id = UsageKey(html_key).block_id
    assert draft_block(copy.course, author, key("html", html_id, "NATIVE-2")).data == "<p>Hi&nbsp;there</p>"


def test_exporting_an_unpublished_course_as_published_fails(imported, author):
    with pytest.raises(OlxError):
        export_files(imported.course, author, published=True)


# --- the parts of an export this LMS does not use ------------------------------------------------------


def test_unused_parts_of_the_export_are_kept_and_written_back_byte_for_byte(imported, author):
    from courses.olx.kept import kept_files

    assert imported.kept == len(olx_course.KEPT_FILES)
    assert [file.path for file in kept_files(imported.course)] == sorted(olx_course.KEPT_FILES)
    files = export_files(imported.course, author)
    for path, body in olx_course.KEPT_FILES.items():
        assert files[f"course/{path}"] == body.encode(), path
    # what the import used is written by the course itself, not kept a second time
    assert not {file.path for file in kept_files(imported.course)} & {"course.xml", "html/ppe_text.html"}


def test_kept_parts_survive_a_round_trip_and_a_published_export(imported, import_bytes, author):
    from courses.olx.kept import kept_files
    from courses.versions import publish

    publish(imported.course, author)
    db.session.commit()
    published = export_files(imported.course, author, published=True)
    assert published["course/about/overview.html"] == olx_course.KEPT_FILES["about/overview.html"].encode()
    data = io.BytesIO()
    write_archive(imported.course, author, data)
    copy = import_bytes(data.getvalue(), code="ELEC-KEPT").course
    assert [file.path for file in kept_files(copy)] == sorted(olx_course.KEPT_FILES)


def test_the_course_itself_wins_over_a_kept_file_of_the_same_path(imported, author):
    """A kept orphan block file whose path a new block of the course later takes is not written twice."""
    from courses.olx.models import CourseOlxFile
    from lms import storage

    key_, _sha, size = storage.save_bytes(b"<chapter display_name='stale orphan'/>")
    db.session.add(CourseOlxFile(course_id=imported.course.id, path="chapter/wiring.xml", size=size, storage_key=key_))
    db.session.commit()
    files = export_files(imported.course, author)
    assert xml(files, "chapter/wiring.xml").get("display_name") == "Wiring"


def test_description_comes_from_the_about_pages(imported, import_bytes):
    assert imported.course.description == "Safe wiring for TVET trainers: PPE, circuits, testing."
    files = olx_course.course_files()
    del files["about/short_description.html"]
    overview_only = import_bytes(olx_course.tar_gz(files), code="ELEC-OVERVIEW").course
    assert overview_only.description == "About this course Long overview."
    files["about/overview.html"] = (
        b"<style>p { color: red }</style><p>Wiring<script>alert('x')</script> for trainers.</p>"
        b"<noscript>Enable JavaScript</noscript>"
    )
    assert import_bytes(olx_course.tar_gz(files), code="ELEC-SCRIPT").course.description == "Wiring for trainers."
    for path in ("about/overview.html", "about/short_description.html"):
        files.pop(path, None)
    assert import_bytes(olx_course.tar_gz(files), code="ELEC-NONE").course.description == ""
