"""The ``video`` block: a course file or an external video, made for slow links.

Nothing is fetched before the learner presses play (``preload="none"``, a poster instead), the transcript
is readable on the page in a ``<details>``, and a download link is offered when the author allows it.
Only http(s) and site-relative addresses are used; ``/static/<file>`` goes through the runtime's
``replace_urls`` service when there is one. YouTube ids from Open edX are shown as a link (we embed no
third-party player by default).

OLX follows Open edX's ``<video>``: ``html5_sources`` (JSON list), ``<source src>`` children,
``youtube_id_1_0``, ``download_video``, ``display_name``; what we do not use (``transcripts``, ``sub``,
``<transcript>`` children…) is kept and written back on export.

Completion is custom: the browser reports "watched" once playback passes 90%, and a "Mark as watched"
button (a plain form, so it works without JavaScript too) does the same.
"""

from __future__ import annotations

import copy
import hashlib
import json
import mimetypes
import re
from urllib.parse import urlsplit

from lxml import etree
from markupsafe import escape
from web_fragments.fragment import Fragment
from webob import Response
from xblock.core import XML_NAMESPACES, XBlock
from xblock.fields import Boolean, List, Scope, String

from courses.blocks.olx import OlxAttributesMixin


def N_(text: str) -> str:  # noqa: N802 - mark for translation; the studio translates field labels
    return text


WATCHED_THRESHOLD = 0.9
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
AUTHORED_SCOPES = (Scope.content, Scope.settings)
VIDEO_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".ogv": "video/ogg",
    ".ogg": "video/ogg",
}


def safe_url(url: str | None) -> str | None:
    """``url`` if it is http(s) or site-relative (``/…`` but not ``//host``), else None."""
    url = (url or "").strip()
    if not url or any(ch.isspace() or ord(ch) < 32 for ch in url) or "\\" in url:
        return None
    if url.startswith("/"):
        return None if url.startswith("//") else url
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def _serialise(element) -> str:  # noqa: ANN001
    """An element as XML without the namespace declarations it inherits from the document."""
    element = copy.deepcopy(element)
    etree.cleanup_namespaces(element)
    # These are metadata elements, not mixed content: indentation is not data (a pretty-printed export
    # would otherwise change them on every round trip).
    for node in element.iter():
        if node.text is not None and not node.text.strip():
            node.text = None
        if node is not element and node.tail is not None and not node.tail.strip():
            node.tail = None
    return etree.tostring(element, encoding="unicode", with_tail=False)


def _kind(url: str) -> str:
    path = urlsplit(url).path.lower()
    return path.rsplit(".", 1)[-1].upper() if "." in path.rsplit("/", 1)[-1] else ""


@XBlock.needs("i18n")
@XBlock.wants("replace_urls")
class VideoBlock(OlxAttributesMixin, XBlock):
    """A video with a poster, captions, a readable transcript and an optional download."""

    has_custom_completion = True
    icon_class = "video"
    # tot_blocks.js uses neither jQuery nor underscore (lms.xblock_host.runtime: needs_libraries).
    needs_jquery = False

    display_name = String(
        scope=Scope.settings,
        default="Video",
        display_name=N_("Name"),
        help=N_("Shown to learners and in the outline."),
    )
    video_url = String(
        scope=Scope.settings,
        default="",
        display_name=N_("Video address"),
        help=N_("A course file (/static/name.mp4) or an https:// address. MP4 (H.264) plays everywhere."),
    )
    html5_sources = List(
        scope=Scope.settings,
        default=[],
        display_name=N_("Other encodings"),
        help=N_("Other addresses of the same video, as a JSON list."),
    )
    youtube_id_1_0 = String(
        scope=Scope.settings,
        default="",
        display_name=N_("YouTube id"),
        help=N_("A YouTube id (from Open edX), shown as a link to YouTube."),
    )
    poster = String(
        scope=Scope.settings,
        default="",
        display_name=N_("Poster image"),
        help=N_("An image shown before playing (/static/… or https://)."),
    )
    transcript = String(
        scope=Scope.content,
        default="",
        xml_node=True,
        multiline_editor=True,
        display_name=N_("Transcript"),
        help=N_("The transcript as text, readable on the page (blank lines separate paragraphs)."),
    )
    transcript_url = String(
        scope=Scope.settings,
        default="",
        display_name=N_("Captions file"),
        help=N_("A caption file (WebVTT, .vtt) shown as captions and offered for download."),
    )
    transcript_language = String(
        scope=Scope.settings,
        default="en",
        display_name=N_("Captions language"),
        help=N_("Language of the captions (en, fr, rw…)."),
    )
    download_allowed = Boolean(
        scope=Scope.settings,
        default=False,
        display_name=N_("Allow download"),
        help=N_("Offer a link to download the video."),
    )
    olx_children = List(scope=Scope.settings, default=[], help="OLX child elements kept verbatim for export.")

    watched = Boolean(scope=Scope.user_state, default=False)

    editable_fields = (
        "display_name",
        "video_url",
        "html5_sources",
        "poster",
        "transcript",
        "transcript_url",
        "transcript_language",
        "download_allowed",
        "youtube_id_1_0",
    )

    # -- URLs -------------------------------------------------------------------------------------------
    def resolve_url(self, url: str | None) -> str | None:
        """A usable address for ``url``, or None if it is not http(s) or site-relative."""
        url = safe_url(url)
        if url and url.startswith("/static/"):
            replacer = self.runtime.service(self, "replace_urls")
            if replacer is not None:
                # The service rewrites quoted references inside HTML, as in Open edX.
                url = safe_url(replacer.replace_urls(f'"{url}"')[1:-1]) or url
        return url

    def sources(self) -> list[str]:
        seen, urls = set(), []
        for raw in [self.video_url, *(self.html5_sources or [])]:
            url = self.resolve_url(raw if isinstance(raw, str) else None)
            if url and url not in seen:
                seen.add(url)
                urls.append(url)
        return urls

    @property
    def dom_id(self) -> str:
        return "tot-" + hashlib.sha256(str(self.scope_ids.usage_id).encode()).hexdigest()[:12]

    # -- XML ----------------------------------------------------------------------------------------------
    @classmethod
    def parse_xml(cls, node, runtime, keys):
        block = runtime.construct_xblock_from_class(cls, keys)
        option = XML_NAMESPACES["option"]
        sources, kept = [], []
        for name, value in node.attrib.items():
            field = block.fields.get(name)
            if field is not None and field.scope in AUTHORED_SCOPES and name != "olx_children":
                setattr(block, name, field.from_string(value))
        if "download_video" in node.attrib:  # Open edX's name for download_allowed
            block.download_allowed = node.get("download_video").strip().lower() == "true"
        for child in node:
            if child.tag is etree.Comment:
                continue
            qname = etree.QName(child)
            if qname.namespace == option and qname.localname in block.fields:
                # XBlock writes a None value as <option:field none="true"/> (an attribute cannot hold it).
                value = None if child.get("none") == "true" else child.text or ""
                setattr(
                    block, qname.localname, None if value is None else block.fields[qname.localname].from_string(value)
                )
            elif child.tag == "source" and child.get("src"):
                sources.append(child.get("src"))
            else:
                kept.append(_serialise(child))
        if sources:
            known = list(block.html5_sources or [])
            block.html5_sources = known + [src for src in sources if src not in known and src != block.video_url]
        if kept:
            block.olx_children = kept
        cls.keep_unknown_attributes(block, node)
        if "download_video" in block.olx_attributes:
            block.olx_attributes = {k: v for k, v in block.olx_attributes.items() if k != "download_video"}
        return block

    def add_xml_to_node(self, node):
        node.tag = self.scope_ids.block_type
        node.set("xblock-family", self.entry_point)
        for name, field in self.fields.items():
            if field.scope not in AUTHORED_SCOPES or name in ("olx_attributes", "olx_children", "download_allowed"):
                continue
            if name == "html5_sources" and field.is_set_on(self):
                node.set(name, json.dumps(self.html5_sources))  # compact, as Open edX writes it
            elif field.is_set_on(self):
                self._add_field(node, name, field)
        if self.fields["download_allowed"].is_set_on(self):
            node.set("download_video", "true" if self.download_allowed else "false")
        self.write_unknown_attributes(node)
        for xml in self.olx_children or []:
            node.append(etree.fromstring(xml))

    # -- views ----------------------------------------------------------------------------------------
    def _video_html(self, sources: list[str], poster: str | None, captions: str | None) -> str:
        _ = self.ugettext
        poster_attr = f' poster="{escape(poster)}"' if poster else ""
        tags = []
        for url in sources:
            ext = "." + _kind(url).lower()
            mime = VIDEO_TYPES.get(ext) or mimetypes.guess_type(urlsplit(url).path)[0]
            type_attr = f' type="{escape(mime)}"' if mime and mime.startswith("video/") else ""
            tags.append(f'<source src="{escape(url)}"{type_attr}>')
        if captions:
            lang = escape(self.transcript_language or "en")
            tags.append(
                f'<track kind="captions" src="{escape(captions)}" srclang="{lang}" label="{escape(_("Captions"))}">'
            )
        fallback = escape(_("Your browser cannot play this video."))
        return (
            f'<video controls preload="none" playsinline{poster_attr} aria-labelledby="{self.dom_id}-title">'
            f"{''.join(tags)}<p>{fallback}</p></video>"
        )

    def _links_html(self, sources: list[str], captions: str | None) -> str:
        _ = self.ugettext
        links = []
        if self.download_allowed and sources:
            kind = _kind(sources[0])
            label = _("Download the video") + (f" ({kind})" if kind else "")
            links.append(f'<li><a href="{escape(sources[0])}" download>{escape(label)}</a></li>')
        if captions:
            links.append(
                f'<li><a href="{escape(captions)}" download>{escape(_("Download the captions (WebVTT)"))}</a></li>'
            )
        youtube = (self.youtube_id_1_0 or "").strip()
        if YOUTUBE_ID.match(youtube):
            url = f"https://www.youtube.com/watch?v={youtube}"
            label = _("Watch on YouTube (external site)")
            links.append(f'<li><a href="{escape(url)}" rel="noopener noreferrer external">{escape(label)}</a></li>')
        return f'<ul class="tot-links">{"".join(links)}</ul>' if links else ""

    def _transcript_html(self) -> str:
        _ = self.ugettext
        text = (self.transcript or "").strip()
        if not text:
            return ""
        paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
        return (
            f'<details class="tot-transcript-box"><summary>{escape(_("Transcript"))}</summary>'
            f'<div class="tot-transcript">{paragraphs}</div></details>'
        )

    def _watched_html(self) -> str:
        _ = self.ugettext
        status = escape(_("You have watched this video.")) if self.watched else ""
        html = f'<p class="tot-video-status tot-meta" role="status" aria-live="polite">{status}</p>'
        if not self.watched:
            action = escape(self.runtime.handler_url(self, "mark_watched"))
            html += (
                f'<form method="post" action="{action}" data-handler="mark_watched" class="tot-form">'
                '<input type="hidden" name="watched" value="true">'
                f'<button type="submit" class="secondary">{escape(_("Mark as watched"))}</button>'
                '<span class="tot-status" data-role="status" role="status" aria-live="polite"></span></form>'
            )
        return html

    def student_view(self, context=None):
        _ = self.ugettext
        sources = self.sources()
        captions = self.resolve_url(self.transcript_url)
        parts = [f'<h2 id="{self.dom_id}-title">{escape(self.display_name or _("Video"))}</h2>']
        if sources:
            parts.append(self._video_html(sources, self.resolve_url(self.poster), captions))
        elif not YOUTUBE_ID.match((self.youtube_id_1_0 or "").strip()):
            parts.append(f'<p class="tot-meta">{escape(_("This video is not available yet."))}</p>')
        parts.append(self._links_html(sources, captions))
        parts.append(self._transcript_html())
        parts.append(self._watched_html())
        frag = Fragment(f'<section class="tot-block tot-video" id="{self.dom_id}">{"".join(parts)}</section>')
        frag.add_css_url(self.runtime.local_resource_url(self, "public/tot_blocks.css"))
        frag.add_javascript_url(self.runtime.local_resource_url(self, "public/tot_blocks.js"))
        frag.initialize_js(
            "TotVideoBlock",
            {
                "watched": bool(self.watched),
                "threshold": WATCHED_THRESHOLD,
                "messages": {
                    "saving": _("Saving…"),
                    "watched": _("You have watched this video."),
                    "error": _("Not saved. Reload the page and try again."),
                    "network": _("Not saved: the connection failed. Check your connection and try again."),
                },
            },
        )
        return frag

    author_view = student_view

    # -- handlers -------------------------------------------------------------------------------------
    @XBlock.handler
    def mark_watched(self, request, suffix=""):
        """Completion: a JSON POST from the player (or the button), or the button's plain form POST."""
        _ = self.ugettext
        if request.method != "POST":
            return Response(
                json.dumps({"error": _("Send this with POST.")}),
                status=405,
                content_type="application/json",
                charset="utf-8",
            )
        if not self.watched:
            self.watched = True
            self.runtime.publish(self, "completion", {"completion": 1.0})
        message = _("You have watched this video.")
        if request.content_type == "application/json":
            return Response(
                json.dumps({"result": "ok", "watched": True, "message": message}),
                content_type="application/json",
                charset="utf-8",
            )
        referer = request.referer or ""
        parts = urlsplit(referer)
        if parts.scheme in ("http", "https") and parts.netloc == request.host:
            return Response(status=303, location=f"{referer.split('#', 1)[0]}#{self.dom_id}")
        return Response(f"<p>{escape(message)}</p>", content_type="text/html", charset="utf-8")

    # -- workbench ------------------------------------------------------------------------------------
    @staticmethod
    def workbench_scenarios():
        return [
            (
                "tot-lms video",
                """<video display_name="Hand hygiene" video_url="https://media.example.org/hand-hygiene.mp4"
                    poster="https://media.example.org/hand-hygiene.jpg" download_allowed="true"
                    transcript_url="https://media.example.org/hand-hygiene.vtt" youtube_id_1_0="dQw4w9WgXcQ"
                    sub="hand-hygiene" xmlns:option="http://code.edx.org/xblock/option">
                  <option:transcript>Wet your hands with clean water.

Apply soap and rub for twenty seconds.</option:transcript>
                  <source src="https://media.example.org/hand-hygiene.webm"/>
                  <transcript language="fr" src="hand-hygiene-fr.srt"/>
                </video>""",
            )
        ]
