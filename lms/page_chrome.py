"""The site header every page shows (menu, log-out form, language switch), and what it contributes to kept
page skeletons (``lms.page_skeleton``): the viewer's menu (part of a skeleton's key) and the header's two
per-request holes, this session's CSRF token (a logged-in viewer's only) and the path to come back to.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, render_template, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from lms import page_skeleton
from lms.accounts.session_user import request_user
from lms.navigation import menu_links, visible_menu_keys
from lms.permissions import can


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
    if page_skeleton.rendering_skeleton():
        # The page around it is kept as a skeleton: its own fill puts this request's values in the holes.
        slots = {"csrf_slot": page_skeleton.hole("csrf"), "next_slot": page_skeleton.hole("next")}
    else:
        holes = header_holes()
        slots = {"csrf_slot": Markup(holes["csrf"]), "next_slot": Markup(holes["next"])}  # noqa: S704 - escaped
    return Markup(  # noqa: S704 - a rendered template
        render_template("_site_header.html", menu=menu, links=menu_links(menu.items), locale=locale, **slots)
    )


def header_holes() -> dict[str, str]:
    """This request's values for the header's holes, escaped: the session's CSRF token and the path.

    A visitor's header has no token (its language form needs none: ``lms.i18n.switch_language``), so a
    visitor's page starts no session and sets no cookie: a scanned certificate QR code (``/v/<code>``) is
    answered without signing one (bench/certificates.py measures that page)."""
    path = request.full_path if request.query_string else request.path
    token = generate_csrf() if request_user().is_authenticated else ""
    return {"csrf": str(escape(token)), "next": str(escape(path))}
