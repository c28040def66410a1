"""Issue 19, finding 1: an author's script must never run in the LMS's origin (author → admin takeover).

The review's attack: an author put a ``<script>`` in an ``html_demo`` (an xblock-sdk sample that shows its
HTML as it is); an admin opened the unit in the studio and their browser created an admin account. Two
defences, each tested here as the attack: the sdk's sample and debugging blocks are off unless an admin
lists them (``lms.xblock_host.registry``), and block pages run no inline script but the ones block
packages ship, each allowed by its hash (``lms.csp``), so authored script stays inert even in a block that
does not sanitise it.
"""

from __future__ import annotations

import base64
import hashlib
import io
from html.parser import HTMLParser
from importlib.metadata import entry_points

import pytest

from courses.queries import by_code
from lms.db import db
from lms.xblock_host.registry import BlockTypes
from tests.courses.helpers import build_course, handler_url
from tests.olx.olx_course import tar_gz

# Every type the xblock-sdk's sample and workbench packages register, found independently of the code under
# test; thumbs is the one kept on (two counters, no authored field).
SDK_SAMPLES = sorted(
    point.name
    for point in entry_points(group="xblock.v1")
    if point.value.split(".", 1)[0] in {"sample_xblocks", "workbench"} and point.name != "thumbs"
)
ATTACK = (
    '<p id="authored">Read this first.</p>'
    "<script>document.title = 'pwned'; fetch('/admin/users/new', {method: 'POST'});</script>"
    '<img src="/nowhere.png" alt="" onerror="document.title = \'pwned\'">'
)
ATTACK_SCRIPT = "document.title = 'pwned'; fetch('/admin/users/new', {method: 'POST'});"
# Script types a browser runs (the HTML standard's JavaScript MIME types, in their usual spellings).
RUNNABLE_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}


class Scripts(HTMLParser):
    """The page's runnable inline scripts (their exact text) and its event-handler attributes."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._open: dict | None = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.handlers += [(name, value) for name, value in attrs if name.startswith("on")]
        if tag == "script":
            runnable = (attributes.get("type") or "").strip().lower() in RUNNABLE_TYPES and "src" not in attributes
            self._open = {"runnable": runnable, "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            if self._open["runnable"]:
                self.inline.append(self._open["text"])
            self._open = None


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def script_sources(response) -> list[str]:
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    return directives.get("script-src", directives.get("default-src"))


def assert_runs_only_package_scripts(response) -> Scripts:
    """The page's policy runs no inline script or handler attribute except the scripts it lists by hash,
    and every runnable inline script of the page that is not authored is listed."""
    assert response.status_code == 200
    sources = script_sources(response)
    for anything_inline in ("'unsafe-inline'", "'unsafe-hashes'", "'strict-dynamic'", "*", "data:", "blob:"):
        assert anything_inline not in sources, sources
    assert not [source for source in sources if source.startswith("'nonce-")]
    scripts = Scripts(response.get_data(as_text=True))
    for text in scripts.inline:
        if ATTACK_SCRIPT not in text:
            assert sha256_source(text) in sources, f"the page's own script is refused by its policy: {text[:80]!r}"
    return scripts


# --- sample and debugging blocks are off by default --------------------------------------------------------


def test_the_sdk_samples_are_known():
    assert "html_demo" in SDK_SAMPLES and "problem_demo" in SDK_SAMPLES and "debugchild" in SDK_SAMPLES


@pytest.mark.parametrize("block_type", SDK_SAMPLES)
def test_an_author_cannot_add_a_sample_block_by_default(client, auth, factory, block_type):
    built = build_course(factory, {"M": {"L": [["html"]]}}, code="XSS-ADD", publish_it=False)
    unit = built.units[0]
    auth.login(built.author)
    page = client.get(f"/studio/courses/XSS-ADD/unit/{unit}").get_data(as_text=True)
    assert f'value="{block_type}"' not in page  # not offered
    response = client.post(f"/studio/courses/XSS-ADD/blocks/{unit}/add", data={"block_type": block_type})
    assert response.status_code == 302  # refused, with the reason flashed on the unit page
    after = client.get(f"/studio/courses/XSS-ADD/unit/{unit}").get_data(as_text=True)
    assert f'data-block-type="{block_type}"' not in after
    assert after.count('data-block-type="') == 1  # the html component alone


def test_an_admin_who_lists_a_sample_gets_it(app, factory):
    assert "html_demo" not in BlockTypes(None).allowed_types()
    assert "thumbs" in BlockTypes(None).allowed_types()
    listed = BlockTypes(["html", "html_demo"])
    assert listed.is_runnable("html_demo") and not listed.is_runnable("thumbs")


def test_a_sample_block_already_in_a_course_shows_the_placeholder(client, auth, factory, allow_block_types, app):
    """A course built while an admin allowed html_demo keeps working once it is off again: every page that
    shows the block shows the placeholder instead, and its script is nowhere."""
    allow_block_types("html_demo")
    built = build_course(factory, {"M": {"L": [["html_demo", "thumbs"]]}}, code="XSS-OLD", publish_it=False)
    unit = built.units[0]
    demo = built.components[unit][0]
    auth.login(built.author)
    response = client.post(f"/studio/courses/XSS-OLD/blocks/{demo}/edit", data={"content": ATTACK})
    assert response.status_code == 302
    from courses.versions import publish

    publish(by_code("XSS-OLD"), built.author)
    learner = factory.user("learner")
    factory.cohort(course=by_code("XSS-OLD"), learners=[learner])
    admin = factory.user("admin")
    app.extensions["xblock_types"] = BlockTypes(None)  # the default again (the fixture restores its own)

    auth.login(admin)
    for path in (f"/studio/courses/XSS-OLD/unit/{unit}", f"/studio/courses/XSS-OLD/preview/{unit}"):
        page = client.get(path).get_data(as_text=True)
        assert "block-unavailable" in page and ATTACK_SCRIPT not in page and "class='upvote'" in page, path
    assert client.get(f"/studio/courses/XSS-OLD/blocks/{demo}/edit").status_code == 200
    auth.login(learner)
    page = client.get(f"/learn/XSS-OLD/unit/{unit}").get_data(as_text=True)
    assert "block-unavailable" in page and ATTACK_SCRIPT not in page
    assert client.get(handler_url(page, demo, "anything")).status_code == 404


@pytest.mark.parametrize("tag", ["problem_demo", "Problem_Demo", "PROBLEM_DEMO"])
def test_an_imported_problem_demo_never_runs_its_python(client, auth, factory, tmp_path, tag):
    """problem_demo runs the Python of its ``<script>`` (``xblock.run_script``) when it renders: an author's
    OLX import must not get code run on the server, whatever the case of the tag (XBlock's loader lowercases
    the name it is given)."""
    from courses.olx.importer import import_archive

    marker = tmp_path / "ran"
    files = {
        "course.xml": '<course url_name="run" org="RP" course="XSSPY"/>',
        "course/run.xml": (
            '<course display_name="Imported"><chapter display_name="M"><sequential display_name="L">'
            f'<vertical display_name="U"><{tag}><script>\nimport pathlib\n'
            f'pathlib.Path({str(marker)!r}).write_text("ran")\n</script></{tag}>'
            "</vertical></sequential></chapter></course>"
        ),
    }
    author = factory.user("author")
    result = import_archive(io.BytesIO(tar_gz({path: data.encode() for path, data in files.items()})), author)
    db.session.commit()
    course = result.course
    from courses.structure import draft_structure

    unit = draft_structure(course).units[0].key
    auth.login(author)
    pages = [client.get(f"/studio/courses/{course.code}/{view}/{unit}") for view in ("preview", "unit")]
    assert not marker.exists(), "the author's Python ran on the server"
    for page in pages:
        assert page.status_code == 200 and "block-unavailable" in page.get_data(as_text=True)


# --- block pages run only the scripts block packages ship --------------------------------------------------


def test_block_pages_run_only_the_inline_scripts_of_installed_packages(client, auth, factory):
    """Learner, studio, preview and editor pages of blocks that inline their JavaScript: each inline
    script is allowed by its own hash, and nothing else inline may run."""
    layout = {"M": {"L": [["html", "thumbs", "poll", "done", "drag-and-drop-v2"]]}}
    built = build_course(factory, layout, code="XSS-CSP")
    unit = built.units[0]
    poll = built.components[unit][2]
    learner = factory.user("learner")
    factory.cohort(course=built.course, learners=[learner])
    auth.login(built.author)
    pages = {
        "studio": client.get(f"/studio/courses/XSS-CSP/unit/{unit}"),
        "preview": client.get(f"/studio/courses/XSS-CSP/preview/{unit}"),
        "editor": client.get(f"/studio/courses/XSS-CSP/blocks/{poll}/edit"),
    }
    auth.login(learner)
    pages["learner"] = client.get(f"/learn/XSS-CSP/unit/{unit}")
    pages["learner again"] = client.get(f"/learn/XSS-CSP/unit/{unit}")  # from the page skeleton
    for name, response in pages.items():
        scripts = assert_runs_only_package_scripts(response)
        assert scripts.inline, f"{name}: the blocks inline their JavaScript, so the test checks something"
        # None runs; poll's editor has the one kind our runtime emulates (lms/xblock_host/static/.../runtime.js).
        assert set(scripts.handlers) <= {("onclick", "return false;")}, name
        assert "could not be displayed" not in response.get_data(as_text=True), name


@pytest.mark.parametrize("viewer", ["admin", "author", "learner"])
def test_an_authored_script_in_a_block_that_does_not_sanitise_never_runs(
    client, auth, factory, allow_block_types, viewer
):
    """The review's attack with html_demo allowed by an admin: the block puts the author's script and
    ``onerror`` on the page as they are, and the page's policy runs neither (while thumbs' own script runs)."""
    allow_block_types("html_demo")
    built = build_course(factory, {"M": {"L": [["html_demo", "thumbs"]]}}, code="XSS-RUN", publish_it=False)
    unit = built.units[0]
    demo = built.components[unit][0]
    auth.login(built.author)
    assert client.post(f"/studio/courses/XSS-RUN/blocks/{demo}/edit", data={"content": ATTACK}).status_code == 302
    from courses.versions import publish

    publish(by_code("XSS-RUN"), built.author)
    db.session.commit()
    learner = factory.user("learner")
    factory.cohort(course=by_code("XSS-RUN"), learners=[learner])
    person = {"admin": factory.user("admin"), "author": built.author, "learner": learner}[viewer]
    auth.login(person)
    if viewer == "learner":
        paths = [f"/learn/XSS-RUN/unit/{unit}"]
    else:
        paths = [f"/studio/courses/XSS-RUN/unit/{unit}", f"/studio/courses/XSS-RUN/preview/{unit}"]
    for path in paths:
        response = client.get(path)
        scripts = assert_runs_only_package_scripts(response)
        authored = [text for text in scripts.inline if ATTACK_SCRIPT in text]
        assert authored, f"{path}: the block shows the author's script as it is (what the policy is for)"
        assert sha256_source(authored[0]) not in script_sources(response)
        assert ("onerror", "document.title = 'pwned'") in scripts.handlers
        assert len(scripts.inline) > len(authored)  # thumbs' own script, allowed by its hash
