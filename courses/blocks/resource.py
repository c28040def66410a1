"""The ``resource`` block: files to download (handouts, templates, slides), as an accessible list.

Each file is ``{title, url, description?, size?}``; the address is a course file (``/static/<file>``,
rewritten through the runtime's ``replace_urls`` service when there is one) or an ``https://`` link.
Anything else is not linked. Each link says what kind of file it is (PDF, Word document…) and, when the
author gives it, how big it is, so a learner on a slow link knows before tapping. Seeing the block
completes it (XBlock's default completion).

OLX: ``<resource display_name=…><intro>…</intro><file title=… url=… description=… size=…/>…</resource>``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml import etree
from markupsafe import escape
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.fields import List, Scope, String

from courses.blocks.olx import OlxAttributesMixin


def N_(text: str) -> str:  # noqa: N802 - mark for translation, translate at render
    return text


FILE_KINDS = {
    "pdf": N_("PDF document"),
    "doc": N_("Word document"),
    "docx": N_("Word document"),
    "odt": N_("Text document"),
    "rtf": N_("Text document"),
    "txt": N_("Text file"),
    "xls": N_("Spreadsheet"),
    "xlsx": N_("Spreadsheet"),
    "ods": N_("Spreadsheet"),
    "csv": N_("Spreadsheet (CSV)"),
    "ppt": N_("Presentation"),
    "pptx": N_("Presentation"),
    "odp": N_("Presentation"),
    "zip": N_("ZIP archive"),
    "png": N_("Image"),
    "jpg": N_("Image"),
    "jpeg": N_("Image"),
    "gif": N_("Image"),
    "svg": N_("Image"),
    "webp": N_("Image"),
    "mp3": N_("Audio"),
    "m4a": N_("Audio"),
    "ogg": N_("Audio"),
    "wav": N_("Audio"),
    "mp4": N_("Video"),
    "webm": N_("Video"),
    "epub": N_("E-book"),
}
FILE_KEYS = ("title", "url", "description", "size")


def allowed_url(url: str | None) -> bool:
    """Only course files and https links: no http (mixed content), no other schemes, no other paths."""
    url = (url or "").strip()
    if not url or any(ch.isspace() for ch in url) or "\\" in url:
        return False
    if url.startswith("/static/"):
        return ".." not in url.split("?", 1)[0].split("/")
    parts = urlsplit(url)
    return parts.scheme.lower() == "https" and bool(parts.netloc)


def file_kind(url: str) -> str | None:
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    return FILE_KINDS.get(name.rsplit(".", 1)[-1]) if "." in name else None


def normalise_files(raw) -> list[dict]:  # noqa: ANN001
    files = []
    for item in raw or []:
        if not isinstance(item, dict):
            continue
        entry = {key: str(item.get(key) or "").strip() for key in FILE_KEYS}
        if entry["url"]:
            files.append({key: value for key, value in entry.items() if value or key in ("title", "url")})
    return files


@XBlock.needs("i18n")
@XBlock.wants("replace_urls")
class ResourceBlock(OlxAttributesMixin, XBlock):
    """A list of downloadable files."""

    icon_class = "other"

    display_name = String(
        scope=Scope.settings,
        default="Files",
        display_name=N_("Name"),
        help=N_("Shown to learners and in the outline."),
    )
    intro = String(
        scope=Scope.content,
        default="",
        display_name=N_("Introduction"),
        help=N_("A sentence above the list (optional)."),
        multiline_editor=True,
    )
    files = List(
        scope=Scope.content,
        default=[],
        display_name=N_("Files"),
        help=N_("The files learners can open or download."),
    )

    editable_fields = ("display_name", "intro", "files")

    def resolve_url(self, url: str) -> str | None:
        url = (url or "").strip()
        if not allowed_url(url):
            return None
        if url.startswith("/static/"):
            replacer = self.runtime.service(self, "replace_urls")
            if replacer is not None:
                url = replacer.replace_urls(f'"{url}"')[1:-1]
        return url

    # -- XML ----------------------------------------------------------------------------------------------
    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        if node.get("display_name") is not None:
            block.display_name = node.get("display_name")
        files = []
        for child in node:
            if child.tag == "intro":
                block.intro = (child.text or "").strip()
            elif child.tag == "file":
                files.append({key: child.get(key) for key in FILE_KEYS})
        block.files = normalise_files(files)
        cls.keep_unknown_attributes(block, node)
        return block

    def add_xml_to_node(self, node):
        node.tag = self.scope_ids.block_type
        node.set("xblock-family", self.entry_point)
        if self.fields["display_name"].is_set_on(self):
            node.set("display_name", self.display_name)
        self.write_unknown_attributes(node)
        if self.intro:
            etree.SubElement(node, "intro").text = self.intro
        for item in normalise_files(self.files):
            etree.SubElement(node, "file", {key: item[key] for key in FILE_KEYS if item.get(key)})

    # -- view ---------------------------------------------------------------------------------------------
    def _item_html(self, item: dict) -> str:
        _ = self.ugettext
        title = item.get("title") or item["url"].rsplit("/", 1)[-1] or _("File")
        url = self.resolve_url(item["url"])
        hints = []
        kind = file_kind(item["url"])
        if kind:
            hints.append(_(kind))
        if item.get("size"):
            hints.append(item["size"])
        if url and not item["url"].startswith("/static/"):
            hints.append(_("external site"))
        hint = f' <span class="tot-meta">({escape(", ".join(hints))})</span>' if hints else ""
        if url:
            download = " download" if item["url"].startswith("/static/") else ' rel="noopener noreferrer external"'
            head = f'<a href="{escape(url)}"{download}>{escape(title)}</a>{hint}'
        else:
            head = f'{escape(title)} <span class="tot-meta">({escape(_("link not available"))})</span>'
        description = f'<p class="tot-meta">{escape(item["description"])}</p>' if item.get("description") else ""
        return f"<li>{head}{description}</li>"

    def student_view(self, context=None):
        _ = self.ugettext
        files = normalise_files(self.files)
        title = escape(self.display_name or _("Files"))
        intro = f"<p>{escape(self.intro)}</p>" if self.intro else ""
        if files:
            body = f'<ul class="tot-resource-list">{"".join(self._item_html(item) for item in files)}</ul>'
        else:
            body = f'<p class="tot-meta">{escape(_("No files yet."))}</p>'
        frag = Fragment(f'<section class="tot-block tot-resource"><h2>{title}</h2>{intro}{body}</section>')
        frag.add_css_url(self.runtime.local_resource_url(self, "public/tot_blocks.css"))
        return frag

    author_view = student_view

    @staticmethod
    def workbench_scenarios():
        return [
            (
                "tot-lms resource",
                """<resource display_name="Handouts">
                  <intro>Print these before the practical session.</intro>
                  <file title="Hand hygiene poster" url="/static/hand-hygiene.pdf" size="240 KB"
                        description="WHO's five moments"/>
                  <file title="Audit form" url="https://files.example.org/audit.xlsx"/>
                  <file title="Unsafe" url="javascript:alert(1)"/>
                </resource>""",
            )
        ]
