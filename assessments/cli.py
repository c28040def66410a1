"""``lms import-questions`` and ``lms export-questions``: a course's bank in and out of GIFT, Aiken and Moodle XML."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from assessments import formats


def _course(code: str):  # noqa: ANN202
    from courses import queries

    course = queries.by_code(code)
    if course is None:
        raise click.BadParameter(f"no course with code {code!r}", param_hint="--course")
    return course


@click.command("import-questions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--course", "code", required=True, help="Code of the course whose bank receives the questions.")
@click.option(
    "--format", "fmt", type=click.Choice(formats.FORMATS), help="Guessed from the file's name when not given."
)
@click.option("--category", help="Category for questions the file does not file (default: Default).")
@with_appcontext
def import_questions_command(path: str, code: str, fmt: str | None, category: str | None) -> None:
    """Import a question file into a course's bank: all of it, or nothing and every error with its line."""
    from assessments.interchange import ImportFailed, import_file
    from lms.db import unit_of_work

    try:
        with unit_of_work():
            course = _course(code)
            imported = import_file(course, path, fmt=fmt, category=category)
            code = course.code
    except ImportFailed as failed:
        for line in failed.errors:
            click.echo(line, err=True)
        raise SystemExit(1) from None
    click.echo(f"Imported {imported.questions} questions into {code}")


@click.command("export-questions")
@click.option("--course", "code", required=True, help="Code of the course whose bank is exported.")
@click.option("--format", "fmt", type=click.Choice(("gift", "moodlexml")), required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="File to write.")
@with_appcontext
def export_questions_command(code: str, fmt: str, out_path: str) -> None:
    """Write a course's bank as a GIFT or Moodle XML file (importing it again gives the same questions)."""
    from assessments.interchange import export_file
    from lms.db import unit_of_work

    with unit_of_work():
        course = _course(code)
        try:
            data = export_file(course, fmt)
        except formats.ExportError as refused:
            for message in refused.messages:
                click.echo(message, err=True)
            raise SystemExit(1) from None
    with open(out_path, "wb") as out:
        out.write(data)
    click.echo(f"Exported the bank of {code} to {out_path}")


def init_app(app) -> None:  # noqa: ANN001
    app.cli.add_command(import_questions_command)
    app.cli.add_command(export_questions_command)
