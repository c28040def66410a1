"""Importing an Open edX export: the tree, fields, verbatim unavailable blocks, assets, policies, rendering."""

from __future__ import annotations

import hashlib

import pytest
from lxml import etree

from courses.models import CourseAsset
from courses.olx.errors import OlxError
from courses.olx.importer import course_code
from courses.olx.pointers import CourseTree
from courses.studio.services import outline
from lms import storage
from lms.db import db
from lms.xblock_host.keys import UsageKey
from lms.xblock_host.unavailable import UnavailableBlock
from tests.courses.test_course_file_safety import PAGE, SCRIPT, SVG, assert_served
from tests.olx import olx_course


def key(block_type: str, block_id: str, code: str = olx_course.CODE) -> str:
    return str(UsageKey.make(code, block_type, block_id))


def shape(node) -> tuple:  # noqa: ANN001
    return (node.block_type, UsageKey(node.key).block_id, node.display_name, [shape(c) for c in node.children])


def canonical(xml: str | bytes, drop=("url_name", "xblock-family")) -> bytes:  # noqa: ANN001
    element = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    for name in drop:
        element.attrib.pop(name, None)
    element.tail = None
    return etree.tostring(element, method="c14n")


def draft_block(course, author, usage: str):  # noqa: ANN001, ANN201
    from courses.context import runtime_for

    return runtime_for(course, author, "draft").get_block(usage)


def test_import_builds_the_tree_with_ids_from_url_names(imported, author):
    course = imported.course
    assert course.code == olx_course.CODE
    assert course.title == "Electrical Installation for Trainers"  # policy.json wins over the XML
    assert course.owner_id == author.id
    assert shape(outline(course, author)) == (
        "course",
        "course",
        "Electrical Installation for Trainers",
        [
            (
                "chapter",
                "safety",
                "Module 1: Safety first",
                [
                    (
                        "sequential",
                        "ppe",
                        "Personal protective equipment",
                        [
                            (
                                "vertical",
                                "ppe_intro",
                                "Why PPE matters",
                                [
                                    ("html", "ppe_text", "PPE overview", []),
                                    ("video", "ppe_video", "Gloves in use", []),
                                    ("html", "ppe_note", "Inline note", []),
                                ],
                            ),
                            (
                                "vertical",
                                "ppe_check",
                                "Check your understanding",
                                [
                                    ("problem", "ppe_quiz", "PPE quiz", []),
                                    ("lti", "ppe_lab", "Virtual wiring lab", []),
                                    ("poll", "ppe_poll", "Gloves poll", []),
                                ],
                            ),
                        ],
                    )
                ],
            ),
            (
                "chapter",
                "wiring",
                "Wiring",
                [
                    (
                        "sequential",
                        "circuits",
                        "Circuits",
                        [
                            (
                                "vertical",
                                "circuits_1",
                                "Series and parallel",
                                [
                                    ("html", "circuits_text", "Series or parallel", []),
                                    ("openassessment", "circuits_essay", "", []),
                                ],
                            )
                        ],
                    )
                ],
            ),
        ],
    )
    assert imported.blocks == 16
    assert imported.unavailable == {"problem": 1, "lti": 1, "openassessment": 1}


def test_import_sets_fields_from_attributes_html_files_and_policies(imported, author):
    course = imported.course
    sequential = draft_block(course, author, key("sequential", "ppe"))
    assert (sequential.graded, sequential.format, sequential.due) == (True, "Post-test", "2025-03-01T00:00:00Z")
    html = draft_block(course, author, key("html", "ppe_text"))
    assert html.data == olx_course.PPE_HTML.strip()  # the .html file verbatim, even its &nbsp;
    note = draft_block(course, author, key("html", "ppe_note"))
    assert note.data == "<p>Always <b>test before touch</b>.</p>"
    poll = draft_block(course, author, key("poll", "ppe_poll"))
    assert poll.question == "Do you own insulated gloves?"
    assert [answer[0] for answer in poll.answers] == ["Y", "N"]
    root = draft_block(course, author, course.root_key)
    kept = root.olx_attributes
    assert kept["url_name"] == olx_course.RUN and kept["org"] == "RP" and kept["course"] == "ELEC101"
    assert "wiki_slug" not in kept  # <wiki slug> is not a block: the course keeps it as an element
    assert root.olx_elements == [{"at": 2, "xml": '<wiki slug="RP.ELEC101.2025_T1"/>'}]
    assert kept["advanced_modules"] == '["poll", "lti"]' and kept["self_paced"] == "true"
    assert course.grading_policy == olx_course.GRADING_POLICY
    assert course.language == "en"


def test_unavailable_blocks_keep_their_olx_verbatim(imported, author):
    course = imported.course
    problem = draft_block(course, author, key("problem", "ppe_quiz"))
    lti = draft_block(course, author, key("lti", "ppe_lab"))
    essay = draft_block(course, author, key("openassessment", "circuits_essay"))
    assert all(isinstance(block, UnavailableBlock) for block in (problem, lti, essay))
    assert canonical(problem.olx) == canonical(olx_course.CAPA_PROBLEM)
    assert etree.fromstring(problem.olx).get("url_name") == "ppe_quiz"
    assert etree.fromstring(problem.olx).get("xblock-family") is None  # it came as a pointer
    assert canonical(lti.olx) == canonical(olx_course.LTI_TOOL)
    assert canonical(essay.olx) == canonical(olx_course.ORA_INLINE)
    assert etree.fromstring(essay.olx).get("xblock-family") == "xblock.v1"  # it came inline


def test_static_files_become_course_assets(imported):
    assets = db.session.scalars(
        db.select(CourseAsset).where(CourseAsset.course_id == imported.course.id).order_by(CourseAsset.filename)
    ).all()
    assert [(a.filename, a.content_type) for a in assets] == [
        ("handout.pdf", "application/pdf"),
        ("images/gloves.png", "image/png"),
    ]
    assert storage.path(assets[1].storage_key).read_bytes() == olx_course.PNG
    assert imported.files == 2


def test_scripts_and_pages_of_an_olx_import_are_not_served_as_such(client, auth, author, import_bytes):
    """Scripts, pages and SVG among an export's static files are kept, and served inertly."""
    files = olx_course.course_files()
    files["static/js/course.js"] = SCRIPT
    files["static/pages/intro.html"] = PAGE
    files["static/figure.svg"] = SVG
    import_bytes(olx_course.tar_gz(files), code="SAFE-OLX")
    auth.login(author)
    assert_served(client.get("/courses/SAFE-OLX/assets/js/course.js"), "course.js", "application/octet-stream", False)
    assert_served(
        client.get("/courses/SAFE-OLX/assets/pages/intro.html"), "intro.html", "application/octet-stream", False
    )
    assert_served(client.get("/courses/SAFE-OLX/assets/figure.svg"), "figure.svg", "image/svg+xml", False)
    assert client.get("/courses/SAFE-OLX/assets/js/course.js").data == SCRIPT  # kept byte for byte


def test_code_override_and_top_level_course_xml(import_bytes):
    result = import_bytes(olx_course.tar_gz(olx_course.course_files(), top=None), code="ELEC-2025")
    assert result.course.code == "ELEC-2025"
    assert result.course.root_key == "block-v1:ELEC-2025+type@course+block@course"


@pytest.mark.parametrize(
    ("org", "number", "run", "expected"),
    [
        ("RP", "ELEC101", "2025_T1", "RP-ELEC101-2025_T1"),
        ("Rwanda Poly+", "Électricité 1", "run:1", "Rwanda-Poly-Electricite-1-run-1"),
        ("-", "", "_", None),
    ],
)
def test_course_code_is_sanitised_to_the_code_pattern(org, number, run, expected):
    tree = CourseTree(root=None, org=org, number=number, run=run, grading_policy=None)
    if expected is None:
        with pytest.raises(OlxError):
            course_code(tree)
    else:
        assert course_code(tree) == expected


def test_published_unit_renders_html_with_asset_url_and_placeholders(app, client, auth, factory, imported, author):
    from courses.versions import publish

    course = imported.course
    publish(course, author)
    db.session.commit()
    learner = factory.user("learner")
    factory.cohort(course=course, learners=[learner])
    auth.login(learner)

    page = client.get(f"/learn/{course.code}/unit/{key('vertical', 'ppe_intro')}")
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    image_url = f"/courses/{course.code}/files/{hashlib.sha256(olx_course.PNG).hexdigest()}/images/gloves.png"
    assert f'src="{image_url}"' in html and "/static/images/gloves.png" not in html
    assert "test before touch" in html
    assert client.get(image_url).data == olx_course.PNG
    assert client.get(f"/courses/{course.code}/assets/images/gloves.png").data == olx_course.PNG  # by name too

    page = client.get(f"/learn/{course.code}/unit/{key('vertical', 'ppe_check')}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="block-unavailable"') == 2  # the CAPA problem and the LTI tool
    assert "This part of the course is not available here" in html
    assert "PPE quiz" in html and "Insulated rubber gloves" not in html  # the answer key never reaches learners
    assert "Do you own insulated gloves?" in html  # the poll runs


def test_single_file_course_with_duplicate_url_names_and_policy_removal(import_bytes, author):
    """course.xml holding the whole course inline; two blocks share a url_name; policy null removes."""
    course_xml = """<course url_name="run1" org="RP" course="ONE" display_name="One file">
  <chapter url_name="m1" display_name="Module">
    <sequential url_name="s1" display_name="Lesson" due="2025-01-01">
      <vertical url_name="u1" display_name="Unit">
        <html url_name="same" display_name="First"><p>1</p></html>
        <html url_name="same" display_name="Second"><p>2</p></html>
        <problem url_name="q1" display_name="Inline CAPA"><stringresponse answer="ohm"/></problem>
      </vertical>
    </sequential>
  </chapter>
</course>
"""
    policy = b'{"sequential/s1": {"due": null, "graded": true}}'
    result = import_bytes(olx_course.tar_gz({"course.xml": course_xml.encode(), "policies/run1/policy.json": policy}))
    course = result.course
    assert course.code == "RP-ONE-run1" and course.title == "One file"
    unit = outline(course, author).children[0].children[0].children[0]
    assert [(UsageKey(n.key).block_id, n.display_name) for n in unit.children] == [
        ("same", "First"),
        ("same_2", "Second"),
        ("q1", "Inline CAPA"),
    ]
    sequential = draft_block(course, author, key("sequential", "s1", course.code))
    assert (sequential.due, sequential.graded) == (None, True)
    problem = draft_block(course, author, key("problem", "q1", course.code))
    # it came inline, so it is marked as Studio marks inline blocks and will be exported inline again
    assert etree.fromstring(problem.olx).get("xblock-family") == "xblock.v1"


def test_pointers_inside_unavailable_blocks_are_inlined_when_their_file_exists(import_bytes, author):
    files = olx_course.course_files()
    files["vertical/ppe_check.xml"] = (
        b'<vertical display_name="Bank">\n  <library_content url_name="bank"/>\n</vertical>\n'
    )
    files["library_content/bank.xml"] = (
        b'<library_content max_count="1">\n  <problem url_name="lib_q1"/>\n  <choice url_name="not-a-file"/>\n'
        b"</library_content>\n"
    )
    files["problem/lib_q1.xml"] = b'<problem display_name="Library question"><p>Q?</p></problem>'
    course = import_bytes(olx_course.tar_gz(files)).course
    bank = draft_block(course, author, key("library_content", "bank"))
    kept = etree.fromstring(bank.olx)
    assert kept.find("problem").get("display_name") == "Library question"  # the library's problem is kept
    assert kept.find("problem").find("p").text == "Q?"
    assert dict(kept.find("choice").attrib) == {"url_name": "not-a-file"}  # no file: not a pointer, kept as is
