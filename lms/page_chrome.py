"""The site header every page shows (menu, log-out form, language switch), rendered once per distinct
menu and locale, then reused with this request's CSRF token and path put into its two holes
(``lms.page_skeleton``).

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
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from lms import page_skeleton
from lms.accounts.session_user import request_user
from lms.lru import LruCache
from lms.navigation import menu_links, visible_menu_keys
from lms.permissions import can

CACHE_SIZE = 256


@dataclass(frozen=True)
class Menu:
    """Everything user-dependent the header shows."""

    authenticated: bool
    items: tuple[str, ...] = ()  # keys of the menu entries (lms.navigation)
    cohorts: bool = False
    people: bool = False
    institutions: bool = False
    open_registration: bool = False


def init_app(app: Flask) -> None:
    app.extensions["page_chrome"] = LruCache[tuple[str, ...]](CACHE_SIZE)
    app.jinja_env.globals["site_header"] = site_header
    page_skeleton.init_app(app, viewer=current_menu, layout_holes=header_holes)


def current_menu() -> Menu:
    user = request_user()
    if not user.is_authenticated:
        return Menu(authenticated=False, open_registration=bool(current_app.config.get("OPEN_REGISTRATION")))
    return Menu(
        authenticated=True,
        items=visible_menu_keys(user),
        cohorts=can("cohort.list", user=user),
        people=can("admin.users", user=user),
        institutions=can("admin.institutions", user=user),
    )


def site_header() -> Markup:
    menu = current_menu()
    locale = str(get_locale())
    parts = current_app.extensions["page_chrome"].get_or_build(
        (locale, request.script_root, menu),
        lambda: page_skeleton.split(
            render_template(
                "_site_header.html",
                menu=menu,
                links=menu_links(menu.items),
                locale=locale,
                csrf_slot=page_skeleton.hole("csrf"),
                next_slot=page_skeleton.hole("next"),
            )
        ),
    )
    if page_skeleton.rendering_skeleton():
        # The page around it is being kept as a skeleton: its own fill puts this request's values in.
        return Markup(page_skeleton.unfilled(parts))  # noqa: S704
    return Markup(page_skeleton.fill(parts, header_holes()))  # noqa: S704


def header_holes() -> dict[str, str]:
    """This request's values for the header's holes, escaped: the session's CSRF token and the path."""
    path = request.full_path if request.query_string else request.path
    return {"csrf": str(escape(generate_csrf())), "next": str(escape(path))}
