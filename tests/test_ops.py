"""Probes for load balancers: ``/healthz`` never touches the database, ``/readyz`` answers for it."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from lms.app import create_app
from lms.db import db


@pytest.fixture
def unreachable_app(tmp_path):
    """An app whose database cannot be opened: its folder does not exist."""
    return create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "ops",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no-such-folder' / 'lms.sqlite3'}",
        }
    )


def test_healthz_answers_without_running_sql(app, client):
    with app.app_context():
        engine = db.engine
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert statements == []


def test_healthz_is_up_while_the_database_is_down(unreachable_app):
    response = unreachable_app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_reports_the_database(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200
    with app.app_context():
        dialect = db.engine.dialect.name
    assert response.get_json() == {"status": "ok", "database": dialect}


def test_readyz_is_503_when_the_database_is_unreachable(unreachable_app):
    client = unreachable_app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "OperationalError"}
    assert client.get("/readyz").status_code == 503  # and it keeps answering, it does not crash


def test_readyz_is_503_when_postgresql_refuses(tmp_path):
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "ops",
            "INSTANCE_PATH": str(tmp_path),
            # Port 1 on the loopback: nothing listens, the connection is refused at once.
            "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/lms",
        }
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.get_json()["status"] == "unavailable"


def test_probes_are_public_and_not_cached_by_pages(client):
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
