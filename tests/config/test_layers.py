"""The configuration's parsing leaf imports nothing of the store, the units or the planner
(issue 11 item 2), and the unit directory nothing of the store: checked in a fresh interpreter."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

LEAF = ["bot.config.yamlfile", "bot.config.paths", "bot.config.contacts", "bot.config.settings"]
ABOVE = ("bot.store", "bot.units", "bot.plan", "bot.notify", "bot.config.admin", "jobs", "sqlalchemy")


@pytest.mark.parametrize("module, forbidden", [*((m, ABOVE) for m in LEAF),
                                               ("bot.units.directory", ("bot.store", "bot.plan", "bot.config.admin"))])
def test_a_lower_layer_loads_without_the_layers_above(module, forbidden):
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith({forbidden!r})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"{module} pulls in {done.stdout.strip()}"
