"""The authoring studio: permissions, course creation, outline editing, components, preview, publishing, files."""

from __future__ import annotations

import copy
import hashlib
import io
import re

from sqlalchemy import func, select

from courses.models import Course, CourseVersion
from courses.studio import services as studio
from lms.db import db
from lms.xblock_host.models import NO_USER, XBlockField
from tests.courses.helpers import build_course, handler_url


def test_learner_cannot_open_the_studio(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="ST-PERM")
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    for path in (
        "/studio/",
        "/studio/new",
        "/studio/courses/ST-PERM/",
        "/studio/courses/ST-PERM/settings",
        f"/studio/courses/ST-PERM/unit/{built.units[0]}",
        "/studio/courses/ST-PERM/files",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post("/studio/courses/ST-PERM/publish", data={}).status_code == 403
    versions = select(func.count()).where(CourseVersion.course_id == built.course.id)
    assert db.session.scalar(versions) == 1  # the refused publish made no version
    assert "/studio/" not in client.get("/").get_data(as_text=True)  # no menu entry either


def test_studio_lists_the_authors_own_courses_page_by_page(app, client, auth, factory, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    author = factory.user("author")
    titles = [f"Course {letter}" for letter in "ABC"]
    for n, title in enumerate(titles):
        factory.course(owner=author, code=f"ST-PG{n}", title=title)
    factory.course(title="Course Of Someone Else")
    auth.login(author)

    def listed(response) -> list[str]:
        return [title for title in titles if f"<strong>{title}</strong>" in response.get_data(as_text=True)]

    first = client.get("/studio/")
    assert listed(first) == titles[:2] and "Page 1 of 2" in first.get_data(as_text=True)
    second = client.get("/studio/?page=2")
    assert listed(second) == titles[2:] and "Course Of Someone Else" not in second.get_data(as_text=True)
    assert listed(client.get("/studio/?page=9")) == titles[2:]


def test_author_cannot_edit_another_authors_course(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="ST-OTHER")
    intruder = factory.user("author")
    auth.login(intruder)
    assert client.get("/studio/").status_code == 200
    assert "ST-OTHER" not in client.get("/studio/").get_data(as_text=True)
    assert client.get("/studio/courses/ST-OTHER/").status_code == 403
    unit = built.units[0]
    response = client.post(f"/studio/courses/ST-OTHER/blocks/{unit}/add", data={"block_type": "html"})
    assert response.status_code == 403
    html = built.components[unit][0]
    assert client.post(f"/studio/courses/ST-OTHER/blocks/{html}/delete").status_code == 403
    assert client.post(f"/studio/courses/ST-OTHER/blocks/{html}/edit", data={"data": "<p>x</p>"}).status_code == 403
    # nor call the draft's handlers with a token minted for themself
    from lms.xblock_host import tokens

    with client.application.test_request_context():
        token = tokens.make(intruder.id, intruder.id, html, "draft")
    assert client.post(f"/xblock/draft/{html}/handler/{intruder.id}/{token}/x/").status_code == 403
    # None of the refused requests changed the draft.
    db.session.rollback()
    course = db.session.get(Course, built.course.id)
    draft_unit = next(node for node in studio.outline(course, built.author).walk() if node.key == unit)
    assert [child.key for child in draft_unit.children] == [html]
    assert not course.has_unpublished_changes


def test_author_creates_a_course_and_builds_the_outline(client, auth, factory):
    author = factory.user("author")
    auth.login(author)
    response = client.post(
        "/studio/new",
        data={
            "track": "hospital",
            "code": "HOSP-1",
            "title": "Triage skills",
            "description": "d",
            "hours": "12",
            "language": "en",
            "learning_outcomes": "Triage\nHand over",
        },
    )
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.code == "HOSP-1"))
    assert course.track == "hospital" and course.hours == 12 and course.outcomes == ["Triage", "Hand over"]
    duplicate = client.post(
        "/studio/new", data={"track": "hospital", "code": "hosp-1", "title": "Again", "language": "en"}
    )
    assert duplicate.status_code == 400 and "Another course already uses this code." in duplicate.get_data(as_text=True)

    root = course.root_key
    client.post(f"/studio/courses/HOSP-1/blocks/{root}/add", data={"block_type": "chapter", "display_name": "Module A"})
    client.post(f"/studio/courses/HOSP-1/blocks/{root}/add", data={"block_type": "chapter", "display_name": "Module B"})
    tree = studio.outline(course, author)
    assert [c.display_name for c in tree.children] == ["Module A", "Module B"]
    module_a, module_b = (c.key for c in tree.children)
    # only the right kind of child can be added
    client.post(f"/studio/courses/HOSP-1/blocks/{module_a}/add", data={"block_type": "vertical"})
    assert studio.outline(course, author).children[0].children == []

    # reorder
    client.post(f"/studio/courses/HOSP-1/blocks/{module_b}/move", data={"direction": "up"})
    assert [c.display_name for c in studio.outline(course, author).children] == ["Module B", "Module A"]
    # rename
    client.post(f"/studio/courses/HOSP-1/blocks/{module_a}/rename", data={"display_name": "Module Alpha"})
    assert "Module Alpha" in client.get("/studio/courses/HOSP-1/").get_data(as_text=True)
    # lesson, unit, component
    client.post(
        f"/studio/courses/HOSP-1/blocks/{module_a}/add", data={"block_type": "sequential", "display_name": "L1"}
    )
    lesson = studio.outline(course, author).children[1].children[0].key
    response = client.post(
        f"/studio/courses/HOSP-1/blocks/{lesson}/add", data={"block_type": "vertical", "display_name": "U1"}
    )
    unit = re.search(r"/unit/([^/?#]+)", response.headers["Location"]).group(1)
    response = client.post(f"/studio/courses/HOSP-1/blocks/{unit}/add", data={"block_type": "html"})
    assert "/edit" in response.headers["Location"]

    # delete asks first, then removes the whole subtree from the draft
    confirm = client.get(f"/studio/courses/HOSP-1/blocks/{module_a}/delete")
    assert confirm.status_code == 200 and "Delete" in confirm.get_data(as_text=True)
    assert len(list(studio.outline(course, author).walk())) == 6  # course, 2 modules, lesson, unit, html
    client.post(f"/studio/courses/HOSP-1/blocks/{module_a}/delete")
    assert [c.display_name for c in studio.outline(course, author).children] == ["Module B"]
    db.session.rollback()
    leftovers = db.session.scalar(select(func.count()).select_from(XBlockField).where(XBlockField.block_key == unit))
    assert leftovers == 0


def test_html_component_edited_through_generated_form_is_sanitised(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="ST-HTML", publish_it=False)
    html = built.components[built.units[0]][0]
    auth.login(built.author)
    form = client.get(f"/studio/courses/ST-HTML/blocks/{html}/edit")
    assert form.status_code == 200 and 'name="data"' in form.get_data(as_text=True)
    payload = '<p onclick="steal()">Safe <b>text</b></p><script>alert(1)</script><a href="javascript:alert(2)">x</a>'
    assert (
        client.post(
            f"/studio/courses/ST-HTML/blocks/{html}/edit", data={"display_name": "Intro", "data": payload}
        ).status_code
        == 302
    )
    preview = client.get(f"/studio/courses/ST-HTML/preview/{built.units[0]}").get_data(as_text=True)
    assert "Safe <b>text</b>" in preview
    assert "<script>alert(1)" not in preview and "steal()" not in preview and "javascript:alert" not in preview


DATA_LINKS = [
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">plain</a>',
    '<a href=" DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">case and space</a>',
    '<a href="dat&#x61;:text/html,x">entity</a>',
    '<a href="da&#9;ta:text/html,x">tab</a>',
    '<a href="&#1;data:text/html,x">control</a>',
    '<img src="data:text/html,x" alt="not an image">',
    '<img src="/static/a.png" srcset="data:image/png;base64,iVBORw0KGgo= 2x" alt="candidates">',
    '<video src="data:video/mp4;base64,AAAA" poster="data:image/png;base64,AAAA"></video>',
]


def test_html_keeps_data_urls_only_as_images(client, auth, factory):
    """A data: link opens the author's page (script included) when clicked; only <img src> may hold data:."""
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="ST-DATA", publish_it=False)
    html = built.components[built.units[0]][0]
    image = '<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">'
    content = "".join(DATA_LINKS) + image
    auth.login(built.author)
    edit = client.post(f"/studio/courses/ST-DATA/blocks/{html}/edit", data={"display_name": "D", "data": content})
    assert edit.status_code == 302
    assert client.post("/studio/courses/ST-DATA/publish", data={}).status_code == 302
    auth.logout()
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(learner)
    page = client.get(f"/learn/ST-DATA/unit/{built.units[0]}").get_data(as_text=True)
    body = page[page.index('data-block-type="html"') :]
    assert image in body  # an inline picture stays
    assert body.lower().count("data:") == 1  # and is the only data: URL left
    for text in ("plain", "case and space", "entity", "tab", "control"):
        assert f'<a rel="noopener noreferrer">{text}</a>' in body  # the link's text stays, without its target
    assert '<img alt="not an image">' in body and "srcset=" not in body and "<video></video>" in body


def test_generated_form_rejects_bad_values_and_saves_nothing(client, auth, factory, allow_block_types):
    allow_block_types("slider_demo")  # a sample with integer fields, listed as an admin would
    built = build_course(factory, {"M": {"L": [["slider_demo"]]}}, code="ST-BAD", publish_it=False)
    slider = built.components[built.units[0]][0]
    auth.login(built.author)
    page = client.get(f"/studio/courses/ST-BAD/blocks/{slider}/edit").get_data(as_text=True)
    assert 'name="max_value"' in page and 'name="min_value"' in page
    # Good values beside one bad value: the form is refused as a whole, with the error next to its field.
    response = client.post(
        f"/studio/courses/ST-BAD/blocks/{slider}/edit", data={"name": "renamed", "min_value": "5", "max_value": "many"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="max_value-error">Not a valid integer value\.<', html), html
    assert 'id="min_value-error"' not in html
    from courses.context import runtime_for

    db.session.rollback()
    with client.application.test_request_context():
        block = runtime_for(db.session.get(Course, built.course.id), built.author, "draft").get_block(slider)
        assert (block.name, block.min_value, block.max_value) == (None, 0, 100)


def test_component_with_studio_view_is_edited_through_it(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["poll"]]}}, code="ST-POLL", publish_it=False)
    poll = built.components[built.units[0]][0]
    auth.login(built.author)
    page = client.get(f"/studio/courses/ST-POLL/blocks/{poll}/edit").get_data(as_text=True)
    assert "xblock-v1-studio_view" in page and "studio_view.js" in page
    # The block's own editor saves through its studio_submit handler on the draft.
    url = handler_url(page, poll, "studio_submit")
    response = client.post(
        url,
        json={
            "display_name": "Which tool first?",
            "question": "Which tool do you check first?",
            "answers": [{"key": "A", "label": "Multimeter"}, {"key": "B", "label": "Insulation tester"}],
            "feedback": "",
            "max_submissions": 1,
            "private_results": False,
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"success": True, "errors": []}
    course = db.session.get(Course, built.course.id)
    assert course.has_unpublished_changes
    from courses.context import runtime_for

    with client.application.test_request_context():
        block = runtime_for(course, built.author, "draft").get_block(poll)
        assert block.question == "Which tool do you check first?"


def test_learners_see_published_version_only_and_keep_state_across_republish(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html", "thumbs"]]}}, code="ST-VER")
    unit = built.units[0]
    html, thumbs = built.components[unit]
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])

    auth.login(built.author)
    client.post(f"/studio/courses/ST-VER/blocks/{html}/edit", data={"display_name": "T", "data": "<p>Version two</p>"})
    auth.logout()

    auth.login(learner)
    page = client.get(f"/learn/ST-VER/unit/{unit}").get_data(as_text=True)
    assert "Version two" not in page  # still version 1
    client.post(handler_url(page, thumbs, "vote"), json={"voteType": "up"})
    auth.logout()

    auth.login(built.author)
    assert client.post("/studio/courses/ST-VER/publish", data={"note": "New intro"}).status_code == 302
    auth.logout()
    versions = db.session.scalars(select(CourseVersion).where(CourseVersion.course_id == built.course.id)).all()
    assert sorted(v.number for v in versions) == [1, 2]

    auth.login(learner)
    page = client.get(f"/learn/ST-VER/unit/{unit}").get_data(as_text=True)
    assert "Version two" in page
    assert "<span class='upvote'><span class='count'>1</span>" in page  # the vote survived the re-publish


def test_published_versions_are_immutable(client, auth, factory):
    """Deleting a component changes the draft only: the author's outline and preview lose it at once, while
    the published version (its stored snapshot and what learners see) keeps it until the next publish."""
    built = build_course(factory, {"M": {"L": [["html", "thumbs"]]}}, code="ST-IMM", publish_it=False)
    unit = built.units[0]
    html, thumbs = built.components[unit]
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(built.author)
    words = "<p>Published words</p>"
    client.post(f"/studio/courses/ST-IMM/blocks/{html}/edit", data={"display_name": "Intro", "data": words})
    assert client.post("/studio/courses/ST-IMM/publish", data={}).status_code == 302
    course = db.session.get(Course, built.course.id)
    version_id = course.published_version_id
    before = copy.deepcopy(db.session.get(CourseVersion, version_id).snapshot)
    assert html in before and not course.has_unpublished_changes

    response = client.post(f"/studio/courses/ST-IMM/blocks/{html}/delete")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/studio/courses/ST-IMM/unit/{unit}")

    # The draft lost the component: outline, unit page, preview, stored rows, and the course says so.
    db.session.rollback()
    db.session.expire_all()
    course = db.session.get(Course, built.course.id)
    draft_unit = next(node for node in studio.outline(course, built.author).walk() if node.key == unit)
    assert [child.key for child in draft_unit.children] == [thumbs]
    assert f'data-usage="{html}"' not in client.get(f"/studio/courses/ST-IMM/unit/{unit}").get_data(as_text=True)
    preview = client.get(f"/studio/courses/ST-IMM/preview/{unit}").get_data(as_text=True)
    assert "Published words" not in preview and f'data-usage="{thumbs}"' in preview
    authored_rows = (
        select(func.count())
        .select_from(XBlockField)
        .where(XBlockField.block_key == html, XBlockField.user_id == NO_USER)
    )
    assert db.session.scalar(authored_rows) == 0
    assert course.has_unpublished_changes
    assert "unpublished changes" in client.get("/studio/courses/ST-IMM/").get_data(as_text=True)

    # The published version is the same version, byte for byte, and learners still see the component.
    assert course.published_version_id == version_id
    assert db.session.scalar(select(func.count()).where(CourseVersion.course_id == course.id)) == 1
    assert db.session.get(CourseVersion, version_id).snapshot == before
    auth.logout()
    auth.login(learner)
    page = client.get(f"/learn/ST-IMM/unit/{unit}").get_data(as_text=True)
    assert f'data-usage="{html}"' in page and "Published words" in page and f'data-usage="{thumbs}"' in page


def test_preview_shows_the_draft_to_authors(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="ST-PREV", publish_it=False)
    html = built.components[built.units[0]][0]
    auth.login(built.author)
    client.post(f"/studio/courses/ST-PREV/blocks/{html}/edit", data={"display_name": "T", "data": "<p>Draft words</p>"})
    page = client.get(f"/studio/courses/ST-PREV/preview/{built.units[0]}")
    assert page.status_code == 200 and "Draft words" in page.get_data(as_text=True)
    assert "Preview of the draft" in page.get_data(as_text=True)


def test_co_authors(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="ST-CO", publish_it=False)
    colleague = factory.user("author", email="colleague@example.org")
    learner = factory.user("learner", email="not-author@example.org")
    auth.login(built.author)
    refused = client.post("/studio/courses/ST-CO/authors", data={"email": learner.email})
    assert refused.status_code == 400 and "author role" in refused.get_data(as_text=True)
    assert client.post("/studio/courses/ST-CO/authors", data={"email": colleague.email}).status_code == 302
    auth.logout()
    auth.login(colleague)
    assert client.get("/studio/courses/ST-CO/").status_code == 200
    # a co-author edits but does not manage authors
    outsider = factory.user("author", email="outsider@example.org")
    assert client.post("/studio/courses/ST-CO/authors", data={"email": outsider.email}).status_code == 403
    auth.logout()
    auth.login(outsider)
    assert client.get("/studio/courses/ST-CO/").status_code == 403  # the refused request added nobody


def test_files_upload_and_static_references(client, auth, factory):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="ST-FILE", publish_it=False)
    html = built.components[built.units[0]][0]
    auth.login(built.author)
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    response = client.post(
        "/studio/courses/ST-FILE/files",
        data={"file": (io.BytesIO(png), "wiring diagram.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    client.post(
        f"/studio/courses/ST-FILE/blocks/{html}/edit",
        data={"display_name": "T", "data": '<p><img src="/static/wiring diagram.png" alt="Wiring"></p>'},
    )
    client.post("/studio/courses/ST-FILE/publish", data={})
    preview = client.get(f"/studio/courses/ST-FILE/preview/{built.units[0]}").get_data(as_text=True)
    sha = hashlib.sha256(png).hexdigest()
    assert f'src="/courses/ST-FILE/files/{sha}/wiring%20diagram.png"' in preview  # the file's bytes, by content
    assert client.get("/courses/ST-FILE/assets/wiring diagram.png").data == png
    auth.logout()
    learner = factory.user("learner")
    auth.login(learner)
    assert client.get("/courses/ST-FILE/assets/wiring diagram.png").status_code == 403  # not enrolled
    factory.cohort(course=built.course, learners=[learner])
    assert client.get("/courses/ST-FILE/assets/wiring diagram.png").status_code == 200
