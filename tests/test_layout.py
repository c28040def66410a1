"""The shape the design asks for, checked: views never import other views; services never commit."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("lms", "courses", "assessments", "certificates")
VIEW_MODULES = ("views", "admin_views", "components", "files", "blueprint", "instructor")


def _modules():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            yield path.relative_to(ROOT).with_suffix("").as_posix().replace("/", "."), path


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _is_view(module: str) -> bool:
    parts = module.split(".")
    # A package of views (assessments/views/) holds its pages in modules named for what they show.
    return parts[-1] in VIEW_MODULES or (len(parts) > 2 and parts[-2] == "views")


def test_views_never_import_other_views():
    offenders = []
    for module, path in _modules():
        if not _is_view(module):
            continue
        package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module.removesuffix(".__init__")
        for imported in _imports(path):
            # Within one package the studio's view modules share its blueprint; across packages, never.
            if _is_view(imported) and package not in (imported, imported.rsplit(".", 1)[0]):
                offenders.append((module, imported))
    assert offenders == []


def test_services_flush_and_never_commit():
    offenders = []
    for module, path in _modules():
        if module.rsplit(".", 1)[-1] != "services":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "commit":
                offenders.append((module, node.lineno))
    assert offenders == []
