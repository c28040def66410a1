"""The charts are pure functions of the reports' shapes: their tests need no app and no database.

The suite's autouse fixtures would build the app and wipe its tables before every test; here they are
replaced by ones that do nothing (as in ``tests/assessments/analytics``), so these tests would fail
loudly if the charts ever needed the app. Kept in this folder so that the report pages' tests beside it
still get the real fixtures.
"""

import pytest


@pytest.fixture(autouse=True)
def clean_database():
    """No tables to wipe: nothing here touches the database."""
    yield


@pytest.fixture(autouse=True)
def fast_passwords():
    """No accounts are created here."""
