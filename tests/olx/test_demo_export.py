"""Every demo course exports (draft and published, from the command line and the studio's Export button) and
the archive imports again as a course of its own with the same outline and the same authored fields."""

from __future__ import annotations

import io
import tarfile

import pytest
from lxml import etree

from courses import queries
from courses.demo import COURSES
from courses.studio.services import outline
from lms.db import db
from lms.demo import PEOPLE

DEMO_CODES = [spec["code"] for spec in COURSES]


@pytest.fixture
def demo(app, outside_requests):
    """The demo as ``lms seed-demo`` makes it (in a thread of its own, as a command runs)."""
    result = outside_requests(app.test_cli_runner().invoke, args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()


def _cli(app, outside_requests, *args: str):  # noqa: ANN202
    result = outside_requests(app.test_cli_runner().invoke, args=list(args))
    db.session.rollback()
    return result


def _tree(code: str) -> tuple:
    """The course's draft outline as (type, name, children), components included."""
    course = queries.by_code(code)

    def shape(node) -> tuple:  # noqa: ANN001
        return (node.block_type, node.display_name, [shape(child) for child in node.children])

    return shape(outline(course, course.owner))


def _files(archive: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar if member.isfile()}


def _block_types(archive: bytes) -> set[str]:
    """The block elements the archive's XML files hold (inline components included)."""
    types = set()
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                types.update(element.tag for element in etree.fromstring(tar.extractfile(member).read()).iter())
    return types


@pytest.mark.parametrize("code", DEMO_CODES)
@pytest.mark.parametrize("version", ["draft", "published"])
def test_every_demo_course_exports_and_imports_again(app, demo, outside_requests, tmp_path, code, version):
    archive = tmp_path / f"{code}-{version}.tar.gz"
    extra = ["--published"] if version == "published" else []
    exported = _cli(app, outside_requests, "export-olx", code, "--out", str(archive), *extra)
    assert exported.exit_code == 0, exported.output
    if code == "HOSP-NRP-201":  # the hospital blocks, whose `name` field (None) broke the export
        assert {"skill_checklist", "procedure_log"} <= _block_types(archive.read_bytes())
    imported = _cli(
        app, outside_requests, "import-olx", str(archive), "--author", "doctor@demo.example", "--code", f"RE-{code}"
    )
    assert imported.exit_code == 0, imported.output
    assert _tree(f"RE-{code}") == _tree(code)
    again = tmp_path / "again.tar.gz"
    assert _cli(app, outside_requests, "export-olx", f"RE-{code}", "--out", str(again)).exit_code == 0
    assert _files(again.read_bytes()) == _files(archive.read_bytes())  # nothing lost on the way


@pytest.mark.parametrize("code", DEMO_CODES)
def test_the_studio_exports_every_demo_course(app, demo, client, auth, code):
    owner = queries.by_code(code).owner
    auth.login(owner.email, next(person.password for person in PEOPLE if person.email == owner.email))
    for query in ("", "?version=published"):
        response = client.get(f"/studio/courses/{code}/export{query}")
        assert response.status_code == 200, response.headers.get("Location")
        assert response.mimetype == "application/gzip"
        with tarfile.open(fileobj=io.BytesIO(response.data), mode="r:gz") as tar:
            assert "course/course.xml" in tar.getnames()
