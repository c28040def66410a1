"""Bad archives: each gives a clear error and leaves no course, block or asset behind.

The import runs as the CLI runs it (one transaction, committed only on success), so these tests also
prove the failures that happen *after* the course was created (a block rejecting its OLX) roll back.
"""

from __future__ import annotations

import io
import tarfile

import pytest

from tests.olx import olx_course


def with_changes(**changes) -> dict[str, bytes]:
    """The sample course with files replaced (bytes/str) or removed (None); '__' in a name means '/'."""
    files = olx_course.course_files()
    for name, value in changes.items():
        path = name.replace("__", "/").replace("_DOT_", ".")
        if value is None:
            files.pop(path)
        else:
            files[path] = value.encode() if isinstance(value, str) else value
    return files


def member(name: str, kind: bytes = tarfile.REGTYPE, data: bytes = b"x", target: str = "") -> tuple:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data if kind == tarfile.REGTYPE else None


BROKEN_VERTICAL = '<vertical display_name="Check">\n  <problem url_name="ppe_quiz">\n</vertical>\n'
BAD_POLL = (
    '<vertical display_name="Check">\n  <poll url_name="p" xblock-family="xblock.v1" answers="[1,"/>\n</vertical>\n'
)

CASES = {
    "not gzip": (b"PK\x03\x04 this is a zip file, not a tarball", "not a .tar.gz archive"),
    "gzip but not tar": (olx_course.gzip_bytes(b"<course/>" * 100), "not a .tar.gz archive"),
    "no course.xml": (olx_course.tar_gz(with_changes(course_DOT_xml=None)), "no course.xml"),
    "path traversal": (
        olx_course.tar_gz(olx_course.course_files(), extra=[member("course/../../evil.txt")]),
        "'..'",
    ),
    "absolute name": (olx_course.tar_gz(olx_course.course_files(), extra=[member("/etc/cron.d/evil")]), "absolute"),
    "symlink": (
        olx_course.tar_gz(
            olx_course.course_files(), extra=[member("course/static/passwd", tarfile.SYMTYPE, target="/etc/passwd")]
        ),
        "link",
    ),
    "hard link": (
        olx_course.tar_gz(
            olx_course.course_files(), extra=[member("course/static/x", tarfile.LNKTYPE, target="course/course.xml")]
        ),
        "link",
    ),
    "malformed XML": (
        olx_course.tar_gz(with_changes(vertical__ppe_check_DOT_xml=BROKEN_VERTICAL)),
        "vertical/ppe_check.xml, line 3",
    ),
    "missing pointer target": (
        olx_course.tar_gz(with_changes(problem__ppe_quiz_DOT_xml=None)),
        "problem/ppe_quiz.xml, which is not in the archive",
    ),
    "missing html file": (olx_course.tar_gz(with_changes(html__ppe_text_DOT_html=None)), "html/ppe_text.html"),
    "wrong definition tag": (
        olx_course.tar_gz(with_changes(chapter__wiring_DOT_xml="<sequential/>")),
        "chapter/wiring.xml: expected <chapter>",
    ),
    "bad policy JSON": (
        olx_course.tar_gz(with_changes(policies__2025_T1__policy_DOT_json='{\n  "course/2025_T1": {,\n}')),
        "policies/2025_T1/policy.json, line 2",
    ),
    "bad static file name": (
        olx_course.tar_gz(with_changes(**{"static/bad%name.png": b"x"})),
        "static/bad%name.png",
    ),
    "block rejecting its OLX (after the course exists)": (
        olx_course.tar_gz(with_changes(vertical__ppe_check_DOT_xml=BAD_POLL)),
        "poll block p could not be read",
    ),
}


def import_cli(app, data: bytes, tmp_path, email="author@example.org", code=None):  # noqa: ANN001
    path = tmp_path / "course.tar.gz"
    path.write_bytes(data)
    args = ["import-olx", str(path), "--author", email] + (["--code", code] if code else [])
    return app.test_cli_runner().invoke(args=args)


@pytest.mark.parametrize("case", list(CASES))
def test_bad_archive_imports_nothing(app, author, row_counts, tmp_path, case):
    data, expected = CASES[case]
    before = row_counts()
    result = import_cli(app, data, tmp_path)
    assert result.exit_code == 1, result.output
    assert "Nothing was imported" in result.output
    assert expected in result.output
    assert row_counts() == before


def test_duplicate_course_code_imports_nothing(app, author, row_counts, tmp_path):
    assert import_cli(app, olx_course.archive(), tmp_path).exit_code == 0
    before = row_counts()
    result = import_cli(app, olx_course.archive(), tmp_path)
    assert result.exit_code == 1
    assert "Another course already uses this code. (RP-ELEC101-2025_T1)" in result.output
    assert row_counts() == before


def test_archive_over_the_size_limit(app, author, row_counts, tmp_path, monkeypatch):
    data = olx_course.archive()
    monkeypatch.setitem(app.config, "OLX_MAX_BYTES", len(data) // 2)
    before = row_counts()
    result = import_cli(app, data, tmp_path)
    assert result.exit_code == 1 and "larger than" in result.output
    assert row_counts() == before


def test_archive_unpacking_over_the_size_limit(app, author, row_counts, tmp_path, monkeypatch):
    """A small archive that unpacks to a lot (a zip bomb) is refused from the tar headers."""
    data = olx_course.tar_gz(with_changes(static__zeros_DOT_bin=b"\0" * 200_000))
    assert len(data) < 20_000
    monkeypatch.setitem(app.config, "OLX_MAX_BYTES", 100_000)
    result = import_cli(app, data, tmp_path)
    assert result.exit_code == 1 and "unpacks to more than" in result.output
    assert row_counts()["course"] == 0


def test_archive_with_too_many_members(app, author, row_counts, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "OLX_MAX_MEMBERS", 5)
    result = import_cli(app, olx_course.archive(), tmp_path)
    assert result.exit_code == 1 and "more than 5 files" in result.output
    assert row_counts()["course"] == 0


def test_pointer_cycle_is_refused(app, author, tmp_path):
    cyclic = '<vertical display_name="Loop">\n  <vertical url_name="ppe_check"/>\n</vertical>\n'
    result = import_cli(app, olx_course.tar_gz(with_changes(vertical__ppe_check_DOT_xml=cyclic)), tmp_path)
    assert result.exit_code == 1 and "refers to itself" in result.output


@pytest.mark.parametrize("where", ["attribute", "text"])
def test_external_entities_are_refused(app, author, row_counts, tmp_path, where):
    """XXE: an external entity in the OLX is never read; the file and line are reported instead."""
    use = '<chapter display_name="&secret;">' if where == "attribute" else "<chapter>&secret;"
    xxe = (
        '<?xml version="1.0"?>\n<!DOCTYPE chapter [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
        f'{use}\n  <sequential url_name="circuits"/>\n</chapter>\n'
    )
    before = row_counts()
    result = import_cli(app, olx_course.tar_gz(with_changes(chapter__wiring_DOT_xml=xxe)), tmp_path)
    assert result.exit_code == 1
    assert "chapter/wiring.xml, line 3" in result.output and "Entity 'secret'" in result.output
    assert "root:" not in result.output
    assert row_counts() == before


def test_several_courses_in_one_archive(app, author, tmp_path):
    files = {f"a/{k}": v for k, v in olx_course.course_files().items()}
    files.update({f"b/{k}": v for k, v in olx_course.course_files().items()})
    result = import_cli(app, olx_course.tar_gz(files, top=None), tmp_path)
    assert result.exit_code == 1 and "several courses" in result.output


def test_macos_resource_forks_are_ignored(import_bytes):
    data = olx_course.tar_gz(
        olx_course.course_files(),
        extra=[member("__MACOSX/course/._course.xml", data=b"\0\5\26\7"), member("course/static/._gloves.png")],
    )
    assert import_bytes(data).files == 2


def test_unreadable_stream_reports_clearly(import_bytes):
    from courses.olx.errors import OlxError

    with pytest.raises(OlxError, match="not a .tar.gz"):
        import_bytes(io.BytesIO(b"").getvalue())


def test_internal_entities_are_expanded_so_nothing_depends_on_a_lost_doctype(import_bytes, author):
    from courses.context import runtime_for
    from lms.xblock_host.keys import UsageKey

    files = olx_course.course_files()
    files["problem/ppe_quiz.xml"] = (
        b'<!DOCTYPE problem [<!ENTITY volt "230&#160;V">]>\n<problem display_name="Mains"><p>Mains: &volt;</p></problem>'
    )
    course = import_bytes(olx_course.tar_gz(files)).course
    problem = runtime_for(course, author, "draft").get_block(UsageKey.make(course.code, "problem", "ppe_quiz"))
    assert "Mains: 230\u00a0V" in problem.olx
