"""Languages: English, French and Kinyarwanda through Flask-Babel.

The locale is the logged-in user's preferred language, else the one chosen with the switcher (kept in
the session), else the browser's best match. Each top-level package keeps its own catalogue in
``<package>/translations``; Flask-Babel merges them.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, redirect, request, session
from flask_login import current_user

from lms.db import db
from lms.extensions import babel

bp = Blueprint("i18n", __name__)

TRANSLATED_PACKAGES = ("lms", "courses", "assessments", "certificates")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages)) or current_app.config["DEFAULT_LANGUAGE"]


def translation_directories() -> str:
    root = Path(__file__).resolve().parent.parent
    folders = [root / package / "translations" for package in TRANSLATED_PACKAGES]
    return ";".join(str(folder) for folder in folders if folder.is_dir())


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)


@bp.post("/language")
def switch_language():
    """The language switcher: works without JavaScript (a form with a submit button)."""
    from lms.web import safe_next

    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            current_user.language = lang
            db.session.flush()
    return redirect(safe_next(request.form.get("next") or request.referrer))
