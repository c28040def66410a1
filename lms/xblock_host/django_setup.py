"""Headless Django: configured once per process, with no database, for the blocks that need it.

Almost every community block renders through ``xblock.utils.resources.ResourceLoader.
render_django_template`` and reads translations through ``django.utils.translation``; the SDK samples
call ``runtime.render_template``. Nothing here touches a database or serves a request.
"""

from __future__ import annotations

import importlib.util
import secrets
from importlib.metadata import entry_points
from pathlib import Path


def _block_template_dirs() -> list[str]:
    """The ``templates`` folders of installed block packages, found without importing them."""
    folders = []
    for ep in entry_points(group="xblock.v1"):
        package = ep.value.split(":")[0].rpartition(".")[0] or ep.value.split(":")[0]
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec and spec.submodule_search_locations:
            folder = Path(next(iter(spec.submodule_search_locations))) / "templates"
            if folder.is_dir() and str(folder) not in folders:
                folders.append(str(folder))
    return folders


def configure() -> None:
    import django
    from django.conf import settings

    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY=secrets.token_urlsafe(32),  # unused: Django signs nothing here
        INSTALLED_APPS=[],
        DATABASES={},
        USE_I18N=True,
        USE_TZ=True,
        LANGUAGE_CODE="en",
        LANGUAGES=[("en", "English"), ("fr", "French"), ("rw", "Kinyarwanda")],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "DIRS": _block_template_dirs(),
                "APP_DIRS": False,
                "OPTIONS": {"autoescape": True},
            }
        ],
        STATIC_URL="/static/xblock_host/",
    )
    django.setup()


def activate_language(locale: str) -> None:
    from django.utils import translation

    translation.activate(locale)
