"""The site header every page shows (menu, log-out form, language switch), rendered once per distinct
menu and locale, then reused with this request's CSRF token and path put into its two slots.

Rendering the header costs more than the rest of a page's layout together (a dozen translated strings,
ten URL builds, permission checks): measured, about half a millisecond of every page. What it shows
depends only on the key below — the locale, the script root, and the menu as this user sees it, which is
worked out on every request (its answers are remembered permission checks) — so reusing the HTML for an
equal key gives exactly the page a fresh render would.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from lms.lru import LruCache
from lms.navigation import Link, nav_items
from lms.permissions import can

# Slot markers: plain words that no translation, label or URL in the header can contain.
CSRF_SLOT = "__lms_csrf_slot__"
NEXT_SLOT = "__lms_next_slot__"
CACHE_SIZE = 256


@dataclass(frozen=True)
class Menu:
    """Everything user-dependent the header shows."""

    authenticated: bool
    items: tuple[Link, ...] = ()
    cohorts: bool = False
    people: bool = False
    institutions: bool = False
    open_registration: bool = False


def init_app(app: Flask) -> None:
    app.extensions["page_chrome"] = LruCache[str](CACHE_SIZE)
    app.jinja_env.globals["site_header"] = site_header


def current_menu() -> Menu:
    if not current_user.is_authenticated:
        return Menu(authenticated=False, open_registration=bool(current_app.config.get("OPEN_REGISTRATION")))
    return Menu(
        authenticated=True,
        items=tuple(nav_items()),
        cohorts=can("cohort.list"),
        people=can("admin.users"),
        institutions=can("admin.institutions"),
    )


def site_header() -> Markup:
    menu = current_menu()
    locale = str(get_locale())
    html = current_app.extensions["page_chrome"].get_or_build(
        (locale, request.script_root, menu),
        lambda: render_template(
            "_site_header.html", menu=menu, locale=locale, csrf_slot=CSRF_SLOT, next_slot=NEXT_SLOT
        ),
    )
    path = request.full_path if request.query_string else request.path
    # The cached HTML was escaped when rendered; the two values put into it are escaped here.
    return Markup(html.replace(CSRF_SLOT, escape(generate_csrf())).replace(NEXT_SLOT, escape(path)))  # noqa: S704
