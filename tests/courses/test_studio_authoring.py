"""Authoring for people who are not developers: component types by human name, description and group;
edit forms labelled and explained in the author's language; skill checklist steps edited as a list."""

from __future__ import annotations

import re

from lms.db import db
from lms.xblock_host.registry import BlockTypes
from tests.courses.helpers import build_course


def _unit_page(client, built) -> str:
    response = client.get(f"/studio/courses/{built.course.code}/unit/{built.units[0]}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _offered(html: str) -> list[str]:
    """The component types the "Add a component" form offers, in order."""
    return re.findall(r'<input type="radio" name="block_type" id="kind-[^"]+" value="([^"]+)"', html)


def _group_of(html: str, block_type: str) -> str:
    """The legend of the group the type is offered in."""
    position = html.index(f'value="{block_type}"')
    legends = list(re.finditer(r'<fieldset class="component-group">\s*<legend>([^<]+)</legend>', html[:position]))
    return legends[-1].group(1)


def test_add_a_component_offers_named_described_and_grouped_types(client, auth, factory):
    built = build_course(factory, {"M": {"L": [[]]}}, code="AU-ADD", publish_it=False)
    auth.login(built.author)
    html = _unit_page(client, built)
    offered = _offered(html)
    # Our own kinds first, each with a human name and a one-line description.
    assert offered[:3] == ["html", "video", "resource"]
    assert re.search(
        r'<label for="kind-html">Text</label>\s*<span class="help" id="kind-html-help">Formatted text', html
    )
    assert '<label for="kind-skill_checklist">Skill checklist</label>' in html
    assert '<label for="kind-drag-and-drop-v2">Drag and drop</label>' in html
    assert _group_of(html, "html") == "Text and media"
    assert _group_of(html, "poll") == "Exercises"
    assert _group_of(html, "skill_checklist") == "Hospital skills"
    # An installed block we do not describe keeps the name its package gives it, under "other", with its
    # entry-point name so an admin can tell which it is.
    assert _group_of(html, "thumbs") == "Other installed blocks"
    assert re.search(r'<label for="kind-thumbs">[^<]+</label>\s*<span class="help"[^>]*> <code>thumbs</code>', html)
    # The xblock-sdk's demo and debugging blocks are not offered.
    for sample in ("html_demo", "problem_demo", "slider_demo", "debugchild", "allscopes_demo", "equality_demo"):
        assert sample not in offered, sample
    assert "course" not in offered and "vertical" not in offered

    # The choice posts the type, as before.
    response = client.post(
        f"/studio/courses/AU-ADD/blocks/{built.units[0]}/add",
        data={"block_type": "skill_checklist", "display_name": ""},
    )
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    html = _unit_page(client, built)
    assert '<span class="badge" title="skill_checklist">Skill checklist</span>' in html


def test_demo_blocks_are_offered_once_an_admin_allows_them(client, auth, factory, allow_block_types):
    allow_block_types("html_demo")
    built = build_course(factory, {"M": {"L": [[]]}}, code="AU-DEMO", publish_it=False)
    auth.login(built.author)
    html = _unit_page(client, built)
    assert "html_demo" in _offered(html) and _group_of(html, "html_demo") == "Other installed blocks"
    assert "problem_demo" not in _offered(html)


def test_the_allow_list_limits_what_is_offered(app, client, auth, factory, monkeypatch):
    built = build_course(factory, {"M": {"L": [[]]}}, code="AU-LIST", publish_it=False)
    monkeypatch.setitem(app.extensions, "xblock_types", BlockTypes(["html", "poll"]))  # LMS_XBLOCK_ALLOWLIST
    auth.login(built.author)
    html = _unit_page(client, built)
    assert _offered(html) == ["html", "poll"]
    assert "Hospital skills" not in html
    refused = client.post(f"/studio/courses/AU-LIST/blocks/{built.units[0]}/add", data={"block_type": "video"})
    assert refused.status_code == 302
    assert "video" not in _unit_page(client, built).split('id="h-add"')[0]


# -- generated edit forms -------------------------------------------------------------------------------


def _label(html: str, name: str) -> str:
    match = re.search(rf'<label for="{name}">([^<]*)</label>', html)
    assert match, f"no label for {name}"
    return match.group(1)


def _help(html: str, name: str) -> str:
    match = re.search(rf'<p class="help" id="{name}-help">([^<]*)</p>', html)
    assert match, f"no help for {name}"
    return match.group(1)


def test_generated_form_is_labelled_with_display_names_and_help(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["skill_checklist", "html"]]}}, code="AU-FORM", publish_it=False)
    checklist, html_block = built.components[built.units[0]]
    auth.login(built.author)
    page = client.get(f"/studio/courses/AU-FORM/blocks/{checklist}/edit").get_data(as_text=True)
    assert "<h1>Edit Skill checklist</h1>" in page
    assert _label(page, "display_name") == "Name"
    assert _label(page, "competency") == "Competency"
    assert _label(page, "competent_level") == "Competent from level"
    assert _help(page, "competency") == "The competency being assessed, as a short title."
    page = client.get(f"/studio/courses/AU-FORM/blocks/{html_block}/edit").get_data(as_text=True)
    assert _label(page, "data") == "Text"
    assert "Scripts and styles are removed" in _help(page, "data")


def test_generated_form_speaks_the_authors_language(client, auth, factory):
    """Labels and help go through the block's own catalogue (ours: the courses catalogue)."""
    author = factory.user("author", language="fr")
    built = build_course(factory, {"M": {"L": [["video"]]}}, author=author, code="AU-FR", publish_it=False)
    video = built.components[built.units[0]][0]
    auth.login(author)
    page = client.get(f"/studio/courses/AU-FR/blocks/{video}/edit").get_data(as_text=True)
    assert _label(page, "display_name") == "Nom"
    assert _label(page, "transcript") == "Transcription"
    assert "Vidéo" in page.split("<h1>")[1].split("</h1>")[0]  # the kind's name, not "video"


def test_a_community_blocks_form_keeps_its_own_labels(client, auth, factory):
    """done-xblock's generated form: its fields' own display names and help as it ships them; a field with
    none gets its name made readable, never the raw attribute name."""
    built = build_course(factory, {"M": {"L": [["done"]]}}, code="AU-DONE", publish_it=False)
    done = built.components[built.units[0]][0]
    auth.login(built.author)
    page = client.get(f"/studio/courses/AU-DONE/blocks/{done}/edit?form=1").get_data(as_text=True)
    assert _label(page, "weight") == "Problem Weight"
    assert _label(page, "align") == "Align"
    assert _help(page, "align") == "Align left/right/center"
    assert _label(page, "display_name") == "Display name"


# -- skill checklist steps ------------------------------------------------------------------------------


def _checklist(factory, code):
    from tests.blocks.helpers import STEPS, configure

    built = build_course(factory, {"M": {"L": [["skill_checklist"]]}}, code=code, publish_it=False)
    checklist = built.components[built.units[0]][0]
    configure(built.course, checklist, built.author, {"competency": "IV cannulation", "steps": STEPS})
    db.session.commit()
    return built, checklist


def _stored_steps(app, built, checklist):
    from courses.context import runtime_for
    from courses.models import Course

    db.session.rollback()
    with app.test_request_context():
        course = db.session.get(Course, built.course.id)
        return runtime_for(course, built.author, "draft").get_block(checklist).steps


def _edit(client, built, checklist, steps_text, **extra):
    data = {"display_name": "IV", "competency": "IV cannulation", "description": "", "competent_level": "4"}
    return client.post(
        f"/studio/courses/{built.course.code}/blocks/{checklist}/edit", data={**data, "steps": steps_text, **extra}
    )


def test_checklist_steps_are_edited_one_per_line(app, client, auth, factory):
    built, checklist = _checklist(factory, "AU-STEPS")
    auth.login(built.author)
    page = client.get(f"/studio/courses/AU-STEPS/blocks/{checklist}/edit").get_data(as_text=True)
    # No JSON: one step per line, "!" before a must-pass step; the editor's script is a static file.
    textarea = re.search(r'<textarea[^>]*name="steps"[^>]*>([^<]*)</textarea>', page)
    assert textarea and textarea.group(1).strip() == (
        "! Performs hand hygiene\nExplains the procedure and obtains consent\n! Keeps the site aseptic"
    )
    assert 'data-step-ids="[&#34;hygiene&#34;, &#34;consent&#34;, &#34;asepsis&#34;]"' in page
    assert re.search(r'<script src="[^"]*/step_list\.js', page)
    assert "[{" not in page

    # Without JavaScript: reorder, reword one step in place, drop one, add one, change must-pass.
    response = _edit(
        client,
        built,
        checklist,
        "Keeps the site aseptic\n! Performs hand hygiene and wears gloves\n\n! Disposes of sharps safely\n",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    steps = _stored_steps(app, built, checklist)
    assert [(s["text"], s["must_pass"]) for s in steps] == [
        ("Keeps the site aseptic", False),
        ("Performs hand hygiene and wears gloves", True),
        ("Disposes of sharps safely", True),
    ]
    assert steps[0]["id"] == "asepsis"  # moved: matched by its text
    assert steps[1]["id"] == "consent"  # the changed line where "consent" was keeps its id
    assert steps[2]["id"] not in {"hygiene", "consent", "asepsis"}  # new: a fresh id, never a removed step's


def test_the_step_list_editor_keeps_ids_of_steps_moved_and_reworded_at_once(app, client, auth, factory):
    built, checklist = _checklist(factory, "AU-IDS")
    auth.login(built.author)
    response = _edit(
        client,
        built,
        checklist,
        "Keeps the site aseptic at all times\nNew step\n! Performs hand hygiene",
        steps__ids='["asepsis", null, "hygiene"]',
    )
    assert response.status_code == 302
    steps = _stored_steps(app, built, checklist)
    assert [s["id"] for s in steps][0::2] == ["asepsis", "hygiene"]
    assert steps[1]["id"] not in {"hygiene", "consent", "asepsis"}
    # Ids the editor cannot know (another block's, forged, malformed) are not taken: lines are matched instead.
    response = _edit(client, built, checklist, "Keeps the site aseptic at all times\nX", steps__ids='["nope", "x"]')
    assert response.status_code == 302
    assert [s["id"] for s in _stored_steps(app, built, checklist)][0] == "asepsis"
    assert _edit(client, built, checklist, "A\nB", steps__ids="{not json").status_code == 302


def test_step_list_refuses_too_long_steps_and_saves_nothing(app, client, auth, factory):
    built, checklist = _checklist(factory, "AU-LONG")
    auth.login(built.author)
    response = _edit(client, built, checklist, "x" * 501)
    assert response.status_code == 400
    assert 'id="steps-error">Each step has at most 500 characters.' in response.get_data(as_text=True)
    assert [s["id"] for s in _stored_steps(app, built, checklist)] == ["hygiene", "consent", "asepsis"]


# -- the html component's visual editor -----------------------------------------------------------------


def test_html_is_edited_with_a_vendored_visual_editor_over_the_textarea(app, client, auth, factory):
    """The visual editor and its stylesheet are the LMS's own static files (no CDN, no inline script: the
    page's policy allows scripts from 'self' only); the textarea stays the field the form submits."""
    built = build_course(factory, {"M": {"L": [["html", "video"]]}}, code="AU-HTML", publish_it=False)
    html_block, video = built.components[built.units[0]]
    auth.login(built.author)
    response = client.get(f"/studio/courses/AU-HTML/blocks/{html_block}/edit")
    page = response.get_data(as_text=True)
    assert re.search(r'<textarea[^>]*data-html-editor[^>]*name="data"', page)
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all('src="/' in attributes for attributes in scripts)  # none inline, none elsewhere
    assert any("/studio/static/vendor/trix/trix.umd.min.js" in s for s in scripts)
    assert any("/studio/static/html_editor.js" in s for s in scripts)
    assert "/studio/static/vendor/trix/trix.css" in page
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]
    for path in ("vendor/trix/trix.umd.min.js", "html_editor.js"):
        served = client.get(f"/studio/static/{path}")
        assert served.status_code == 200 and "javascript" in served.content_type
    other = client.get(f"/studio/courses/AU-HTML/blocks/{video}/edit").get_data(as_text=True)
    assert "trix" not in other  # only where there is HTML to edit


def test_textarea_line_breaks_are_stored_as_the_text_has_them(app, client, auth, factory):
    """Browsers post a textarea's line breaks as CRLF; the stored text has LF, as HTML parsing reads it (so the
    visual editor's HTML comes out of the sanitiser unchanged)."""
    from courses.blocks.sanitize import clean_html
    from courses.context import runtime_for
    from courses.models import Course

    built = build_course(factory, {"M": {"L": [["html"]]}}, code="AU-CRLF", publish_it=False)
    html_block = built.components[built.units[0]][0]
    auth.login(built.author)
    posted = "<pre>code()\r\n<br></pre><div>a<br>b</div>"
    response = client.post(
        f"/studio/courses/AU-CRLF/blocks/{html_block}/edit", data={"display_name": "T", "data": posted}
    )
    assert response.status_code == 302
    db.session.rollback()
    with app.test_request_context():
        course = db.session.get(Course, built.course.id)
        stored = runtime_for(course, built.author, "draft").get_block(html_block).data
    assert stored == "<pre>code()\n<br></pre><div>a<br>b</div>"
    assert clean_html(stored) == stored
