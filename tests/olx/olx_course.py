"""A realistic Open edX course export, written out file by file so a test reads like the archive it builds.

``course_files()`` returns ``{path: bytes}`` in Studio's layout: pointer tags at every level (course.xml,
chapters, sequentials, verticals, html, video, a CAPA problem, an LTI tool), an inline unit, inline html,
an inline pure XBlock (poll) with ``xblock-family``, an inline ORA block, a static image referenced from
html as ``/static/…``, ``policy.json`` that renames the course and a module, ``grading_policy.json``,
and the parts this LMS keeps without using (``about/``, ``info/``, ``tabs/``, ``policies/assets.json``,
``drafts/``).
``tar_gz()`` packs any such dict (under a top folder, as Studio does) into archive bytes.
"""

from __future__ import annotations

import io
import json
import tarfile
import zlib

ORG, NUMBER, RUN = "RP", "ELEC101", "2025_T1"
CODE = "RP-ELEC101-2025_T1"

# A valid 1×1 PNG, so the asset is a real image.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n% handout\n"

CAPA_PROBLEM = """<problem display_name="PPE quiz" markdown="null" max_attempts="2" weight="1.0">
  <multiplechoiceresponse>
    <label>Which gloves protect against electric shock?</label>
    <choicegroup type="MultipleChoice">
      <choice correct="false">Leather gardening gloves</choice>
      <choice correct="true">Insulated rubber gloves <b>rated</b> for the voltage</choice>
    </choicegroup>
  </multiplechoiceresponse>
  <solution><div class="detailed-solution"><p>Only rated rubber gloves insulate.</p></div></solution>
</problem>
"""

LTI_TOOL = (
    '<lti display_name="Virtual wiring lab" launch_url="https://lab.example.org/lti/launch" lti_id="vlab"'
    ' has_score="true" weight="2.0" custom_parameters="[&quot;level=1&quot;]"/>\n'
)

ORA_INLINE = """<openassessment url_name="circuits_essay" xblock-family="xblock.v1" text_response="required">
      <title>Explain a circuit</title>
      <prompts><prompt><description>Explain why a fuse protects a circuit.</description></prompt></prompts>
      <rubric><criterion><name>c1</name><label>Clarity</label><prompt>Clear?</prompt>
        <option points="1"><name>o1</name><label>Yes</label><explanation>Clear.</explanation></option>
      </criterion></rubric>
    </openassessment>"""

PPE_HTML = (
    "<h2>Gloves</h2>\n<p>Insulated gloves&nbsp;save lives.</p>\n"
    '<p><img src="/static/images/gloves.png" alt="Insulated rubber gloves"></p>\n'
    '<p><a href="/static/handout.pdf">Handout</a></p>\n'
)

POLL_ANSWERS = json.dumps(
    [["Y", {"label": "Yes", "img": None, "img_alt": None}], ["N", {"label": "No", "img": None, "img_alt": None}]]
)


def course_files() -> dict[str, bytes]:
    files = {
        "course.xml": f'<course url_name="{RUN}" org="{ORG}" course="{NUMBER}"/>\n',
        f"course/{RUN}.xml": """<course display_name="Electrical installation (XML)" language="en" start="2025-01-01T00:00:00Z">
  <chapter url_name="safety"/>
  <chapter url_name="wiring"/>
  <wiki slug="RP.ELEC101.2025_T1"/>
</course>
""",
        "chapter/safety.xml": '<chapter display_name="Safety (XML)">\n  <sequential url_name="ppe"/>\n</chapter>\n',
        "chapter/wiring.xml": '<chapter display_name="Wiring">\n  <sequential url_name="circuits"/>\n</chapter>\n',
        "sequential/ppe.xml": """<sequential display_name="Personal protective equipment" format="Post-test" graded="true" due="2025-03-01T00:00:00Z">
  <vertical url_name="ppe_intro"/>
  <vertical url_name="ppe_check"/>
</sequential>
""",
        "vertical/ppe_intro.xml": """<vertical display_name="Why PPE matters">
  <html url_name="ppe_text"/>
  <video url_name="ppe_video"/>
  <html url_name="ppe_note" display_name="Inline note"><p>Always <b>test before touch</b>.</p></html>
</vertical>
""",
        "html/ppe_text.xml": '<html filename="ppe_text" display_name="PPE overview"/>\n',
        "html/ppe_text.html": PPE_HTML,
        "video/ppe_video.xml": (
            '<video display_name="Gloves in use" youtube_id_1_0="3_yD_cEKoCk" youtube="1.00:3_yD_cEKoCk"'
            ' download_video="false"/>\n'
        ),
        "vertical/ppe_check.xml": f"""<vertical display_name="Check your understanding">
  <problem url_name="ppe_quiz"/>
  <lti url_name="ppe_lab"/>
  <poll url_name="ppe_poll" xblock-family="xblock.v1" display_name="Gloves poll" question="Do you own insulated gloves?" answers='{POLL_ANSWERS}'/>
</vertical>
""",
        "problem/ppe_quiz.xml": CAPA_PROBLEM,
        "lti/ppe_lab.xml": LTI_TOOL,
        "sequential/circuits.xml": f"""<sequential display_name="Circuits">
  <vertical url_name="circuits_1" display_name="Series and parallel">
    <html url_name="circuits_text" display_name="Series or parallel"><p>Lamps in <em>series</em> share the current.</p></html>
    {ORA_INLINE}
  </vertical>
</sequential>
""",
        f"policies/{RUN}/policy.json": json.dumps(
            {
                f"course/{RUN}": {
                    "display_name": "Electrical Installation for Trainers",
                    "advanced_modules": ["poll", "lti"],
                    "self_paced": True,
                },
                "chapter/safety": {"display_name": "Module 1: Safety first"},
            },
            indent=4,
        ),
        f"policies/{RUN}/grading_policy.json": json.dumps(GRADING_POLICY, indent=4),
        "static/images/gloves.png": PNG,
        "static/handout.pdf": PDF,
        # Parts of an export this LMS does not use: kept verbatim and written back by an export.
        **KEPT_FILES,
    }
    return {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}


SHORT_DESCRIPTION = "Safe  wiring for <b>TVET trainers</b>: PPE, circuits, testing."
KEPT_FILES = {
    "about/overview.html": "<section class='about'><h2>About this course</h2><p>Long overview.</p></section>\n",
    "about/short_description.html": SHORT_DESCRIPTION,
    "about/effort.html": "4:00",
    "info/updates.html": "<ol><li><h2>January 1, 2025</h2>Welcome!</li></ol>\n",
    "info/handouts.html": "<ol></ol>\n",
    "tabs/schedule.html": "<p>Week 1: safety. Week 2: wiring.</p>\n",
    "policies/assets.json": json.dumps({"gloves.png": {"contentType": "image/png", "locked": False}}),
    "drafts/vertical/ppe_draft.xml": '<vertical display_name="Unpublished draft unit"/>\n',
}

GRADING_POLICY = {
    "GRADER": [{"type": "Post-test", "min_count": 1, "drop_count": 0, "weight": 1.0, "short_label": "Post"}],
    "GRADE_CUTOFFS": {"Pass": 0.7},
}


def tar_gz(files: dict[str, bytes], top: str | None = "course", extra=()) -> bytes:  # noqa: ANN001
    """Pack ``files`` under ``top/`` (None: at the root); ``extra`` are ready-made TarInfo/bytes pairs."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path, data in files.items():
            info = tarfile.TarInfo(f"{top}/{path}" if top else path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info, data in extra:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=31)  # gzip container
    return compressor.compress(data) + compressor.flush()


def archive() -> bytes:
    return tar_gz(course_files())


# --- a Studio export full of what this LMS does not use ---------------------------------------------------
# Everything below is laid out as Open edX Studio writes it (pointer files for the outline, html and video;
# pure XBlocks inline with xblock-family), so an export of it can be compared with it part for part.
# What this LMS does not understand: elements under the course (<textbook>, <wiki>, <pdf_textbooks> holding
# a <chapter> that is not a block), an aside under a chapter, a CAPA problem placed straight in a sequential
# (its file stays unread), unknown attributes on every kind of block, and a policy.json whose values are
# typed JSON (lists, objects, booleans, numbers).

EXTRAS_RUN = "2025_T2"
EXTRAS_CODE = "RP-NURS201-2025_T2"
EXTRAS_COURSE_XML = f'<course url_name="{EXTRAS_RUN}" org="RP" course="NURS201"/>\n'
TEXTBOOK = '<textbook title="Wound care handbook" book_url="https://books.example.org/wounds/"/>'
WIKI = f'<wiki slug="RP.NURS201.{EXTRAS_RUN}"/>'
# Inner whitespace and text on purpose: it must come back as it was.
PDF_TEXTBOOKS = """<pdf_textbooks>
    <pdf_textbook tab_title="Atlas of wounds">
      <chapter title="Dressings" url="/static/atlas.pdf"/>
      Colour plates   are in the appendix.
    </pdf_textbook>
  </pdf_textbooks>"""
ASIDE = '<tagging_aside xblock-family="xblock_asides.v1" tags="wounds;hygiene"/>'
STRAY_PROBLEM = '<problem url_name="stray_check"/>'
STRAY_PROBLEM_FILE = '<problem display_name="Stray check">\n  <stringresponse answer="saline"/>\n</problem>\n'
EXTRAS_POLICY = {
    f"course/{EXTRAS_RUN}": {
        "advanced_modules": ["resource"],
        "cert_html_view_enabled": True,
        "course_image": "nurses.jpg",
        "days_early_for_beta": 2,
        "discussion_topics": {"General": {"id": "course"}},
        "display_name": "Wound care",
        "language": "en",
        "minimum_grade_credit": 0.8,
        "pdf_textbooks": [{"tab_title": "Atlas of wounds", "chapters": [{"title": "Dressings", "url": "/a.pdf"}]}],
        "start": "2025-02-01T00:00:00Z",
        "tabs": [{"type": "courseware", "name": "Course"}, {"type": "wiki", "name": "Wiki"}],
        "xml_attributes": {"filename": [f"course/{EXTRAS_RUN}.xml", f"course/{EXTRAS_RUN}.xml"]},
    }
}
STEPS_HTML = "<ol><li>Wash your hands.</li><li>Clean from the centre <em>outwards</em>.</li></ol>"


def extras_files() -> dict[str, bytes]:
    files = {
        "course.xml": EXTRAS_COURSE_XML,
        f"course/{EXTRAS_RUN}.xml": f"""<course advanced_modules="[&quot;resource&quot;]" cert_html_view_enabled="true" course_image="nurses.jpg" display_name="Wound care" language="en" start="2025-02-01T00:00:00Z" catalog_visibility="both">
  <chapter url_name="basics"/>
  {TEXTBOOK}
  <chapter url_name="practice"/>
  {WIKI}
  {PDF_TEXTBOOKS}
</course>
""",
        "chapter/basics.xml": f"""<chapter display_name="Basics" start="2025-02-01T00:00:00Z" visible_to_staff_only="false">
  <sequential url_name="cleaning"/>
  {ASIDE}
</chapter>
""",
        "chapter/practice.xml": '<chapter display_name="Practice">\n  <sequential url_name="dressing"/>\n</chapter>\n',
        "sequential/cleaning.xml": f"""<sequential display_name="Cleaning a wound" format="Homework" graded="true" due="2025-03-01T00:00:00Z" hide_after_due="true" show_correctness="past_due">
  <vertical url_name="cleaning_1"/>
  {STRAY_PROBLEM}
</sequential>
""",
        "problem/stray_check.xml": STRAY_PROBLEM_FILE,
        "vertical/cleaning_1.xml": """<vertical display_name="Steps" visible_to_staff_only="false" format="lesson">
  <html url_name="steps_text"/>
  <video url_name="steps_video"/>
  <resource url_name="steps_files" xblock-family="xblock.v1" display_name="Handouts" tot_colour="blue">
    <intro>Print these.</intro>
    <file title="Checklist" url="/static/checklist.pdf"/>
  </resource>
</vertical>
""",
        "html/steps_text.xml": '<html filename="steps_text" display_name="Steps" editor="raw" use_latex_compiler="false"/>\n',
        "html/steps_text.html": STEPS_HTML,
        "video/steps_video.xml": """<video display_name="Cleaning a wound" youtube="1.00:abcdefghijk" youtube_id_1_0="abcdefghijk" download_video="false" show_captions="true" edx_video_id="" sub="">
  <transcript language="fr" src="steps-fr.srt"/>
</video>
""",
        "sequential/dressing.xml": '<sequential display_name="Dressing">\n  <vertical url_name="dressing_1"/>\n</sequential>\n',
        "vertical/dressing_1.xml": '<vertical display_name="Apply a dressing">\n  <html url_name="dressing_text"/>\n</vertical>\n',
        "html/dressing_text.xml": '<html filename="dressing_text" display_name="Dressing"/>\n',
        "html/dressing_text.html": "<p>Cover the wound with a sterile dressing.</p>",
        f"policies/{EXTRAS_RUN}/policy.json": json.dumps(EXTRAS_POLICY, indent=4),
        f"policies/{EXTRAS_RUN}/grading_policy.json": json.dumps(GRADING_POLICY, indent=4),
    }
    return {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}
