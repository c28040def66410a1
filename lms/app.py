"""The application factory: ``create_app(overrides=None)``.

It loads configuration, initialises extensions, registers the core's blueprints and API, then asks each
domain package (``lms.domains.DOMAINS``, in that order) to register itself through its ``init_app``. It runs
no SQL: pre-forking servers must not inherit open connections, and an app must build without a database.
The app is an :class:`LmsFlask`: Flask with one answer remembered (its docstring says why).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import compression, csp, domains, errors, hosts, i18n, request_transaction, static_assets, tasks
from lms import config as lms_config
from lms import db as lms_db
from lms.extensions import csrf, login_manager, migrate
from lms.sessions import RememberingSessionInterface
from lms.web import IdConverter, refuse_nul_in_url

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


_SYNC_FORMS_KEPT = 1024  # far more than the app's hooks and views


class LmsFlask(Flask):
    """Flask, with its answer to "is this hook a coroutine?" remembered per function.

    Flask asks ``inspect.iscoroutinefunction`` of every hook and view on every request (a dozen per request
    here), and the answer never changes for a function. Remembering it buys the public certificate page
    (``/v/<code>``) about 5% of its time towards its speed floor (bench/certificates.py), and every other
    page as much.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync_forms: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        try:
            return self._sync_forms[func]
        except KeyError:
            sync = super().ensure_sync(func)
            if len(self._sync_forms) < _SYNC_FORMS_KEPT:  # a closure made per request is not kept forever
                self._sync_forms[func] = sync
            return sync
        except TypeError:  # an unhashable callable: asked each time, as Flask does
            return super().ensure_sync(func)


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    config = lms_config.load(overrides)
    # No Flask static view: lms.static_assets serves /static/ with fingerprints and compression.
    app = LmsFlask("lms", instance_path=config["INSTANCE_PATH"] or None, static_folder=None)
    app.url_map.converters["int"] = IdConverter  # before any route is added: every <int:id> is bounded
    lms_config.finalize(config, app.instance_path)
    app.config.update(config)
    app.config.update(
        TESTING=config["ENV"] == "testing" or config.get("TESTING", False),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=config["SESSION_COOKIE_SECURE"],
        MAX_CONTENT_LENGTH=max(config["ASSET_MAX_BYTES"], config["OLX_MAX_BYTES"]),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session: long forms on slow links
    )

    _trust_proxies(app)
    # Outermost: a request for another host is refused before anything else runs (lms/hosts.py).
    app.wsgi_app = hosts.HostGuard(app.wsgi_app, hosts.trusted_hosts(config))
    app.session_interface = RememberingSessionInterface()
    lms_db.init_app(app)
    request_transaction.init_app(app)
    tasks.init_app(app)
    migrate.init_app(app, lms_db.db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    _init_login(app)
    csrf.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    _register_core(app)
    for name in domains.DOMAINS:  # read at each call: the list has one home, lms/domains.py
        importlib.import_module(name).init_app(app)
    _init_templates(app)
    app.before_request(refuse_nul_in_url)
    app.after_request(_security_headers)
    # Registered last, so it runs first: the headers above are added to the compressed answer as to any.
    compression.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_HOPS`` reverse proxies, see the client's address and scheme as the proxies saw them
    (``request.remote_addr``, which every per-client limit reads through ``lms.web.client_ip``).

    X-Forwarded-For is read ``hops`` entries from the right, as each proxy appends its peer's address:
    entries further left were written by the client and anyone can forge them. X-Forwarded-Proto is set,
    not appended to, by proxies (the TLS-terminating one sets it, the others pass it on), so its last value
    is the one to believe. With no proxy configured no forwarding header is believed at all.
    X-Forwarded-Host and -Prefix are never believed: a proxy that does not set X-Forwarded-Host itself
    (nginx sets none unless told to) passes a client's one on unchanged, and the request's host would be the
    client's choice. Links that leave the site (reset, invitation and welcome mail) depend on none of this:
    they are built from ``BASE_URL`` (``lms.web.external_url``), and a request's ``Host`` must name one of the
    site's own hosts (``lms.hosts``).
    """
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=1, x_host=0, x_port=0, x_prefix=0)


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from lms.accounts.models import LOGIN_LIFETIME
    from lms.accounts.session_user import load_session_user

    # The remember-me cookie lives as long as the log-in it names (lms/accounts/logins.py).
    app.config["REMEMBER_COOKIE_DURATION"] = LOGIN_LIFETIME
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_session_user)


def _register_core(app: Flask) -> None:
    from lms import api, dashboard, ops, site
    from lms.accounts import admin_views as users_admin
    from lms.accounts import api as accounts_api
    from lms.accounts import rules as _accounts_rules  # noqa: F401 - registers permission rules
    from lms.accounts import views as accounts
    from lms.audit import AuditEvent  # noqa: F401 - model registration
    from lms.cli import register_cli
    from lms.cohorts import api as cohorts_api
    from lms.cohorts import rules as _cohort_rules  # noqa: F401
    from lms.cohorts import views as cohorts
    from lms.institutions import api as institutions_api
    from lms.institutions import rules as _institution_rules  # noqa: F401
    from lms.institutions import views as institutions
    from lms.xblock_host import init_app as init_xblock_host

    for blueprint in (ops.bp, dashboard.bp, accounts.bp, users_admin.bp, institutions.bp, cohorts.bp):
        app.register_blueprint(blueprint)
    site.init_app(app)
    dashboard.register_core_panels()
    api.init_app(app)
    api.mount(app, accounts_api.blp, "/me")
    api.mount(app, institutions_api.blp, "/institutions")
    api.mount(app, cohorts_api.blp, "/cohorts")
    init_xblock_host(app)
    register_cli(app)


def _init_templates(app: Flask) -> None:
    from lms import page_chrome
    from lms.accounts.forms import role_choices
    from lms.institutions.forms import kind_choices
    from lms.navigation import cohort_links
    from lms.permissions import can
    from lms.web import page_url

    app.jinja_env.add_extension("jinja2.ext.do")
    # Stored values (roles, institution kinds) are shown through their translated labels.
    app.jinja_env.filters["role_label"] = lambda value: str(dict(role_choices()).get(value, value))
    app.jinja_env.filters["institution_kind"] = lambda value: str(dict(kind_choices()).get(value, value))
    app.jinja_env.globals.update(can=can, get_locale=get_locale, cohort_links=cohort_links, page_url=page_url)
    page_chrome.init_app(app)
    static_assets.init_app(app)
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}

    @app.context_processor
    def inject_languages():
        return {"languages": app.config["LANGUAGES"]}


_ALWAYS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "SAMEORIGIN"))


def _security_headers(response):
    """Add what the view did not set itself (one pass over the headers, not one per header)."""
    wanted = list(_ALWAYS)
    if response.mimetype == "text/html":
        wanted.append(("Content-Security-Policy", csp.page_policy()))  # what script the page may run: lms/csp.py
    if request.path.startswith("/api/"):
        wanted.append(("Cache-Control", "no-store"))
    present = {name.lower() for name, _ in response.headers.items()}
    for name, value in wanted:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response
