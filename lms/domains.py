"""The one list of domain packages: what the core knows of them, and all it knows.

``DOMAINS`` names, in dependency order, the packages that stand on the core (``lms``). Adding a domain is
one line here; everything else that needs the list reads it from here:

- ``create_app`` (``lms/app.py``) imports each and calls its ``init_app(app)``, in this order;
- Flask-Babel's catalogues (``lms/i18n.py``) are the core's plus each domain's ``translations/`` folder;
- the XBlock ``i18n`` service (``lms/xblock_host/services.py``) treats their blocks as ours (they translate
  through their package's catalogue, not a community block's ``text`` domain);
- ``scripts/i18n`` extracts, updates and compiles the catalogue of each (it reads this file with
  ``runpy``, so this module imports nothing of the project and nothing outside the standard library);
- ``tests/test_i18n.py`` checks every catalogue; ``tests/test_domains.py`` checks all of the above with a
  domain made up for the test.

A domain package provides:

- ``init_app(app)``: registers its blueprints, models, permission rules, dashboard panels
  (``lms.dashboard.register_panel``), menu items, signal receivers, CLI commands — whatever it has; the
  core never imports it otherwise, and no core template names its endpoints;
- ``templates/<package>/`` for its pages and panels (through its blueprints' ``template_folder``);
- ``translations/`` once it has a translatable string (``scripts/i18n <package>`` creates it);
- its top-level name in ``pyproject.toml``'s package lists (``tests/test_domains.py`` checks it is there).

A domain nested in the core (``lms.programme`` in the design) is listed by its dotted name; its strings are
extracted with the core's and live in the core's catalogue, so it has no ``translations/`` of its own.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

CORE = "lms"

DOMAINS: tuple[str, ...] = (
    "courses",
    "assessments",
    "certificates",
)


def catalogued_packages() -> tuple[str, ...]:
    """The top-level packages that keep a message catalogue and whose XBlocks are ours: the core, then each
    domain (a nested domain counts as its top-level package)."""
    return tuple(dict.fromkeys(name.split(".")[0] for name in (CORE, *DOMAINS)))


def package_folder(name: str) -> Path | None:
    """Where package ``name`` lives (it is found on ``sys.path``, not assumed to sit beside ``lms``)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def translation_folders() -> list[Path]:
    """The ``translations/`` folders of the catalogued packages that have one, core first."""
    folders = (package_folder(name) for name in catalogued_packages())
    return [folder / "translations" for folder in folders if folder and (folder / "translations").is_dir()]


if __name__ == "__main__":  # scripts/i18n: the packages whose catalogues it keeps, one a line
    print("\n".join(catalogued_packages()))
