"""Putting rendered blocks on a page: the fragment's CSS in <head>, its body, then the scripts.

Scripts come in a fixed order: jQuery and underscore (which community blocks expect as globals), the
blocks' own JavaScript (which defines their initialisers), then our runtime, which starts the blocks. Each
comes only when the page needs it: a page whose blocks have no JavaScript (a text-only unit) gets no
script at all, and jQuery and underscore (100 KB) come only when a block that may expect them has
JavaScript (``LmsRuntime.needs_libraries``; our own blocks' scripts use neither).
The page's policy (``lms.csp``) runs no inline script but those written here, from the fragment's
JavaScript resources, each allowed by its hash: the body (the blocks' HTML, authored text in it) runs none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from web_fragments.fragment import Fragment

from lms import caches, csp
from lms.xblock_host import resources
from lms.xblock_host.resources import runtime_url

if TYPE_CHECKING:
    from lms.xblock_host.runtime import LmsRuntime


@dataclass
class PageParts:
    head: Markup
    body: Markup
    foot: Markup


def _runtime_tags(script_root: str, locale: str) -> tuple[str, str, str]:
    return caches.RUNTIME_TAGS.get_or_build((script_root, locale), _build_runtime_tags)


def _script(filename: str) -> str:
    return f'<script src="{runtime_url(filename)}"></script>'


def _build_runtime_tags() -> tuple[str, str, str]:
    """The runtime's own tags (stylesheet; libraries; strings and runtime script), the same on every page
    of a locale: built once instead of five ``url_for`` calls per page."""
    libraries = _script("js/vendor/jquery.min.js") + _script("js/vendor/underscore-min.js")
    css = f'<link rel="stylesheet" href="{runtime_url("xblock.css")}">'
    # The runtime's own words, translated here (the browser has no catalogue); JSON is not executed.
    # htmlsafe_json_dumps escapes < > & ' so no "</script>" or "<!--" in a translation can end the element.
    strings = htmlsafe_json_dumps({"blockFailed": _("This activity could not start. Reload the page to try again.")})
    strings_tag = f'<script type="application/json" id="xblock-runtime-strings">{strings}</script>'
    return css, libraries, strings_tag + _script("js/runtime.js")


def page_parts(fragment: Fragment, runtime: LmsRuntime | None = None) -> PageParts:
    """The page's parts. Given the ``runtime`` that rendered the fragment, jQuery and underscore come only
    if one of its blocks may expect them, and a block package's inline script that is one of its files
    comes from that file's URL. Pages that show a block's editor give none: an editor may expect jQuery
    without saying so."""
    csp.block_page()
    css, libraries, runtime_js = _runtime_tags(request.script_root, str(get_locale()))
    packages = runtime.scripted_blocks if runtime is not None else {}
    scripts = _resources_html(fragment, "foot", packages)
    head = _resources_html(fragment, "head", packages)
    # Blocks define their initialisers in their JavaScript: without any, the runtime has nothing to start.
    if not any(resource.mimetype == "application/javascript" for resource in fragment.resources):
        libraries = runtime_js = ""
    elif runtime is not None and not runtime.needs_libraries:
        libraries = ""
    # Fragments are HTML by contract: blocks escape their own output; authored HTML is sanitised in the block,
    # and should a block not sanitise it, the page's policy still runs none of its script.
    return PageParts(
        head=Markup(css + head),  # noqa: S704
        body=Markup(fragment.body_html()),  # noqa: S704
        foot=Markup(libraries + scripts + runtime_js),  # noqa: S704
    )


def _resources_html(fragment: Fragment, placement: str, packages: dict[str, type]) -> str:
    """``fragment.head_html()`` or ``foot_html()``, with each inline script allowed by the page's policy."""
    return "\n".join(
        _resource_html(resource, packages) for resource in fragment.resources if resource.placement == placement
    )


def _resource_html(resource, packages: dict[str, type]) -> str:  # noqa: ANN001 - web_fragments' FragmentResource
    if resource.mimetype != "application/javascript" or resource.kind != "text":
        return Fragment.resource_to_html(resource)
    # A package's file inlined (poll inlines 15 KB on every page): the same file from its URL instead, kept
    # by the browser for a year, so a repeat visit does not download it again inside the page.
    for block_type, block_class in packages.items():
        uri = resources.package_script(block_class, resource.data)
        if uri is not None:
            return f'<script src="{resources.block_file_url(block_type, block_class, uri)}"></script>'
    # The text the browser hashes is the element's content after HTML parsing, which turns CR LF and lone CR
    # into LF and NUL into U+FFFD: write it in that form, so the hash of what is written is the one it checks.
    text = "\n" + resource.data.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd") + "\n"
    csp.allow_inline_script(text)
    return f"<script>{text}</script>"
