"""The layers of issue 11, checked in a fresh interpreter: what a module loads, not what it says.

From the bottom: the Chinese-numeral parser stands alone; the state machine and the pure
planner know nothing of the store (bot.plan.transitions, the one writer, does); the
reader (extract, ingest) knows no store, planner or channel; channels know no store or
planner; and `python -m bot extract` starts without SQLAlchemy (the CLI's failure map, which
needs it, is imported only when something fails). tests/config/test_layers.py checks the
configuration's leaf and the unit directory.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEED

STORE = ("bot.store", "sqlalchemy", "alembic")
ABOVE_READER = (*STORE, "bot.plan", "bot.notify", "bot.config.admin", "bot.cli", "bot.web", "jobs", "click", "flask")
LAYERS = [
    ("bot.plan.states", (*STORE, "bot.config", "bot.units", "bot.notify", "jobs")),
    ("bot.plan.planner", (*STORE, "bot.notify", "jobs", "bot.web", "bot.cli")),
    ("bot.numerals", ("bot.", "jobs")),
    ("bot.extract", ("bot.ingest", "bot.units", "bot.config", *ABOVE_READER)),
    ("bot.ingest", ABOVE_READER),
    ("bot.notify", (*STORE, "bot.plan", "bot.config", "bot.units", "jobs", "bot.web", "bot.cli")),
]


def _loaded(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


@pytest.mark.parametrize("module, forbidden", LAYERS)
def test_a_layer_loads_without_the_layers_above(module, forbidden):
    loaded = _loaded(f"import sys, {module}\nprint(*sorted(m for m in sys.modules if m.startswith({forbidden!r})"
                     f" and m != {module!r} and not m.startswith({module + '.'!r})))")
    assert loaded == [], f"{module} pulls in {loaded}"


def test_extract_on_the_command_line_loads_no_database_code():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom bot.cli import cli\n"
            f"result = CliRunner().invoke(cli, ['extract', {str(SEED)!r}, '--format', 'json'])\n"
            "assert result.exit_code == 0, result.output\n"
            f"print(*sorted(m for m in sys.modules if m.startswith({STORE!r})))")
    assert _loaded(code) == []
