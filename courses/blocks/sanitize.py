"""Authored HTML is cleaned with nh3 (Rust's ammonia) before any learner sees it.

Scripts, event-handler attributes, ``javascript:`` URLs, forms, styles and embedded objects are
removed; the tags and attributes a course page needs (text, lists, tables, figures, images, audio and
video, details) stay. Published content is immutable, so a cleaned result is cached by its input.

``data:`` URLs stay only as an image's ``src`` (``data:image/…``), where a browser shows a picture and runs
nothing (an SVG in ``<img>`` runs no script); anywhere else, a link above all, a ``data:text/html`` page
would open with the author's script in it, so the attribute is removed.
"""

from __future__ import annotations

import re

import nh3

from lms import caches

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "var",
    "audio",
    "video",
    "source",
    "track",
    "picture",
}
ATTRIBUTES = {
    "*": {"class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading", "srcset", "sizes"},
    "source": {"src", "type", "srcset", "media"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height", "playsinline"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "ol": {"start", "type", "reversed"},
    "abbr": {"title"},
    "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "data"}


def clean_html(html: str) -> str:
    return caches.SANITIZED_HTML.get_or_build(html or "", lambda: _clean(html or ""))


# How a browser reads a URL's start (WHATWG URL): leading C0 controls and spaces dropped, tabs and newlines
# removed anywhere, the scheme compared without case. "\x01 Da\tta:" is "data:".
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def _url_start(value: str) -> str:
    return _TAB_OR_NEWLINE.sub("", value.lstrip(_C0_AND_SPACE)).lower()


def _keep_data_images_only(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter (called once the URL schemes are checked): ``data:`` only as ``<img src>``."""
    if attribute == "srcset":  # candidates separated by commas: any data: one drops the list
        return None if "data:" in _TAB_OR_NEWLINE.sub("", value).lower() else value
    start = _url_start(value)
    if not start.startswith("data:"):
        return value
    return value if element == "img" and attribute == "src" and start.startswith("data:image/") else None


def _clean(html: str) -> str:
    return nh3.clean(
        html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer",
        strip_comments=True, attribute_filter=_keep_data_images_only,
    )  # fmt: skip
