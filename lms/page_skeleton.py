"""Pages rendered once and reused, with the parts that differ per request filled into holes.

A learner's unit page in a published course version is the same HTML for everyone who sees the same menu
in the same language, except for a few values: the blocks (they carry the learner's state and signed
handler URLs), the learner's progress line, and the header's CSRF token and return path. Rendering the
page's templates costs about a seventh of the request. :func:`render_skeleton` renders a template once per
key with a marker in place of each such *hole*, keeps the HTML split at the markers, and on later requests
only fills the holes in. Hole values are escaped as Jinja would escape them (``Markup`` is kept as it is),
so a filled skeleton is exactly the page a fresh render gives.

The contract for callers: everything the template shows apart from the holes must be a function of the
key, the locale, the script root and the viewer's menu (``lms.page_chrome.Menu``), which are all part of
the cache key. Markers carry a random per-process nonce, so no authored text (a course title) can form one. A page is
rendered afresh, and nothing is stored, when the session holds flashed messages: the layout shows them and
they are the one other per-request thing it reads.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, render_template, request, session
from flask_babel import get_locale
from markupsafe import Markup, escape

from lms import caches
from lms.per_request import request_state

# A control character Jinja never escapes and HTML text never needs, around a nonce drawn at start-up.
_NONCE = secrets.token_hex(8)
_MARKER = re.compile(f"\x1e{_NONCE}:([a-z_]+)\x1e")
_RENDERING_SKELETON = "page_skeleton_rendering"


@dataclass(frozen=True)
class Skeletons:
    """Whether the app keeps skeletons (``lms.caches.PAGE_SKELETONS``), and what the site layout
    contributes: the viewer's shape (part of every key) and the layout's own holes' values (the header's)."""

    enabled: bool
    viewer: Callable[[], Hashable]
    layout_holes: Callable[[], dict[str, str]]


def init_app(app: Flask, viewer: Callable[[], Hashable], layout_holes: Callable[[], dict[str, str]]) -> None:
    """Called by the layout (``lms.page_chrome``); ``PAGE_SKELETONS = False`` renders every page afresh."""
    app.extensions["page_skeletons"] = Skeletons(app.config.get("PAGE_SKELETONS", True), viewer, layout_holes)


def hole(name: str) -> Markup:
    """The marker standing for hole ``name`` (lowercase letters and underscores) while a skeleton renders."""
    return Markup(f"\x1e{_NONCE}:{name}\x1e")  # noqa: S704 - a marker, replaced before any response


def rendering_skeleton() -> bool:
    """Whether a skeleton is being rendered: parts of the layout leave their holes for the page to fill."""
    return bool(request_state().get(_RENDERING_SKELETON))


def split(html: str) -> tuple[str, ...]:
    """``html`` cut at its markers: text, hole name, text, …, text."""
    return tuple(_MARKER.split(html))


def fill(parts: tuple[str, ...], values: Mapping[str, str]) -> str:
    """The HTML of ``split`` parts with each hole replaced by its (already escaped) value."""
    pieces = list(parts)
    pieces[1::2] = [values[name] for name in parts[1::2]]
    return "".join(pieces)


def unfilled(parts: tuple[str, ...]) -> str:
    """The HTML of ``split`` parts with their markers back in place (for a skeleton around them)."""
    return fill(parts, {name: hole(name) for name in parts[1::2]})


def render_skeleton(key: Hashable, template: str, holes: Mapping[str, Any], **context: Any) -> str:
    """``render_template(template, **holes, **context)``, rendered once per ``key`` and viewer shape.

    ``context`` must be a function of ``key`` (see the module's contract); ``holes`` may differ on every
    request.
    """
    skeletons: Skeletons = current_app.extensions["page_skeletons"]
    if not skeletons.enabled or session.get("_flashes"):
        return render_template(template, **holes, **context)
    app = id(current_app._get_current_object())  # noqa: SLF001 - apps of other settings keep their own
    full_key = (app, key, template, str(get_locale()), request.script_root, skeletons.viewer())
    parts = caches.PAGE_SKELETONS.get_or_build(full_key, lambda: _render_parts(template, holes, context))
    values = {name: str(escape(value)) for name, value in holes.items()}
    return fill(parts, {**values, **skeletons.layout_holes()})


def _render_parts(template: str, holes: Mapping[str, Any], context: Mapping[str, Any]) -> tuple[str, ...]:
    state = request_state()
    state[_RENDERING_SKELETON] = True
    try:
        html = render_template(template, **{name: hole(name) for name in holes}, **context)
    finally:
        state[_RENDERING_SKELETON] = False
    return split(html)
