"""The console's fixtures (the seed imported as of 2024-06-20, accounts, a movable clock) for answer tests."""
from __future__ import annotations

import pytest

from tests.web.conftest import admin, app, cli_run, clock, sqlite_template  # noqa: F401


@pytest.fixture
def db(app):
    """A session on the console's store, committed by the test when it wants the web to see it."""
    with app.extensions["duban"]["sessions"]() as session:
        yield session
