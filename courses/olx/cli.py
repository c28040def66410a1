"""``lms import-olx`` and ``lms export-olx``: Open edX course archives from and to the command line.

Each command is one unit of work: what it writes is kept when it succeeds, nothing when it fails. An import
commits in short steps within it, and deletes what it wrote if it fails (``courses.olx.importer``).
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from courses import queries
from courses.olx.errors import OlxError
from lms.db import unit_of_work
from lms.permissions import can


def _author(email: str):  # noqa: ANN202
    from lms.accounts.services import get_by_email

    user = get_by_email(email)
    if user is None:
        raise click.BadParameter(f"no account with e-mail {email!r}", param_hint="--author")
    if not can("course.create", user=user):
        message = f"{email} may not create courses (needs the author or admin role)"
        raise click.BadParameter(message, param_hint="--author")
    return user


@click.command("import-olx")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--author", "email", required=True, help="E-mail of the author who will own the course.")
@click.option("--code", help="Course code to use instead of the one made from org, course and run.")
@with_appcontext
def import_olx_command(path: str, email: str, code: str | None) -> None:
    """Import an Open edX course export (.tar.gz) as a new draft course."""
    from courses.olx import writer
    from courses.olx.importer import import_archive

    created: list[int] = []
    try:
        # A unit of work that commits in steps (courses.olx.importer): the archive is read and parsed with no
        # transaction open, the course written hidden in short transactions, and shown by the last one.
        with unit_of_work():
            author = _author(email)
            with open(path, "rb") as stream:
                result = import_archive(stream, author, code, created.append)
            summary = (result.course.code, result.course.title)
    except OlxError as error:
        raise click.ClickException(f"Nothing was imported: {error.message}") from error
    except BaseException:
        for course_id in created:  # the importer cleans up after itself; this is for a failure after it
            writer.discard(course_id)
        raise
    click.echo(f"Imported {summary[0]} ({summary[1]}): {result.blocks} blocks, {result.files} files.")
    for block_type, count in sorted(result.unavailable.items()):
        click.echo(f"  kept but not runnable here: {count} × {block_type}")
    if result.kept:
        click.echo(f"  kept for export: {result.kept} files this LMS does not use (about/, info/, tabs/, …)")
    for note in result.notes:
        click.echo(f"  {note}")


@click.command("export-olx")
@click.argument("code")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="Archive (.tar.gz) to write.")
@click.option("--published", is_flag=True, help="Export the published version instead of the draft.")
@with_appcontext
def export_olx_command(code: str, out_path: str, published: bool) -> None:
    """Export a course as an Open edX course archive (.tar.gz)."""
    from courses.olx.exporter import export_archive

    course = queries.by_code(code)
    if course is None:
        raise click.BadParameter(f"no course with code {code!r}", param_hint="CODE")
    owner = course.owner or next((author.user for author in course.authors), None)
    if owner is None:
        raise click.ClickException("The course has no author to export it as.")
    try:
        archive = export_archive(course, owner, published=published)
    except OlxError as error:
        raise click.ClickException(error.message) from error
    with archive, open(out_path, "wb") as out:
        while chunk := archive.read(1024 * 1024):
            out.write(chunk)
    click.echo(f"Exported {course.code} ({'published' if published else 'draft'}) to {out_path}.")


def init_app(app) -> None:  # noqa: ANN001
    app.cli.add_command(import_olx_command)
    app.cli.add_command(export_olx_command)
