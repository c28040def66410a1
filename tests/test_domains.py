"""The one list of domain packages (``lms/domains.py``): adding a domain is one line there.

A domain made up for these tests (a package in a temporary folder, with ``init_app``, a blueprint, a template,
a dashboard panel and a French catalogue) is added to that list, and everything that knows the domains
follows: ``create_app`` registers it, Flask-Babel and the XBlock ``i18n`` service find its catalogue, its
panel shows on the dashboard, ``scripts/i18n`` would process it. And the core names no domain elsewhere.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shutil
import subprocess
import sys
import tomllib
from html import unescape
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from lms import create_app, dashboard, domains
from lms.extensions import babel
from lms.xblock_host.services import I18nService
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
FAKE = "tot_fake_domain"
ENGLISH, FRENCH = "Harvest calendar", "Calendrier des récoltes"

FAKE_INIT = f'''
from flask import Blueprint, render_template

bp = Blueprint("{FAKE}", __name__, template_folder="templates")


@bp.get("/harvests")
def harvests():
    return render_template("{FAKE}/panel.html", panel_id="page")


def init_app(app):
    from lms.dashboard import register_panel

    app.register_blueprint(bp)
    register_panel("harvests", "{FAKE}/panel.html", lambda user: True, order=99)
'''

FAKE_PANEL = f"""<h2 id="{{{{ panel_id }}}}">{{{{ _("{ENGLISH}") }}}}</h2>
<a href="{{{{ url_for('{FAKE}.harvests') }}}}">{{{{ _("{ENGLISH}") }}}}</a>
"""


@pytest.fixture
def fake_domain(tmp_path, monkeypatch):
    """The made-up domain package, importable, and listed in ``lms.domains.DOMAINS`` for this test only."""
    package = tmp_path / FAKE
    (package / "templates" / FAKE).mkdir(parents=True)
    (package / "__init__.py").write_text(FAKE_INIT, encoding="utf-8")
    (package / "templates" / FAKE / "panel.html").write_text(FAKE_PANEL, encoding="utf-8")
    catalogue = Catalog(locale="fr")
    catalogue.add(ENGLISH, FRENCH)
    (package / "translations" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    with open(package / "translations" / "fr" / "LC_MESSAGES" / "messages.mo", "wb") as handle:
        write_mo(handle, catalogue)

    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(domains, "DOMAINS", (*domains.DOMAINS, FAKE))  # the one line
    # Registries and caches that outlive one application: the test's additions must not leak into others.
    monkeypatch.setattr(dashboard, "_panels", dict(dashboard._panels))
    # Flask-Babel keeps merged catalogues on the process-wide Babel object, per language, whatever the app.
    monkeypatch.setattr(babel.domain_instance, "cache", {})
    yield package
    for name in [name for name in sys.modules if name == FAKE or name.startswith(FAKE + ".")]:
        del sys.modules[name]


@pytest.fixture
def fake_app(fake_domain, app_overrides):
    application = create_app(app_overrides)
    yield application
    with application.app_context():
        from lms.db import db

        db.engine.dispose()  # PostgreSQL: no idle connection of this app may hold up the next test's TRUNCATE


def test_create_app_registers_a_domain_added_to_the_list(fake_app):
    assert FAKE in fake_app.blueprints
    response = fake_app.test_client().get("/harvests")
    assert response.status_code == 200 and ENGLISH in response.get_data(as_text=True)  # its own template folder


def test_the_domains_catalogue_and_dashboard_panel_are_used(fake_app, fake_domain, factory):
    folders = fake_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    assert str(fake_domain / "translations") in folders
    assert folders[0] == str(ROOT / "lms" / "translations")  # the core's first, the domains' after it

    user = factory.user("learner", language="fr")
    browser = fake_app.test_client()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    page = unescape(browser.get("/").get_data(as_text=True))
    assert 'id="panel-harvests"' in page and FRENCH in page and 'href="/harvests"' in page
    assert "Tableau de bord" in page  # the core's catalogue is still there beside the domain's


def test_the_xblock_i18n_service_treats_the_domains_blocks_as_ours(fake_domain):
    block_class = type("HarvestBlock", (), {"__module__": f"{FAKE}.blocks"})
    # Ours: translated through the package's Flask-Babel catalogue ("messages"), not a community block's
    # "text" domain under the block's own module folder.
    assert I18nService(block_class, "fr").ugettext(ENGLISH) == FRENCH


def test_scripts_i18n_processes_the_packages_of_the_list(tmp_path):
    """scripts/i18n reads lms/domains.py: a copy of the project whose list has one more line gives one more
    package (``--list`` prints them and stops before any extraction)."""
    venv = ROOT / ".venv"
    if not (venv / "bin" / "pybabel").exists():
        pytest.skip("scripts/i18n needs the project's .venv (./dev test creates it)")
    copy = tmp_path / "project"
    (copy / "scripts").mkdir(parents=True)
    (copy / "lms").mkdir()
    shutil.copy(ROOT / "scripts" / "i18n", copy / "scripts" / "i18n")
    (copy / ".venv").symlink_to(venv)
    source = (ROOT / "lms" / "domains.py").read_text(encoding="utf-8")
    last = f'    "{domains.DOMAINS[-1]}",\n)'
    assert last in source
    (copy / "lms" / "domains.py").write_text(source.replace(last, f'    "{domains.DOMAINS[-1]}",\n    "{FAKE}",\n)'))

    def listed(project: Path) -> list[str]:
        run = subprocess.run(
            ["bash", str(project / "scripts" / "i18n"), "--list"], capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.split()

    assert listed(ROOT) == ["lms", *domains.DOMAINS]
    assert listed(copy) == ["lms", *domains.DOMAINS, FAKE]


def test_a_domain_nested_in_the_core_shares_the_cores_catalogue(monkeypatch):
    monkeypatch.setattr(domains, "DOMAINS", ("courses", "lms.programme", "certificates"))
    assert domains.catalogued_packages() == ("lms", "courses", "certificates")


def test_every_domain_is_packaged_and_first_party():
    """pyproject.toml cannot read lms/domains.py: a domain missing from its lists would be left out of the
    wheel (and sorted as a third-party import)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    included = project["tool"]["setuptools"]["packages"]["find"]["include"]
    first_party = project["tool"]["ruff"]["lint"]["isort"]["known-first-party"]
    for package in domains.catalogued_packages():
        assert any(fnmatch.fnmatch(package, pattern) for pattern in included), f"add {package}* to pyproject.toml"
        assert package in first_party, f"add {package} to known-first-party in pyproject.toml"


def _core_python_files() -> list[Path]:
    return [path for path in (ROOT / "lms").rglob("*.py") if path != ROOT / "lms" / "domains.py"]


def test_the_core_names_no_domain_package_outside_the_list():
    """No import of a domain, and no string naming one (a second list), anywhere in lms/ but lms/domains.py."""
    found = []
    for path in _core_python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value]
            else:
                continue
            found += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in names if _is_domain(name)]
    assert not found, "\n".join(found)


def _is_domain(name: str) -> bool:
    return any(name == domain or name.startswith(domain + ".") for domain in domains.DOMAINS)


def test_no_core_template_links_to_a_domain(app):
    """The core's templates and static files name no domain endpoint and no domain template: domains add
    what they show to core pages through registries (dashboard panels, menu items, cohort links)."""
    blueprints = {name for name, bp in app.blueprints.items() if _is_domain(bp.import_name)}
    assert {"certificates", "courseware", "studio"} <= blueprints
    endpoints, packages = ("|".join(map(re.escape, sorted(names))) for names in (blueprints, domains.DOMAINS))
    endpoint = re.compile(rf"""url_for\(\s*['"]({endpoints})\.""")
    template = re.compile(rf"""['"]({packages})/""")
    found = []
    for folder in (ROOT / "lms" / "templates", ROOT / "lms" / "static"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in (".html", ".js", ".css", ".txt"):
                text = path.read_text(encoding="utf-8")
                found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in endpoint.finditer(text)]
                found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in template.finditer(text)]
    assert not found, "\n".join(found)


def test_the_verify_box_shows_to_verifiers_only(client, auth, factory):
    """The box is certificates' panel now, shown by the core's "verify" permission rule."""
    auth.login(factory.user("verifier"))
    page = client.get("/").get_data(as_text=True)
    assert 'id="panel-verify"' in page and 'action="/verify"' in page
    auth.logout()
    auth.login(factory.user("learner"))
    assert 'id="panel-verify"' not in client.get("/").get_data(as_text=True)
