"""The preprocessing pass of an import: one OLX course folder becomes one self-contained XML tree.

Open edX splits a course over many files. Core XBlock parsing does not follow them, so before any block
is parsed this pass (research note §2.2):

* replaces every *pointer tag* — no children, no text, attributes exactly ``{url_name}`` (``course.xml``:
  ``{url_name, org, course}``) — by its definition ``<tag>/<url_name with ':' → '/'>.xml``, keeping the
  ``url_name`` (the stable block id);
* inlines ``html`` definitions' ``filename`` → ``html/<filename>.html`` as the element's text;
* overlays ``policies/<run>/policy.json`` (``"<tag>/<url_name>": {attribute: value}``) on the elements.

Children of the outline levels that are not blocks here (``<wiki slug>``, ``<textbook>``…, see
``courses.blocks.olx``) are left exactly as they are: no pointer followed, no policy applied, so the course's
containers keep them verbatim and the files they point to stay unread (kept by ``courses.olx.kept``).

Blocks this installation cannot run are kept verbatim; their ``xblock-family`` attribute records how they
came (present: inline in the unit, as Studio writes pure XBlocks; absent: a pointer file) so the export
writes them back the same way. Inside such blocks (a library's problems) pointers are followed only when
their file exists, because there an element with a lone ``url_name`` need not be a block.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from lxml import etree

from courses.blocks.olx import is_block_element
from courses.olx.archive import Archive
from courses.olx.errors import OlxError

STRUCTURE = ("course", "chapter", "sequential", "vertical")
OPTION_NAMESPACE = "http://code.edx.org/xblock/option"
FAMILY = "xblock-family"
BLOCK_TAG = re.compile(r"^[A-Za-z0-9._-]+$")
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_DEPTH = 200


@dataclass
class CourseTree:
    root: Any  # the <course> element, everything inlined
    org: str
    number: str  # Open edX's "course" attribute
    run: str
    grading_policy: dict[str, Any] | None
    course_policy: dict[str, Any] = field(default_factory=dict)  # policy.json's "course/<run>" entry, as JSON


def parse_xml(data: bytes, path: str):  # noqa: ANN201
    """Parse one file: internal entities only (no external files, DTDs or network); errors name file and line."""
    parser = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if exc.position else "?")
        raise OlxError(_("%(file)s, line %(line)s: %(error)s", file=path, line=line, error=exc.msg)) from exc
    if root is None:
        raise OlxError(_("%(file)s is empty.", file=path))
    return root


def _read_json(archive: Archive, path: str) -> Any:
    data = archive.read(path)
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise OlxError(_("%(file)s is not UTF-8 text.", file=path)) from exc
    except json.JSONDecodeError as exc:
        raise OlxError(_("%(file)s, line %(line)s: %(error)s", file=path, line=exc.lineno, error=exc.msg)) from exc


def pointer_path(tag: str, url_name: str, referenced_from: str) -> str:
    parts = url_name.replace(":", "/").split("/")
    if not BLOCK_TAG.match(tag) or any(part in ("", ".", "..") for part in parts):
        raise OlxError(_("%(file)s: the url_name %(name)r cannot name a file.", file=referenced_from, name=url_name))
    return f"{tag}/{'/'.join(parts)}.xml"


def is_pointer(node, allowed=frozenset({"url_name"})) -> bool:  # noqa: ANN001
    return (
        isinstance(node.tag, str)
        and BLOCK_TAG.match(node.tag) is not None
        and len(node) == 0
        and not (node.text or "").strip()
        and set(node.attrib) == set(allowed)
    )


def policy_value(value: Any) -> str | None:
    """A policy.json value as an XML attribute (JSON for anything but a string; None removes it)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


class _Inliner:
    def __init__(self, archive: Archive, policy: dict[str, Any], is_runnable: Callable[[str], bool]):
        self.archive = archive
        self.policy = policy
        self.is_runnable = is_runnable

    def load(self, tag: str, url_name: str, referenced_from: str, line: int | None):  # noqa: ANN201
        path = pointer_path(tag, url_name, referenced_from)
        data = self.archive.read(path)
        if data is None:
            raise OlxError(
                _(
                    '%(file)s, line %(line)s: <%(tag)s url_name="%(name)s"/> points to %(target)s, '
                    "which is not in the archive.",
                    file=referenced_from,
                    line=line or "?",
                    tag=tag,
                    name=url_name,
                    target=path,
                )
            )
        definition = parse_xml(data, path)
        if definition.tag != tag:
            raise OlxError(
                _("%(file)s: expected <%(tag)s>, found <%(found)s>.", file=path, tag=tag, found=definition.tag)
            )
        return definition, path

    def resolve(self, node, path: str, strict: bool, stack: tuple[str, ...]):  # noqa: ANN001, ANN201
        """Inline ``node`` (an element in a block position) and everything under it; returns the element."""
        if len(stack) > MAX_DEPTH:
            raise OlxError(_("%(file)s: the course is nested too deeply.", file=path))
        came_as_pointer = False
        if is_pointer(node):
            target = pointer_path(node.tag, node.get("url_name"), path)
            if not strict and not self.archive.has(target):
                return node  # not a pointer after all (see the module docstring)
            if target in stack:
                raise OlxError(_("%(file)s refers to itself through %(target)s.", file=path, target=target))
            definition, target = self.load(node.tag, node.get("url_name"), path, node.sourceline)
            definition.set("url_name", node.get("url_name"))
            definition.tail = node.tail
            node.getparent().replace(node, definition)
            node, path, stack, came_as_pointer = definition, target, (*stack, target), True
        if node.tag == "html":
            self.inline_html(node, path, strict)
        self.apply_policy(node)
        if strict and not self.is_runnable(node.tag):
            # How it came is how it goes back (module docstring).
            if came_as_pointer:
                node.attrib.pop(FAMILY, None)
            elif node.get(FAMILY) is None:
                node.set(FAMILY, "xblock.v1")
        if node.tag == "html":
            return node  # its children are HTML, not blocks
        self.resolve_children(node, path, stack)
        return node

    def resolve_children(self, node, path: str, stack: tuple[str, ...]) -> None:  # noqa: ANN001
        container = node.tag in STRUCTURE
        for child in list(node):
            if not isinstance(child.tag, str):
                if container and child.tag is not etree.Comment:
                    node.remove(child)  # processing instructions are not blocks
                continue
            if etree.QName(child).namespace == OPTION_NAMESPACE:
                continue  # XBlock's <option:field> values
            if container and not is_block_element(node.tag, child, self.is_runnable):
                continue  # kept verbatim by the container (module docstring)
            if container and not BLOCK_TAG.match(child.tag):
                message = _(
                    "%(file)s, line %(line)s: <%(tag)s> is not a block type.",
                    file=path,
                    line=child.sourceline,
                    tag=child.tag,
                )
                raise OlxError(message)
            self.resolve(child, path, container, stack)

    def inline_html(self, node, path: str, strict: bool) -> None:  # noqa: ANN001
        filename = node.get("filename")
        if filename is None:
            return
        stem = filename.replace(":", "/")
        candidates = [f"html/{stem}.html"] + ([f"html/{stem}"] if stem.endswith(".html") else [])
        if any(part in ("", ".", "..") for part in stem.split("/")):
            raise OlxError(_("%(file)s: the file name %(name)r is not allowed.", file=path, name=filename))
        found = next((candidate for candidate in candidates if self.archive.has(candidate)), None)
        if found is None:
            if not strict:
                return
            raise OlxError(
                _("%(file)s: the HTML file %(target)s is not in the archive.", file=path, target=candidates[0])
            )
        try:
            text = self.archive.read(found).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise OlxError(_("%(file)s is not UTF-8 text.", file=found)) from exc
        for child in list(node):
            node.remove(child)
        node.text = _XML_INVALID.sub("", text)
        del node.attrib["filename"]

    def apply_policy(self, node) -> None:  # noqa: ANN001
        url_name = node.get("url_name")
        overlay = self.policy.get(f"{node.tag}/{url_name}") if url_name else None
        if not isinstance(overlay, dict):
            return
        for name, value in overlay.items():
            if not isinstance(name, str) or not BLOCK_TAG.match(name):
                continue
            attribute = policy_value(value)
            if attribute is None:
                node.attrib.pop(name, None)
            else:
                node.set(name, _XML_INVALID.sub("", attribute))


def build_tree(archive: Archive, is_runnable: Callable[[str], bool]) -> CourseTree:
    """The whole course as one ``<course>`` element (raises :class:`OlxError` with file and line)."""
    data = archive.read("course.xml")
    if data is None:
        raise OlxError(_("The archive has no course.xml: it is not an Open edX course export."))
    top = parse_xml(data, "course.xml")
    if top.tag != "course":
        raise OlxError(_("course.xml: expected a <course> element, found <%(found)s>.", found=top.tag))
    org = (top.get("org") or "").strip()
    number = (top.get("course") or "").strip()
    run = (top.get("url_name") or "course").strip()
    pointer_path("course", run, "course.xml")  # the run names folders: refuse '..' and the like
    policy = _read_json(archive, f"policies/{run}/policy.json") or {}
    if not isinstance(policy, dict):
        raise OlxError(_("%(file)s must hold a JSON object.", file=f"policies/{run}/policy.json"))
    grading = _read_json(archive, f"policies/{run}/grading_policy.json")
    if grading is not None and not isinstance(grading, dict):
        raise OlxError(_("%(file)s must hold a JSON object.", file=f"policies/{run}/grading_policy.json"))
    inliner = _Inliner(archive, policy, is_runnable)
    path = "course.xml"
    if is_pointer(top, frozenset(top.attrib) & {"url_name", "org", "course"}) and top.get("url_name"):
        root, path = inliner.load("course", run, "course.xml", top.sourceline)
    else:
        root = top
    # The course's identity travels with the root so that an export can write course.xml again.
    for name, value in (("url_name", run), ("org", org), ("course", number)):
        if value:
            root.set(name, value)
    inliner.apply_policy(root)
    inliner.resolve_children(root, path, (path,))
    course_policy = policy.get(f"course/{run}")
    return CourseTree(
        root=root,
        org=org,
        number=number,
        run=run,
        grading_policy=grading,
        course_policy=course_policy if isinstance(course_policy, dict) else {},
    )
