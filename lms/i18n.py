"""Languages: English, French and Kinyarwanda through Flask-Babel.

The locale is the logged-in user's preferred language, else the one chosen with the switcher (kept in
the session), else the browser's best match; outside a request (commands, queued jobs) the default
language, which a job forces to its person's with ``flask_babel.force_locale``. The core and each domain
package (``lms.domains``) keep their own catalogue in ``<package>/translations``; Flask-Babel merges them.
WTForms' validation messages come from WTForms' own catalogues, completed by ours
(``lms/translations/<lang>/LC_MESSAGES/wtforms.po``) for the languages WTForms has none for,
Kinyarwanda: :func:`wtforms_translations`, which every form uses (``lms.forms``).
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel import Locale, localedata, support
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, session
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from wtforms.i18n import messages_path

from lms import domains
from lms.accounts.session_user import request_user
from lms.db import db
from lms.extensions import babel, csrf

bp = Blueprint("i18n", __name__)

WTFORMS_DOMAIN = "wtforms"
OUR_WTFORMS_CATALOGUES = Path(__file__).resolve().parent / "translations"


def select_locale() -> Locale:
    return _parsed(_choose_language())


def _choose_language() -> str:
    if not has_request_context():
        # A command or a queued job: the default language, unless it forces the person's own
        # (``flask_babel.force_locale``; the OLX import job does).
        return current_app.config["DEFAULT_LANGUAGE"]
    languages = current_app.config["LANGUAGES"]
    user = request_user()
    if user is not None and user.is_authenticated and user.language in languages:
        return user.language
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(list(languages)) or current_app.config["DEFAULT_LANGUAGE"]


@functools.cache
def _parsed(language: str) -> Locale:
    """Flask-Babel parses the selected language on every request; a ``Locale`` is returned as it is."""
    return Locale.parse(language)


def translation_directories() -> str:
    """The core's catalogue, then each domain's (Flask-Babel merges them in this order, the last one winning
    for a string two catalogues translate; tests/test_i18n.py keeps such strings' translations equal)."""
    return ";".join(str(folder) for folder in domains.translation_folders())


def wtforms_translations() -> support.NullTranslations:
    """WTForms' messages in the current language (the page's, or the one a job forces; English without an
    application)."""
    locale = get_locale()
    return support.NullTranslations() if locale is None else _wtforms_catalogue(str(locale))


@functools.cache
def _wtforms_catalogue(language: str) -> support.NullTranslations:
    """WTForms' catalogue for ``language``, with ours merged in (ours wins where both translate).

    Cached per language: Flask-WTF's own lookup reads the ``.mo`` file again on every request.
    """
    catalogue = support.Translations.load(messages_path(), [language], domain=WTFORMS_DOMAIN)
    ours = support.Translations.load(str(OUR_WTFORMS_CATALOGUES), [language], domain=WTFORMS_DOMAIN)
    if isinstance(ours, support.Translations):  # load() answers NullTranslations when there is no file
        if isinstance(catalogue, support.Translations):
            catalogue.merge(ours)
        else:
            catalogue = ours
    return catalogue


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories())
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LANGUAGE"])
    babel.init_app(app, locale_selector=select_locale)
    # Load each language's Babel data now: Flask-Babel parses the locale on every request, and Babel
    # checks the file system for locales whose data it has not loaded yet.
    for language in app.config["LANGUAGES"]:
        localedata.load(language)
    _install_template_gettext(app)
    app.register_blueprint(bp)


def _install_template_gettext(app: Flask) -> None:
    """Templates translate through the page's catalogue, looked up once per render.

    Flask-Babel's template callables look the catalogue up again for every string (a fifth of a unit
    page's template time). A context processor puts it in each page's context once; macros imported
    without context fall back to the lookup.
    """

    def catalogue(context):  # noqa: ANN001, ANN202
        return context.get("_catalogue") or get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, s: catalogue(context).ugettext(s)),
        ngettext=pass_context(lambda context, s, p, n: catalogue(context).ungettext(s, p, n)),
        newstyle=True,
        pgettext=pass_context(lambda context, c, s: catalogue(context).upgettext(c, s)),
        npgettext=pass_context(lambda context, c, s, p, n: catalogue(context).unpgettext(c, s, p, n)),
    )
    app.context_processor(lambda: {"_catalogue": get_translations()})


@bp.post("/language")
@csrf.exempt  # for visitors; a logged-in user's switch is checked below
def switch_language():
    """The language switcher: works without JavaScript (a form with a submit button).

    A logged-in user's choice is saved to their account, so their form carries the CSRF token and it is
    checked. A visitor's choice only sets the language of their own session's pages: a forged switch could do
    no more than that, which the visitor undoes with the same form. So a visitor's form carries no token,
    and a visitor's page needs no session at all (``lms.page_chrome.header_holes``).
    """
    from lms.accounts.session_user import user_record
    from lms.web import safe_next

    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # a missing or wrong token: 400, as for every other form
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            user_record(current_user).language = lang
            db.session.flush()
    return redirect(safe_next(request.form.get("next") or request.referrer))
