"""The console's fixtures (the seed imported as of 2024-06-20, accounts, a movable clock) for answer tests."""
from __future__ import annotations

import pytest

from tests.web import conftest as web

app, cli_run, clock, sqlite_template = web.app, web.cli_run, web.clock, web.sqlite_template


@pytest.fixture
def db(app):
    """A session on the console's store."""
    with app.extensions["duban"]["sessions"]() as session:
        yield session
