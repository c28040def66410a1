"""Moodle's four text formats turned into the HTML a definition holds (kept with the item types, whose GIFT
and Moodle XML parts read them; ``assessments/formats`` uses it for the record level).

GIFT names them ``[html]``, ``[moodle]`` (the default), ``[plain]`` and ``[markdown]``; Moodle XML says
``format="html|moodle_auto_format|plain_text|markdown"`` (and the long-gone ``wiki_like``, read as plain).
Moodle shows ``moodle`` text as HTML whose line breaks are kept, ``plain`` text escaped with its line breaks
kept, and ``markdown`` rendered; we store the same thing as HTML once, at import, so nothing downstream
knows about formats. The result is not sanitised here: every definition goes through its item type's
``normalise``, which cleans all of its HTML (``courses.blocks.sanitize``).

Markdown is rendered by Python-Markdown (a dependency of ours already, well kept), whose raw-HTML
pass-through is harmless for the same reason.
"""

from __future__ import annotations

import html
import re
import threading

import markdown as _markdown

HTML, MOODLE, PLAIN, MARKDOWN = "html", "moodle", "plain", "markdown"
GIFT_NAMES = (HTML, MOODLE, PLAIN, MARKDOWN)
XML_NAMES = {
    "html": HTML,
    "moodle_auto_format": MOODLE,
    "plain_text": PLAIN,
    "markdown": MARKDOWN,
    "wiki_like": PLAIN,  # Moodle dropped wiki text long ago; its words survive as plain text
}
_ONE_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)
_local = threading.local()  # a Markdown converter keeps state between calls: one per thread


def to_html(text: str, fmt: str = MOODLE, inline: bool = False) -> str:
    """``text`` (escapes already undone) as HTML. ``inline``: a choice or a feedback, where Markdown's one
    wrapping paragraph would only add space."""
    text = text.replace("\r\n", "\n").strip()
    if not text or fmt == HTML:
        return text
    if fmt == PLAIN:
        return html.escape(text, quote=False).replace("\n", "<br>\n")
    if fmt == MARKDOWN:
        converter = getattr(_local, "markdown", None)
        if converter is None:
            converter = _local.markdown = _markdown.Markdown(output_format="html")
        out = converter.reset().convert(text)
        match = _ONE_PARAGRAPH.match(out) if inline else None
        return match.group(1) if match and "<p>" not in match.group(1) else out
    return text.replace("\n", "<br>\n")  # moodle: HTML whose line breaks show


def from_xml_name(name: str | None) -> str:
    """The format named by a Moodle XML ``format`` attribute; Moodle reads an unknown name as HTML."""
    return XML_NAMES.get((name or "html").strip(), HTML)
