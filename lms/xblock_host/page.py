"""Putting rendered blocks on a page: the fragment's CSS in <head>, its body, then the scripts.

Scripts come in a fixed order: jQuery and underscore (which community blocks expect as globals), the
blocks' own JavaScript (which defines their initialisers), then our runtime, which starts the blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from web_fragments.fragment import Fragment

from lms import caches
from lms.per_request import request_state


@dataclass
class PageParts:
    head: Markup
    body: Markup
    foot: Markup


def _runtime_tags(script_root: str, locale: str) -> tuple[str, str, str]:
    return caches.RUNTIME_TAGS.get_or_build((script_root, locale), _build_runtime_tags)


def _build_runtime_tags() -> tuple[str, str, str]:
    """The runtime's own tags (stylesheet; strings and libraries; runtime script), the same on every page
    of a locale: built once instead of five ``url_for`` calls per page."""
    base = [
        ("xblock_host.runtime_resource", "js/vendor/jquery.min.js"),
        ("xblock_host.runtime_resource", "js/vendor/underscore-min.js"),
    ]
    before = "".join(f'<script src="{url_for(endpoint, filename=name)}"></script>' for endpoint, name in base)
    runtime_js = f'<script src="{url_for("xblock_host.runtime_resource", filename="js/runtime.js")}"></script>'
    css = f'<link rel="stylesheet" href="{url_for("xblock_host.runtime_resource", filename="xblock.css")}">'
    # The runtime's own words, translated here (the browser has no catalogue); JSON is not executed.
    # htmlsafe_json_dumps escapes < > & ' so no "</script>" or "<!--" in a translation can end the element.
    strings = htmlsafe_json_dumps({"blockFailed": _("This activity could not start. Reload the page to try again.")})
    strings_tag = f'<script type="application/json" id="xblock-runtime-strings">{strings}</script>'
    return css, strings_tag + before, runtime_js


def page_parts(fragment: Fragment) -> PageParts:
    request_state()["xblock_page"] = True  # the page carries inline block scripts: see the CSP in lms/app.py
    css, before, runtime_js = _runtime_tags(request.script_root, str(get_locale()))
    # Fragments are HTML by contract: blocks escape their own output; authored HTML is sanitised in the block.
    return PageParts(
        head=Markup(css + fragment.head_html()),  # noqa: S704
        body=Markup(fragment.body_html()),  # noqa: S704
        foot=Markup(before + fragment.foot_html() + runtime_js),  # noqa: S704
    )
