"""The runtime services blocks ask for: ``user``, ``i18n``, ``settings`` and ``replace_urls``, and those
domain packages add (:func:`register_service`: the assessments package's ``assessments``).

(``field-data`` is the runtime's own FieldData.) The ``user`` service speaks the ``edx-platform.*``
vocabulary community blocks read from ``opt_attrs``; it never pretends to be Open edX otherwise.
"""

from __future__ import annotations

import gettext
import hashlib
import hmac
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_datetime, format_time
from flask import current_app
from flask_babel import get_locale
from xblock.reference.user_service import UserService as _UserServiceBase
from xblock.reference.user_service import XBlockUser

from lms import domains

ServiceFactory = Callable[[Any], Any]  # the runtime -> the service for it (or None: not offered there)
_factories: dict[str, ServiceFactory] = {}


def register_service(name: str, factory: ServiceFactory) -> None:
    """Offer a service to the blocks that ask for it (``@XBlock.needs(name)`` or ``wants``): ``factory(runtime)``
    builds it the first time a block of that runtime asks."""
    _factories[name] = factory


def registered_service(name: str) -> ServiceFactory | None:
    return _factories.get(name)


def ours(module: str) -> bool:
    """A module of the core or of a domain package (``lms.domains``): its blocks share that package's
    Flask-Babel catalogue, and its errors are never blamed on a request (``lms.xblock_host.views``)."""
    return module.split(".")[0] in domains.catalogued_packages()


def anonymous_user_id(user_id: int, context_key: str) -> str:
    """A stable per-course pseudonym, so blocks can key data without learning who the learner is."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"anon|{context_key}|{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


class UserService(_UserServiceBase):
    def __init__(self, user: Any, role: str, context_key: str):
        super().__init__()
        self._user = user
        self._role = role
        self._context_key = context_key

    def get_current_user(self) -> XBlockUser:
        user = self._user
        xuser = XBlockUser(is_current_user=True, emails=[user.email], full_name=user.name)
        xuser.opt_attrs.update(
            {
                "edx-platform.user_id": user.id,
                "edx-platform.username": user.email.split("@")[0],
                "edx-platform.is_authenticated": True,
                "edx-platform.user_is_staff": self._role == "staff",
                "edx-platform.user_role": self._role,
                "edx-platform.anonymous_user_id": anonymous_user_id(user.id, self._context_key),
                "edx-platform.user_preferences": {"pref-lang": user.language},
            }
        )
        return xuser


@lru_cache(maxsize=256)
def _translations(package: str, locale: str) -> gettext.NullTranslations:
    root = domains.package_folder(package)
    if root is None:
        return gettext.NullTranslations()
    if ours(package):  # our blocks share their package's Flask-Babel catalogue
        candidates = [(root / "translations", "messages")]
    else:
        # The conventions of community XBlocks (as Open edX's XBlockI18nService reads them).
        candidates = [
            (root / "translations", "text"),
            (root / "conf" / "locale", "text"),
            (root / "conf" / "locale", "django"),
        ]
    for folder, domain in candidates:
        try:
            return gettext.translation(domain, folder, languages=[locale])
        except OSError:
            continue
    return gettext.NullTranslations()


class I18nService:
    """gettext for one block's package, in the request's language, plus locale-aware dates."""

    STRFTIME = {"SHORT_DATE": "short", "LONG_DATE": "long", "DATE_TIME": "medium", "TIME": "short"}

    def __init__(self, block_class: type, locale: str):
        module = getattr(block_class, "unmixed_class", block_class).__module__
        package = module.split(".")[0] if ours(module) else module.rpartition(".")[0] or module
        self._locale = locale
        self._translations = _translations(package, locale)

    def __getattr__(self, name: str) -> Any:
        # gettext, ngettext, pgettext … and _catalog, which xblock.utils' {% trans %} tag merges.
        return getattr(self._translations, name)

    @property
    def ugettext(self):
        return self._translations.gettext

    @property
    def ungettext(self):
        return self._translations.ngettext

    def strftime(self, value, format):  # noqa: A002 - the XBlock API's name
        name = self.STRFTIME.get(format.replace("_FORMAT", ""))
        if name is None:
            return value.strftime(format)
        if format.startswith("TIME"):
            return format_time(value, name, locale=self._locale)
        if "TIME" in format:
            return format_datetime(value, name, locale=self._locale)
        return format_date(value, name, locale=self._locale)

    def get_javascript_i18n_catalog_url(self, block) -> None:  # noqa: ANN001
        return None


class SettingsService:
    """Per-block-class configuration from ``XBLOCK_SETTINGS`` (Open edX's settings-service contract)."""

    def get_settings_bucket(self, block, default=None):  # noqa: ANN001
        bucket = getattr(block, "block_settings_key", getattr(block, "unmixed_class", type(block)).__name__)
        return current_app.config.get("XBLOCK_SETTINGS", {}).get(bucket, {} if default is None else default)


# A quoted reference runs to its closing quote, so file names may have spaces (as Open edX reads them); one in
# an unquoted CSS url(...) stops at white space.
_STATIC = re.compile(
    r"""(?P<quote>["'])/static/(?P<path>[^"'?#\n]+?)(?=[?#]|(?P=quote))"""
    r"""|(?P<paren>\()/static/(?P<bare>[^"')?#\s]+)"""
)


def static_references(text: str) -> list[str]:
    """The file names ``text`` refers to as ``/static/<name>``, by the rule ``replace_urls`` rewrites them."""
    return [match.group("path") or match.group("bare") for match in _STATIC.finditer(text or "")]


class ReplaceURLsService:
    """Rewrites ``/static/<file>`` references (OLX convention) to the course's asset URLs."""

    def __init__(self, asset_url):  # noqa: ANN001
        self._asset_url = asset_url

    def replace_urls(self, text: str, static_replace_only: bool = False) -> str:  # noqa: ARG002
        return _STATIC.sub(self._replace, text or "")

    def _replace(self, match: re.Match) -> str:
        if match.group("quote"):
            return match.group("quote") + self._asset_url(match.group("path"))
        return "(" + self._asset_url(match.group("bare"))


def request_locale() -> str:
    try:
        return str(get_locale() or "en")
    except RuntimeError:  # outside a request
        return "en"
