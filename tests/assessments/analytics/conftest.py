"""The analytics are pure functions: their tests need no app and no database.

The suite's autouse fixtures would build the app and wipe its tables before every test; here they are
replaced by ones that do nothing, so these tests run in milliseconds and would fail loudly if the
functions ever needed the app (see ``test_imports.py``).
"""

import pytest


@pytest.fixture(autouse=True)
def clean_database():
    """No tables to wipe: nothing here touches the database."""
    yield


@pytest.fixture(autouse=True)
def fast_passwords():
    """No accounts are created here."""
