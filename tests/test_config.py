"""Configuration: precedence, parsing errors, the secret key, database URLs, and an app that builds without SQL."""

from __future__ import annotations

import stat

import pytest
from sqlalchemy import event

from lms import config as lms_config
from lms.app import create_app
from lms.config import ConfigError
from lms.db import db


@pytest.fixture
def clean_environ(monkeypatch):
    """No ``LMS_*`` variable of the machine running the tests leaks into ``create_app`` here."""
    import os

    for name in list(os.environ):
        if name.startswith("LMS_"):
            monkeypatch.delenv(name)


def _app_overrides(tmp_path, **extra):
    values = {
        "ENV": "development",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": None,
    }
    values.update(extra)
    return values


# --- precedence and parsing -----------------------------------------------------------------------------


def test_defaults_apply_without_environment_or_overrides():
    config = lms_config.load(environ={})
    assert config["ENV"] == "development"
    assert config["OPEN_REGISTRATION"] is False
    assert config["LOGIN_MAX_FAILURES"] == 5
    assert config["MAIL_BACKEND"] == "outbox"
    assert config["SECRET_KEY"] is None


def test_environment_beats_defaults_and_overrides_beat_environment():
    environ = {"LMS_LOGIN_MAX_FAILURES": "9", "LMS_OPEN_REGISTRATION": "yes", "LMS_BASE_URL": "https://lms.example"}
    config = lms_config.load(environ=environ)
    assert config["LOGIN_MAX_FAILURES"] == 9  # parsed to int
    assert config["OPEN_REGISTRATION"] is True
    assert config["BASE_URL"] == "https://lms.example"

    config = lms_config.load({"LOGIN_MAX_FAILURES": 2, "OPEN_REGISTRATION": False}, environ=environ)
    assert config["LOGIN_MAX_FAILURES"] == 2
    assert config["OPEN_REGISTRATION"] is False
    assert config["BASE_URL"] == "https://lms.example"  # not overridden: the environment still counts


def test_every_login_throttle_setting_can_be_tuned_from_the_environment():
    config = lms_config.load(
        environ={
            "LMS_LOGIN_MAX_FAILURES": "3",
            "LMS_LOGIN_MAX_FAILURES_PER_IP": "300",
            "LMS_LOGIN_FAILURE_WINDOW_SECONDS": "60",
        }
    )
    assert (config["LOGIN_MAX_FAILURES"], config["LOGIN_MAX_FAILURES_PER_IP"]) == (3, 300)
    assert config["LOGIN_FAILURE_WINDOW_SECONDS"] == 60


def test_list_variables_are_split_on_commas():
    config = lms_config.load(environ={"LMS_XBLOCK_ALLOWLIST": "html, video,,poll "})
    assert config["XBLOCK_ALLOWLIST"] == ["html", "video", "poll"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("LMS_OPEN_REGISTRATION", "maybe"), ("LMS_MAIL_USE_TLS", "2"), ("LMS_SESSION_COOKIE_SECURE", "sure")],
)
def test_bad_boolean_names_the_variable(name, value):
    with pytest.raises(ConfigError) as info:
        lms_config.load(environ={name: value})
    assert name in str(info.value)
    assert value in str(info.value)


def test_bad_integer_names_the_variable():
    with pytest.raises(ConfigError, match="LMS_MAIL_PORT"):
        lms_config.load(environ={"LMS_MAIL_PORT": "twenty-five"})


def test_proxy_hops_default_to_none_and_are_read_from_the_environment():
    assert lms_config.load(environ={})["PROXY_HOPS"] == 0
    assert lms_config.load(environ={"LMS_PROXY_HOPS": " 2 "})["PROXY_HOPS"] == 2
    assert lms_config.load(environ={"LMS_PROXY_HOPS": "0"})["PROXY_HOPS"] == 0


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "", "true"])
def test_bad_proxy_hops_name_the_variable(value):
    with pytest.raises(ConfigError) as info:
        lms_config.load(environ={"LMS_PROXY_HOPS": value})
    assert "LMS_PROXY_HOPS" in str(info.value)
    assert "0 or more" in str(info.value)


@pytest.mark.parametrize("value", [-1, "2x", 1.5, True, None])
def test_bad_proxy_hops_in_code_overrides_are_refused_too(value):
    with pytest.raises(ConfigError, match="LMS_PROXY_HOPS"):
        lms_config.load({"PROXY_HOPS": value}, environ={})


def test_unknown_environment_is_refused():
    with pytest.raises(ConfigError, match="LMS_ENV"):
        lms_config.load(environ={"LMS_ENV": "staging"})


# --- what create_app does with it -------------------------------------------------------------------


def test_production_without_secret_key_fails_at_start_up(tmp_path, clean_environ):
    with pytest.raises(ConfigError) as info:
        create_app(_app_overrides(tmp_path, ENV="production"))
    assert "LMS_SECRET_KEY" in str(info.value)
    assert not (tmp_path / "instance" / "secret_key").exists()  # never silently generated in production


def test_production_with_secret_key_builds(tmp_path, clean_environ):
    app = create_app(_app_overrides(tmp_path, ENV="production", SECRET_KEY="s" * 40))
    assert app.config["SECRET_KEY"] == "s" * 40
    assert not app.testing


def test_development_key_is_generated_once_and_kept_private(tmp_path, clean_environ):
    first = create_app(_app_overrides(tmp_path))
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first.config["SECRET_KEY"]) >= 40
    second = create_app(_app_overrides(tmp_path))
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    # No draft file is left behind by the write-aside-then-link dance.
    assert sorted(p.name for p in key_file.parent.iterdir() if p.name.startswith(".secret_key")) == []


def test_default_database_is_a_file_in_the_instance_folder(tmp_path, clean_environ):
    app = create_app(_app_overrides(tmp_path, SQLALCHEMY_DATABASE_URI=None))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'instance' / 'lms.sqlite3'}"


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_postgresql_url_is_rewritten_to_psycopg(tmp_path, scheme):
    config = lms_config.load(
        {"SQLALCHEMY_DATABASE_URI": f"{scheme}://lms:pw@db.internal:5432/lms", "SECRET_KEY": "k"}, environ={}
    )
    lms_config.finalize(config, str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://lms:pw@db.internal:5432/lms"


def test_environment_url_reaches_the_app_rewritten(tmp_path, monkeypatch, clean_environ):
    monkeypatch.setenv("LMS_DATABASE_URL", "postgresql://lms@localhost/lms")
    monkeypatch.setenv("LMS_SECRET_KEY", "from-the-environment")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://lms@localhost/lms"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    with app.app_context():
        assert db.engine.dialect.driver == "psycopg"


def test_session_cookie_is_secure_when_base_url_is_https(tmp_path, clean_environ):
    plain = create_app(_app_overrides(tmp_path, BASE_URL="http://127.0.0.1:5000"))
    secure = create_app(_app_overrides(tmp_path, BASE_URL="https://lms.example"))
    assert plain.config["SESSION_COOKIE_SECURE"] is False
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.config["REMEMBER_COOKIE_SECURE"] is True


def test_building_the_app_runs_no_sql(tmp_path, clean_environ):
    """Pre-forking servers must not inherit connections, and an app must build with no database at all."""
    from sqlalchemy.engine import Engine

    seen: list[str] = []

    def on_connect(*_args):
        seen.append("connect")

    def before(_conn, _cursor, statement, *_args):
        seen.append(statement)

    # Listen on the Engine class: the new app's engine does not exist before create_app is called.
    event.listen(Engine, "connect", on_connect)
    event.listen(Engine, "before_cursor_execute", before)
    try:
        app = create_app(_app_overrides(tmp_path))
        assert seen == []
        assert not (tmp_path / "db.sqlite3").exists()  # SQLite creates the file on first connect
        # The listeners do see this app's engine: its first use connects and runs SQL.
        with app.app_context(), db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        assert "connect" in seen and "SELECT 1" in seen
    finally:
        event.remove(Engine, "connect", on_connect)
        event.remove(Engine, "before_cursor_execute", before)


def test_the_handler_body_limit_comes_from_the_environment():
    assert lms_config.load(environ={})["XBLOCK_HANDLER_MAX_BYTES"] == 1024 * 1024
    assert lms_config.load(environ={"LMS_XBLOCK_HANDLER_MAX_BYTES": "65536"})["XBLOCK_HANDLER_MAX_BYTES"] == 65536
