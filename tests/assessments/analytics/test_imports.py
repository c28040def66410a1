"""The analytics load and run without Flask, SQLAlchemy or the app (issue 23: importable with no app)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_package_imports_without_flask_or_the_database():
    code = (
        "import sys\n"
        "import assessments.analytics as a\n"
        "a.item_statistics([[1, 0], [0, 1], [1, 1]], [1, 1])\n"
        "a.paired_gain([10, 20, 30], [40, 20, 70])\n"
        "loaded = sorted(m for m in ('flask', 'flask_babel', 'sqlalchemy', 'lms') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    assert result.stdout.strip() == ""


def test_these_tests_do_not_build_the_app(request):
    # The overrides in conftest.py keep the suite's autouse fixtures from asking for the app.
    assert "app" not in request.fixturenames
