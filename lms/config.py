"""Configuration: defaults, then ``LMS_*`` environment variables, then explicit overrides.

This is the only module that reads ``os.environ``. Every setting has a single-machine default so that
a fresh clone runs with no configuration at all; production sets ``LMS_ENV=production`` and must then
provide ``LMS_SECRET_KEY`` (a missing key is a start-up error, not a silently generated one).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says which variable to set."""


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (true/false), got {value!r}")


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _hop_count(value: Any) -> int:
    """A number of trusted reverse proxies: an integer, 0 or more (0: the app faces clients directly)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"expected a whole number of proxies (0 or more), got {value!r}")
    try:
        hops = int(value)
    except ValueError:
        raise ValueError(f"expected a whole number of proxies (0 or more), got {value!r}") from None
    if hops < 0:
        raise ValueError(f"expected a whole number of proxies (0 or more), got {value!r}")
    return hops


# Host names and IPv4 addresses; IPv6 addresses (without their brackets).
HOST_NAME = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)*", re.IGNORECASE)
IPV6_ADDRESS = re.compile(r"[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*", re.IGNORECASE)


def _base_url(value: Any) -> str:
    """The site's address as people reach it: http(s)://host[:port][/path], nothing else."""
    text = str(value).strip().rstrip("/")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or not (HOST_NAME.fullmatch(parts.hostname) or IPV6_ADDRESS.fullmatch(parts.hostname))
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
    ):
        raise ValueError(f"expected the site's address, such as https://lms.example.org, got {value!r}")
    return text


def _host_names(value: Any) -> list[str]:
    """Extra host names, a list or comma-separated: ``lms.example.org``, ``.example.org`` (every subdomain),
    ``10.0.0.5``, ``[::1]``; no scheme, no port. IPv6 addresses are kept without their brackets."""
    names = _list(value) if isinstance(value, str) else [str(name).strip() for name in value or ()]
    kept = []
    for name in names:
        bare = name.removeprefix("[").removesuffix("]") if name.startswith("[") else name
        if HOST_NAME.fullmatch(name.removeprefix(".")) or IPV6_ADDRESS.fullmatch(bare):
            kept.append(bare.lower())
        else:
            raise ValueError(f"expected host names such as lms.example.org (no scheme, no port), got {name!r}")
    return kept


# What the site's logo may be: an image, by its file name's ending (lms/site.py serves it as that type).
LOGO_TYPES = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}


def _logo(value: Any) -> str | None:
    """The path of the site's logo on the server: a PNG, SVG, JPEG or WebP file (empty: no logo)."""
    text = str(value or "").strip()
    if text and Path(text).suffix.lower() not in LOGO_TYPES:
        raise ValueError(f"expected the path of a {'/'.join(sorted(LOGO_TYPES))} file, got {value!r}")
    return text or None


DEFAULTS: dict[str, Any] = {
    "ENV": "development",  # development | production | testing
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,  # None: SQLite file in the instance folder
    "INSTANCE_PATH": None,  # None: Flask's default instance folder
    # The site's address: every link that leaves the site (mail, callbacks) is built from it, never from a
    # request, and requests for any other host are refused (lms/hosts.py).
    "BASE_URL": "http://127.0.0.1:5000",
    # Other names the site answers to (a second domain, the address a monitor uses); BASE_URL's host always.
    "TRUSTED_HOSTS_EXTRA": [],
    # Reverse proxies in front of the app that each append the address they received the request from to
    # X-Forwarded-For (0: clients connect to the app directly). Per-client limits count by the address
    # that many entries from the right; a wrong number makes every limit site-wide, or lets clients choose.
    "PROXY_HOPS": 0,
    # The deployment's name and logo: the header, page titles, the landing page, mail (lms/site.py).
    "SITE_NAME": "tot-lms",
    "SITE_LOGO": None,
    "OPEN_REGISTRATION": False,
    "DEFAULT_LANGUAGE": "en",
    "LANGUAGES": {"en": "English", "fr": "Français", "rw": "Ikinyarwanda"},
    # Mail: "outbox" writes each message to the console and to files an admin can read at /admin/outbox;
    # "smtp" sends through MAIL_SERVER.
    "MAIL_BACKEND": "outbox",
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "tot-lms <no-reply@localhost>",
    "LOGIN_MAX_FAILURES": 5,  # per e-mail address within the window
    "LOGIN_MAX_FAILURES_PER_IP": 30,
    "LOGIN_FAILURE_WINDOW_SECONDS": 900,
    "PASSWORD_RESET_MAX_AGE_SECONDS": 24 * 3600,
    # Reset mail asked for, per address and per client, within the window (lms/rate_limits.py).
    "PASSWORD_RESET_MAX_PER_EMAIL": 3,
    "PASSWORD_RESET_MAX_PER_IP": 20,
    "PASSWORD_RESET_WINDOW_SECONDS": 3600,
    # Certificate checks on the public verification page, per client, within the window.
    "VERIFY_MAX_PER_IP": 60,
    "VERIFY_WINDOW_SECONDS": 60,
    # Certificates' signing keys: private halves as files here (mode 0600; None: <instance>/keys), never in
    # the database; or the one key that signs, given in the environment (PEM or multibase), which wins.
    "KEYS_DIR": None,
    "SIGNING_KEY": None,
    "INVITATION_MAX_AGE_DAYS": 14,
    "PASSWORD_MIN_LENGTH": 10,
    "SESSION_COOKIE_SECURE": None,  # None: secure whenever BASE_URL is https
    "QUEUE_URL": None,  # None: enqueue() runs jobs inline; redis://… uses RQ
    "QUEUE_NAME": "lms",  # the RQ queue: `rq worker <name>` takes its jobs
    "XBLOCK_ALLOWLIST": None,  # None: every installed block type; else a list of type names
    "XBLOCK_HANDLER_TOKEN_KEYS": None,  # list of keys, newest first; None: derived from SECRET_KEY
    "XBLOCK_SETTINGS": {},  # per-block-class buckets for the XBlock `settings` service
    # The largest body a block handler call may send (answers, votes, logbook entries: a few KB); larger ones
    # are refused before they are read. Uploads of course files and OLX archives have their own limits.
    "XBLOCK_HANDLER_MAX_BYTES": 1024 * 1024,
    "ASSET_MAX_BYTES": 200 * 1024 * 1024,
    "OLX_MAX_BYTES": 500 * 1024 * 1024,
    "OLX_MAX_MEMBERS": 20_000,
    "PAGE_SIZE": 25,
    "SERVE_WORKERS": 2,
    # gzip pages and JSON answers in the app (lms/compression.py); off behind a proxy that compresses.
    "COMPRESS_PAGES": True,
}

# environment variable -> (config key, parser)
ENVIRONMENT: dict[str, tuple[str, Callable[[str], Any]]] = {
    "LMS_ENV": ("ENV", str),
    "LMS_SECRET_KEY": ("SECRET_KEY", str),
    "LMS_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "LMS_INSTANCE_PATH": ("INSTANCE_PATH", str),
    "LMS_BASE_URL": ("BASE_URL", _base_url),
    "LMS_TRUSTED_HOSTS": ("TRUSTED_HOSTS_EXTRA", _host_names),
    "LMS_PROXY_HOPS": ("PROXY_HOPS", _hop_count),
    "LMS_SITE_NAME": ("SITE_NAME", str),
    "LMS_SITE_LOGO": ("SITE_LOGO", _logo),
    "LMS_OPEN_REGISTRATION": ("OPEN_REGISTRATION", _bool),
    "LMS_DEFAULT_LANGUAGE": ("DEFAULT_LANGUAGE", str),
    "LMS_MAIL_BACKEND": ("MAIL_BACKEND", str),
    "LMS_MAIL_SERVER": ("MAIL_SERVER", str),
    "LMS_MAIL_PORT": ("MAIL_PORT", int),
    "LMS_MAIL_USE_TLS": ("MAIL_USE_TLS", _bool),
    "LMS_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "LMS_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "LMS_MAIL_SENDER": ("MAIL_SENDER", str),
    "LMS_LOGIN_MAX_FAILURES": ("LOGIN_MAX_FAILURES", int),
    # A campus behind one NAT address shares the per-client limit: raise it there.
    "LMS_LOGIN_MAX_FAILURES_PER_IP": ("LOGIN_MAX_FAILURES_PER_IP", int),
    "LMS_LOGIN_FAILURE_WINDOW_SECONDS": ("LOGIN_FAILURE_WINDOW_SECONDS", int),
    "LMS_PASSWORD_RESET_MAX_PER_EMAIL": ("PASSWORD_RESET_MAX_PER_EMAIL", int),
    "LMS_PASSWORD_RESET_MAX_PER_IP": ("PASSWORD_RESET_MAX_PER_IP", int),
    "LMS_PASSWORD_RESET_WINDOW_SECONDS": ("PASSWORD_RESET_WINDOW_SECONDS", int),
    # A verifier checking a batch by hand from one office address: raise it there.
    "LMS_VERIFY_MAX_PER_IP": ("VERIFY_MAX_PER_IP", int),
    "LMS_VERIFY_WINDOW_SECONDS": ("VERIFY_WINDOW_SECONDS", int),
    "LMS_KEYS_DIR": ("KEYS_DIR", str),
    "LMS_SIGNING_KEY": ("SIGNING_KEY", str),
    "LMS_SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", _bool),
    "LMS_QUEUE_URL": ("QUEUE_URL", str),
    "LMS_QUEUE_NAME": ("QUEUE_NAME", str),
    "LMS_XBLOCK_ALLOWLIST": ("XBLOCK_ALLOWLIST", _list),
    "LMS_XBLOCK_HANDLER_TOKEN_KEYS": ("XBLOCK_HANDLER_TOKEN_KEYS", _list),
    "LMS_XBLOCK_HANDLER_MAX_BYTES": ("XBLOCK_HANDLER_MAX_BYTES", int),
    "LMS_SERVE_WORKERS": ("SERVE_WORKERS", int),
    "LMS_COMPRESS_PAGES": ("COMPRESS_PAGES", _bool),
}

ENVIRONMENTS = {"development", "production", "testing"}


def load(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Merge defaults, ``LMS_*`` variables and overrides into one plain dict (no app needed)."""
    environ = os.environ if environ is None else environ
    config = dict(DEFAULTS)
    for name, (key, parse) in ENVIRONMENT.items():
        if name in environ:
            try:
                config[key] = parse(environ[name])
            except ValueError as exc:
                raise ConfigError(f"{name}: {exc}") from exc
    config.update(overrides or {})
    try:
        config["PROXY_HOPS"] = _hop_count(config["PROXY_HOPS"])  # an override is checked like the variable
    except ValueError as exc:
        raise ConfigError(f"LMS_PROXY_HOPS: {exc}") from exc
    for key, variable, check in (
        ("BASE_URL", "LMS_BASE_URL", _base_url),
        ("TRUSTED_HOSTS_EXTRA", "LMS_TRUSTED_HOSTS", _host_names),
        ("SITE_LOGO", "LMS_SITE_LOGO", _logo),
    ):
        try:
            config[key] = check(config[key])  # an override is checked like the variable
        except ValueError as exc:
            raise ConfigError(f"{variable}: {exc}") from exc
    config["SITE_NAME"] = str(config["SITE_NAME"]).strip() or DEFAULTS["SITE_NAME"]
    if config["ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"LMS_ENV must be one of {sorted(ENVIRONMENTS)}, got {config['ENV']!r}")
    return config


def finalize(config: dict[str, Any], instance_path: str) -> None:
    """Fill in what depends on the instance folder: database file, secret key, cookie security."""
    instance = Path(instance_path)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'lms.sqlite3'}"
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith(("postgresql://", "postgres://")):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + url.split("://", 1)[1]
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A server may drop idle connections (restart, failover): test each one as it leaves the pool.
        # A SQLite file cannot go away like that, so it skips the extra round trip on every request.
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    if not config.get("SECRET_KEY"):
        if config["ENV"] == "production":
            raise ConfigError(
                "LMS_SECRET_KEY is not set. In production the secret key signs sessions, handler URLs and "
                "reset links; set it to a long random value shared by every worker."
            )
        config["SECRET_KEY"] = _instance_secret(instance)
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = str(config["BASE_URL"]).startswith("https://")


def _instance_secret(instance: Path) -> str:
    """A development secret generated once and kept in the instance folder (never in the repository)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    # Write aside, then link into place: two workers starting together agree on one key.
    draft = instance / f".secret_key.{os.getpid()}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def test_database_url(environ: Mapping[str, str] | None = None) -> str | None:
    """The database the test suite should use instead of a temporary SQLite file, if any."""
    environ = os.environ if environ is None else environ
    return environ.get("LMS_TEST_DATABASE_URL") or None
