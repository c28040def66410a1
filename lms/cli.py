"""The ``lms`` command line: init-db, create-user, seed-demo, serve, demo (plus Flask-Migrate's ``db``).

Domain packages add their own commands (``import-olx``, ``export-olx`` …) through their ``init_app``. Each
command's work is one unit of work (``lms.db.unit_of_work``): all of it is kept, or none.
"""

from __future__ import annotations

import errno
import socket
import sys
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from lms.db import db, unit_of_work


def init_database() -> None:
    """Upgrade the schema to the newest migration and make sure the default institutions exist."""
    from flask_migrate import upgrade

    from lms.institutions.services import ensure_default_institutions

    upgrade()
    with unit_of_work():
        ensure_default_institutions()


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic) and seed the eight IPRCs."""
    init_database()
    click.echo(f"Database ready: {_safe_url()}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=["learner"],
    show_default=True,
    type=click.Choice(["learner", "author", "assessor", "verifier", "admin"]),
)
@click.option("--institution", help="Institution code, e.g. iprc-kigali.")
@with_appcontext
def create_user_command(email, name, password, roles, institution) -> None:
    """Create an account (e.g. the first admin)."""
    from lms.accounts.services import AccountError, create_user
    from lms.institutions.queries import by_code

    institution_id = None
    if institution:
        found = by_code(institution)
        if found is None:
            raise click.BadParameter(f"no institution with code {institution!r}", param_hint="--institution")
        institution_id = found.id
    try:
        with unit_of_work():
            user = create_user(email, name, password, roles=list(roles), institution_id=institution_id, via="cli")
            roles_text = ", ".join(sorted(user.roles))
    except AccountError as error:
        raise click.ClickException(str(error.message)) from error
    click.echo(f"Created {email} with roles {roles_text}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill the database with realistic demo data and print the demo accounts and course codes."""
    from lms.demo import print_summary, seed

    with unit_of_work():
        summary = seed()
    print_summary(summary)


@click.command("send-mail")
@with_appcontext
def send_mail_command() -> None:
    """Deliver the mail that is due, failed sends included (run it from cron every few minutes)."""
    from lms import mail

    with unit_of_work():
        sent = mail.deliver_due()
    click.echo(f"Sent {sent} message(s).")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="gunicorn workers (default: SERVE_WORKERS).")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve the application with gunicorn."""
    check_port_free(host, port, "lms serve")
    serve(current_app._get_current_object(), host, port, workers)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def demo_command(host: str, port: int) -> None:
    """init-db + seed-demo + serve: the whole product on one machine, with demo accounts of every role."""
    from lms.demo import print_summary, seed

    check_port_free(host, port, "./dev demo")  # before seeding: say it now, not after the seeding's wait
    init_database()
    with unit_of_work():
        summary = seed()
    print_summary(summary, base_url=f"http://{host}:{port}")
    _explain_hosts(host, port)
    serve(current_app._get_current_object(), host, port, None)


def _explain_hosts(host: str, port: int) -> None:
    """Say so when links in mail will not point to this server, or when it listens beyond the names it answers
    to (``--host 0.0.0.0`` for a phone on the network): requests for other hosts are refused (lms/hosts.py)."""
    from lms import hosts

    base_url = current_app.config["BASE_URL"]
    trusted = hosts.trusted_hosts(current_app.config)
    if not hosts.host_matcher(trusted)(f"[{host}]" if ":" in host else host):
        click.echo(
            f"Only requests for {', '.join(trusted)} are answered. To open the demo by another name or address "
            "(a phone on this network), add it to LMS_TRUSTED_HOSTS, and set LMS_BASE_URL for links in mail.",
            err=True,
        )
    elif urlsplit(base_url).port != port:
        click.echo(f"Links in mail point to {base_url} (LMS_BASE_URL), not to this server's port {port}.", err=True)


def check_port_free(host: str, port: int, command: str) -> None:
    """Stop with a clear message when the address is taken (an earlier demo still running, another server):
    gunicorn alone prints "Serving on …", retries for five seconds and dies with a traceback-like log."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise click.ClickException(f"Cannot listen on {host}: {error.strerror}. Choose another --host.") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise click.ClickException(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
            raise click.ClickException(
                f"Port {port} on {host} is already in use (another server, or an earlier demo still running). "
                f"Stop that one, or choose another port: {command} --port {port + 1}"
            ) from None


def serve(app: Flask, host: str, port: int, workers: int | None) -> None:
    from gunicorn.app.base import BaseApplication

    # Connections opened while seeding must not be shared by the forked workers.
    with app.app_context():
        db.engine.dispose()

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or app.config["SERVE_WORKERS"])
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)

        def load(self):
            return app

    click.echo(f"Serving on http://{host}:{port} (Ctrl+C to stop)", err=True)
    Server().run()
    sys.exit(0)


def _safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def register_cli(app: Flask) -> None:
    commands = (init_db_command, create_user_command, seed_demo_command, send_mail_command, serve_command, demo_command)
    for command in commands:
        app.cli.add_command(command)
