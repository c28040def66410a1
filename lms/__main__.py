"""The ``lms`` console command (and ``python -m lms``): the Flask command group around ``create_app``.

It lives apart from ``lms/cli.py`` because the app registers that module's commands: the entry point
needs the app, the app needs the commands, and neither module needs to import the other both ways.
"""

from __future__ import annotations


def main() -> None:
    import warnings

    # A dependency of xblock-sdk (fs, via openedx-django-pyfs) warns on import about setuptools' future;
    # it is not ours to fix and should not be the first thing a newcomer reads.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    from flask.cli import FlaskGroup

    from lms import cli
    from lms.app import create_app

    group = FlaskGroup(create_app=lambda: create_app(), add_version_option=False, help=cli.__doc__)
    group.main(prog_name="lms")


if __name__ == "__main__":
    main()
