"""A command run from the wrong directory does not start an empty database silently (issue 10)."""
from __future__ import annotations

import subprocess
import sys

from tests.cli.conftest import clean_env
from tests.conftest import SEED

READERS = (["status"], ["plan"], ["contacts", "list"], ["deliveries"], ["run", "--once"])


def test_commands_other_than_import_refuse_to_create_a_database(checkout, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(DUBAN_CONFIG_DIR=str(checkout.root / "config"))
    for args in READERS:
        done = _run_in(elsewhere, env, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert f"{elsewhere / 'data' / 'duban.sqlite3'}" in done.stderr and "不会新建数据库" in done.stderr
        assert "Traceback" not in done.stderr
    assert list(elsewhere.iterdir()) == []


def test_import_creates_the_database_and_says_which(checkout, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(DUBAN_CONFIG_DIR=str(checkout.root / "config"))
    done = _run_in(elsewhere, env, "import", str(SEED), "--as-of", "2024-06-20")
    assert done.returncode == 0, done.stderr
    assert f"新数据库 sqlite:///data/duban.sqlite3（即 {elsewhere / 'data' / 'duban.sqlite3'}）：已建立表结构" in done.stderr
    again = _run_in(elsewhere, env, "status")
    assert again.returncode == 0 and "新数据库" not in again.stderr


def _run_in(folder, env, *args):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120)
